// The ticket page's behaviour, in a file because the Content-Security-Policy forbids inline and
// eval'd code (htmx trigger filters and hx-on attributes are both evaluated strings).

// A reminder about this ticket refreshes its block (app.js dispatches "reminder" on body).
document.body.addEventListener("reminder", (event) => {
  const ticket = document.getElementById("ticket");
  if (ticket && String(event.detail?.ticket_id) === ticket.dataset.ticketId) {
    ticket.dispatchEvent(new CustomEvent("ticket-reminder"));
  }
});

// A refused action (403) or a too-early urge (429) answers with the block and its message:
// show it instead of treating it as a failed request.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 403 || status === 429) && event.target.closest?.("#ticket")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
