// Live progress of a running import: polls the job's progress URL, then reloads.
(function () {
  const box = document.querySelector("[data-import-progress]");
  if (!box || box.dataset.running !== "true") return;
  const bar = document.getElementById("import-progress");
  const text = document.getElementById("import-progress-text");
  async function poll() {
    const response = await fetch(box.dataset.url, { credentials: "same-origin" });
    const data = await response.json();
    bar.value = data.progress;
    text.textContent = data.processed_rows + " / " + data.total_rows;
    if (data.status === "queued" || data.status === "running") {
      window.setTimeout(poll, 1000);
    } else {
      window.location.reload();
    }
  }
  window.setTimeout(poll, 500);
})();
