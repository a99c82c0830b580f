/* Draw the chart of a CRM report from its JSON data, also after the results
   are refreshed by the report filters. Chart.js is vendored (no CDN). */
(function () {
  'use strict';

  function draw(canvas) {
    if (!window.Chart || window.Chart.getChart(canvas)) return;
    const source = document.getElementById(canvas.dataset.crmChart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const options = Object.assign(
      {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'bottom' } },
      },
      spec.options || {},
    );
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options,
    });
  }

  function drawAll(root) {
    root.querySelectorAll('canvas[data-crm-chart]').forEach(draw);
  }

  function start() {
    drawAll(document);
    new MutationObserver((mutations) => {
      mutations.forEach((mutation) => {
        mutation.addedNodes.forEach((node) => {
          if (node.nodeType === Node.ELEMENT_NODE) drawAll(node.parentNode || node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
