// A type's form on the submission page: uploads with progress and previews, detail-table
// rows, member pickers. Each part also works on inputs added later (new table rows).
import { initUploads, uploadsBusy } from "./uploads.js";
import { initTables } from "./table.js";
import { initMemberPickers } from "./member.js";

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function guardSubmit(form) {
  // No submit while a file is still uploading, and no second ticket from a double tap.
  form.addEventListener("submit", (event) => {
    if (uploadsBusy(form)) {
      event.preventDefault();
      const note = form.querySelector("[data-uploads-busy]");
      if (note) note.hidden = false;
      return;
    }
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.setAttribute("aria-disabled", "true");
    }
  });
  // Back to a page restored from the browser's cache: allow sending again.
  window.addEventListener("pageshow", () => {
    delete form.dataset.sent;
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.removeAttribute("aria-disabled");
    }
  });
}

function focusFirstError(form) {
  const error = form.querySelector("[data-field-error], .alert-error");
  if (!error) return;
  const field = error.closest("[data-field]");
  const input = field?.querySelector("input:not([type=hidden]), select, textarea");
  (input || error).scrollIntoView({ block: "center" });
  if (input) input.focus({ preventScroll: true });
}

for (const form of document.querySelectorAll("form[data-ticket-form]")) {
  initUploads(form, csrfToken(form));
  initTables(form);
  initMemberPickers(form);
  guardSubmit(form);
  focusFirstError(form);
}
