// The type page: the delete confirmation dialog, and focus kept in the handler picker after
// htmx replaces the handlers card (add/remove), so keyboard users stay where they were.

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) {
    document.getElementById(opener.dataset.openDialog)?.showModal();
    return;
  }
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) closer.closest("dialog")?.close();
});

document.body.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target?.id === "handlers" || event.target?.id === "handlers") {
    document.getElementById("handler-q")?.focus();
  }
});

// Character counters of the details form, at once as the person types (the server's check
// answers the same counters and the errors a moment later). Counted after trimming, as the
// service counts.
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) return;
  const counter = document.getElementById(`${input.name}-count`);
  if (!counter || !counter.dataset.max) return;
  counter.textContent = `${input.value.trim().length}/${counter.dataset.max}`;
});
