// Image and attachment fields: each chosen file is sent to the uploads API at once
// (XMLHttpRequest, for its progress events) and becomes a hidden input holding its id;
// pictures show a preview. Names and messages are set as text, never as HTML.

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

export function uploadsBusy(form) {
  return form.querySelector("[data-upload-item][data-busy]") !== null;
}

function showError(box, text) {
  const error = box.querySelector("[data-upload-error]");
  if (!error) return;
  error.textContent = text;
  error.hidden = !text;
}

function removeButton(box, name) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-ghost upload-remove";
  button.dataset.uploadRemove = "";
  button.setAttribute("aria-label", `${box.dataset.msgRemove} ${name}`);
  button.textContent = "✕";
  return button;
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function newItem(box, file) {
  const item = document.createElement("li");
  item.className = "upload-item";
  item.dataset.uploadItem = "";
  item.dataset.busy = "1";
  if (file.type.startsWith("image/")) {
    const img = document.createElement("img");
    img.className = "upload-thumb";
    img.alt = "";
    img.src = URL.createObjectURL(file);
    img.addEventListener("load", () => URL.revokeObjectURL(img.src), { once: true });
    item.append(img);
  } else {
    const icon = document.createElement("span");
    icon.className = "upload-icon";
    icon.setAttribute("aria-hidden", "true");
    const shape = box.querySelector("template[data-file-icon]");
    if (shape) icon.append(shape.content.cloneNode(true));
    item.append(icon);
  }
  const name = document.createElement("span");
  name.className = "upload-name";
  name.textContent = file.name;
  const size = document.createElement("span");
  size.className = "upload-size muted small";
  size.textContent = sizeText(file.size);
  const progress = document.createElement("progress");
  progress.className = "upload-progress";
  progress.max = 100;
  progress.value = 0;
  progress.setAttribute("aria-label", file.name);
  item.append(name, size, progress, removeButton(box, file.name));
  return item;
}

function send(box, item, file, csrf) {
  const progress = item.querySelector("progress");
  const data = new FormData();
  data.append("file", file);
  const xhr = new XMLHttpRequest();
  item._xhr = xhr;
  xhr.open("POST", box.dataset.url);
  xhr.setRequestHeader("X-CSRFToken", csrf);
  xhr.responseType = "json";
  xhr.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
  });
  const fail = (message) => {
    delete item.dataset.busy;
    item.remove();
    showError(box, `${file.name}: ${message || box.dataset.msgFailed}`);
  };
  xhr.addEventListener("load", () => {
    const body = xhr.response;
    if (xhr.status !== 201 || !body || !body.id) {
      fail(body && body.error ? body.error.message : "");
      return;
    }
    if (box.dataset.kind === "image" && !IMAGE_TYPES.includes(body.content_type)) {
      fail(box.dataset.msgImage);
      return;
    }
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = box.dataset.name;
    hidden.value = body.id;
    item.append(hidden);
    progress.value = 100;
    progress.hidden = true;
    delete item.dataset.busy;
    item.dataset.done = "";
  });
  xhr.addEventListener("error", () => fail(""));
  xhr.send(data);
}

function initBox(box, csrf) {
  const input = box.querySelector("[data-upload-input]");
  const list = box.querySelector("[data-upload-list]");
  if (!input || !list) return;
  input.addEventListener("change", () => {
    showError(box, "");
    const limit = Number(box.dataset.max || 0);
    for (const file of Array.from(input.files || [])) {
      const count = list.querySelectorAll("[data-upload-item]").length;
      if (limit && count >= limit) {
        showError(box, box.dataset.msgMax);
        break;
      }
      if (box.dataset.kind === "image" && !IMAGE_TYPES.includes(file.type)) {
        showError(box, `${file.name}: ${box.dataset.msgImage}`);
        continue;
      }
      const item = newItem(box, file);
      list.append(item);
      send(box, item, file, csrf);
    }
    input.value = "";
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-upload-remove]");
    if (!button) return;
    const item = button.closest("[data-upload-item]");
    if (item?._xhr && item.dataset.busy) item._xhr.abort();
    item?.remove();
    showError(box, "");
    input.focus();
  });
}

export function initUploads(form, csrf) {
  for (const box of form.querySelectorAll("[data-upload]")) initBox(box, csrf);
}
