// The reminders page: ask for browser notifications and show what the browser allows.
const box = document.getElementById("browser-notifications");

function show() {
  if (!box) return;
  const state = box.querySelector("[data-state]");
  const button = box.querySelector("button");
  if (!("Notification" in window)) {
    state.textContent = box.dataset.unsupported;
    button.hidden = true;
    return;
  }
  const permission = Notification.permission; // "default", "granted" or "denied"
  state.textContent = box.dataset[permission] || box.dataset.default;
  box.dataset.permission = permission;
  button.hidden = permission !== "default";
}

box?.querySelector("button")?.addEventListener("click", async () => {
  try {
    await Notification.requestPermission();
  } finally {
    show();
  }
});
show();
