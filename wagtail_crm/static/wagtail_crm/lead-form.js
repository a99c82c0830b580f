/* Lead-form block: send without reloading the page, show the thank-you in place.
 * Without JavaScript the form posts normally and the page redirects back. */
(function () {
  "use strict";
  if (window.wagtailcrmLeadForms) return;
  window.wagtailcrmLeadForms = true;

  function showErrors(form, data) {
    var box = form.querySelector("[data-wagtailcrm-errors]");
    var messages = [];
    if (data.message) messages.push(data.message);
    Object.keys(data.errors || {}).forEach(function (name) {
      data.errors[name].forEach(function (error) {
        var input = form.elements[name];
        var label = input && input.labels && input.labels[0];
        var prefix = name !== "__all__" && label ? label.textContent.replace(/:$/, "") + ": " : "";
        messages.push(prefix + error.message);
      });
    });
    box.textContent = "";
    messages.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-wagtailcrm-lead-form]")) return;
    if (!window.fetch || !window.FormData) return;
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        if (data.ok) {
          var thanks = form.parentNode.querySelector("[data-wagtailcrm-thanks]");
          thanks.textContent = data.message;
          thanks.hidden = false;
          form.hidden = true;
        } else {
          showErrors(form, data);
        }
      })
      .catch(function () {
        form.submit();
      })
      .finally(function () {
        if (button) button.disabled = false;
      });
  });
})();
