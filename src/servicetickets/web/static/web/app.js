// The page shell: live reminders (badge, toast, browser notification, "reminder" event for
// pages that refresh a list) and the service worker of the installable app.
const body = document.body;

function setBadge(count) {
  const badge = document.getElementById("unread-badge");
  if (!badge) return;
  badge.textContent = String(count);
  badge.hidden = count <= 0;
}

function toast(text, href) {
  const box = document.getElementById("toasts");
  if (!box) return;
  const item = document.createElement("div");
  item.className = "toast";
  item.setAttribute("role", "status");
  const link = document.createElement("a");
  link.href = href;
  link.textContent = text; // text, never HTML: reminder texts carry user-chosen names
  item.append(link);
  box.append(item);
  setTimeout(() => item.remove(), 8000);
}

function notifyBrowser(reminder, href) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible") return;
  const note = new Notification(reminder.ticket_number, {
    body: reminder.text,
    tag: `reminder-${reminder.id}`,
    icon: "/static/web/icons/icon-192.png",
  });
  note.onclick = () => { window.focus(); window.location.href = href; };
}

function listen() {
  const url = body.dataset.stream;
  if (!url || !("EventSource" in window)) return;
  const source = new EventSource(url, { withCredentials: true });
  const onReminder = (event) => {
    const reminder = JSON.parse(event.data);
    const badge = document.getElementById("unread-badge");
    const count = Number(badge?.textContent || 0) + (reminder.read ? 0 : 1);
    setBadge(count);
    const href = `/tickets/${reminder.ticket_id}/`;
    toast(reminder.text, href);
    notifyBrowser(reminder, href);
    body.dispatchEvent(new CustomEvent("reminder", { detail: reminder, bubbles: true }));
  };
  for (const kind of (body.dataset.kinds || "").split(" ").filter(Boolean)) {
    source.addEventListener(kind, onReminder);
  }
  // EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed.
}

listen();
window.serviceTickets = { setBadge, toast };

if ("serviceWorker" in navigator && body.dataset.stream) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}

// <select data-autosubmit> sends its form when changed (no inline handlers: the CSP forbids them).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLElement && field.hasAttribute("data-autosubmit")) {
    field.closest("form")?.requestSubmit();
  }
});
