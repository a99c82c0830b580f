/* Pipeline board: drag and drop and arrow keys over the board's POST endpoint.
   Without this script every card's own form still moves the deal. */
(function () {
  'use strict';

  const board = document.querySelector('[data-crm-board]');
  if (!board) return;
  const status = document.querySelector('[data-board-status]');
  const dialog = document.querySelector('[data-lost-dialog]');
  const columns = Array.from(board.querySelectorAll('[data-stage]'));

  function announce(message) {
    status.textContent = message;
  }

  function columnOf(element) {
    return element.closest('[data-stage]');
  }

  function askReason() {
    const input = dialog.querySelector('input[name=reason]');
    input.value = '';
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise((resolve) => {
      dialog.addEventListener(
        'close',
        () => resolve(dialog.returnValue === 'confirm' ? input.value.trim() : null),
        { once: true },
      );
    });
  }

  function updateColumns(summaries) {
    columns.forEach((column) => {
      const summary = summaries[column.dataset.stage];
      if (!summary) return;
      column.querySelector('[data-count]').textContent = summary.count;
      column.querySelector('[data-total]').textContent = summary.total;
    });
  }

  async function post(card, column, reason) {
    const body = new FormData();
    body.append('stage', column.dataset.stage);
    body.append('reason', reason);
    const response = await fetch(card.dataset.moveUrl, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': board.dataset.csrf, Accept: 'application/json' },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      announce(data.error || board.dataset.textFailed);
      window.alert(data.error || board.dataset.textFailed);
      return false;
    }
    return data;
  }

  async function moveTo(card, column, givenReason = '') {
    if (!column || column === columnOf(card)) return;
    let reason = givenReason;
    if (column.dataset.stageKind === 'lost' && !reason) {
      reason = await askReason();
      if (!reason) return;
    }
    card.setAttribute('aria-busy', 'true');
    const data = await post(card, column, reason);
    card.removeAttribute('aria-busy');
    if (!data) return;
    column.querySelector('[data-cards]').prepend(card);
    const select = card.querySelector('select[name=stage]');
    if (select) select.value = column.dataset.stage;
    const reasonInput = card.querySelector('input[name=reason]');
    if (reasonInput) reasonInput.value = reason;
    updateColumns(data.columns);
    announce(
      board.dataset.textMoved
        .replace('%(deal)s', card.dataset.title)
        .replace('%(stage)s', column.dataset.stageName),
    );
    card.focus();
  }

  board.addEventListener('dragstart', (event) => {
    const card = event.target.closest('[data-deal]');
    if (!card) return;
    event.dataTransfer.setData('text/plain', card.dataset.deal);
    event.dataTransfer.effectAllowed = 'move';
    card.classList.add('is-dragging');
  });

  board.addEventListener('dragend', (event) => {
    const card = event.target.closest('[data-deal]');
    if (card) card.classList.remove('is-dragging');
    columns.forEach((column) => column.classList.remove('is-drop-target'));
  });

  columns.forEach((column) => {
    column.addEventListener('dragover', (event) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      column.classList.add('is-drop-target');
    });
    column.addEventListener('dragleave', (event) => {
      if (!column.contains(event.relatedTarget)) {
        column.classList.remove('is-drop-target');
      }
    });
    column.addEventListener('drop', (event) => {
      event.preventDefault();
      column.classList.remove('is-drop-target');
      const id = event.dataTransfer.getData('text/plain');
      const card = board.querySelector(`[data-deal="${CSS.escape(id)}"]`);
      if (card) moveTo(card, column);
    });
  });

  board.addEventListener('keydown', (event) => {
    const card = event.target;
    if (!card.matches || !card.matches('[data-deal]')) return;
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const index = columns.indexOf(columnOf(card));
    moveTo(card, columns[index + step]);
  });

  board.addEventListener('submit', (event) => {
    const form = event.target.closest('[data-move-form]');
    if (!form) return;
    event.preventDefault();
    const column = board.querySelector(
      `[data-stage="${CSS.escape(form.elements.stage.value)}"]`,
    );
    moveTo(form.closest('[data-deal]'), column, form.elements.reason.value.trim());
  });
})();
