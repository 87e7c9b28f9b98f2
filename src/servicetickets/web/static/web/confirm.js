// Ask before a form that takes something away is sent. A form with
// data-confirm="Question?" (and optionally data-confirm-detail, data-confirm-ok) opens the
// page's #confirm-dialog; it is sent only when the person confirms. Texts are set with
// textContent: they may carry user-chosen names.
const dialog = document.getElementById("confirm-dialog");

function ask(form) {
  const question = dialog.querySelector("[data-confirm-question]");
  const detail = dialog.querySelector("[data-confirm-detail]");
  const ok = dialog.querySelector("[data-confirm-ok]");
  question.textContent = form.dataset.confirm;
  detail.textContent = form.dataset.confirmDetail || "";
  detail.hidden = !form.dataset.confirmDetail;
  ok.textContent = form.dataset.confirmOk || ok.dataset.defaultText;
  dialog.returnValue = "";
  dialog.addEventListener(
    "close",
    () => {
      if (dialog.returnValue !== "ok") return;
      form.dataset.confirmed = "yes";
      form.requestSubmit();
    },
    { once: true },
  );
  dialog.showModal();
}

if (dialog instanceof HTMLDialogElement) {
  const ok = dialog.querySelector("[data-confirm-ok]");
  ok.dataset.defaultText = ok.textContent;
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    ask(form);
  });
}
