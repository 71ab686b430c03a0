// One request: its facts, its service level, its public history with attachments, and a box
// to answer (or write) while it is open, or to reopen it once resolved or closed.
import { ApiError, api, download, isTicketId, ticketPath } from "../../../common/js/api.js";
import { announce, h, replace } from "../../../common/js/dom.js";
import { dateTime, size } from "../../../common/js/format.js";
import { t } from "../../../common/js/i18n.js";
import { clockText } from "../../../common/js/sla.js";

const OPEN = ["new", "accepted", "waiting_customer"];
const MAX_EVENT_PAGES = 20;

async function allEvents(id) {
  const events = [];
  let cursor = null;
  for (let page = 0; page < MAX_EVENT_PAGES; page += 1) {
    const query = new URLSearchParams({ limit: "100" });
    if (cursor) query.set("cursor", cursor);
    const answer = await api(ticketPath(id, `/events?${query}`));
    events.push(...answer.items);
    cursor = answer.cursor;
    if (!cursor) break;
  }
  return events;
}

/** "Request not found" for `id` (shown as text, whatever it holds). */
export function notFoundPage(main, id) {
  replace(main, h("h1", { tabindex: "-1" }, t("detail.notFound")),
    h("p", { role: "alert" }, t("detail.notFoundText", { id })),
    h("p", {}, h("a", { href: "#/" }, t("detail.back"))));
}

/** Renders request `id` into `main`; a request the user may not see, or a text that is no
 * ticket id (checked before any request is made), reads "not found". */
export async function requestPage(main, id, me, showError) {
  if (!isTicketId(id)) {
    notFoundPage(main, id);
    return;
  }
  let ticket;
  let events;
  try {
    [ticket, events] = await Promise.all([api(ticketPath(id)), allEvents(id)]);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 422)) {
      notFoundPage(main, id);
      return;
    }
    throw error;
  }
  const reload = async (message) => {
    await requestPage(main, id, me, showError);
    announce(message);
    main.querySelector("h1").focus();
  };
  replace(main,
    h("p", {}, h("a", { href: "#/" }, t("detail.back"))),
    h("h1", { tabindex: "-1" }, h("span", { class: "ticket-id" }, ticket.id), " ", ticket.subject),
    ticket.status === "waiting_customer" ? h("p", { class: "notice", role: "note" }, t("detail.waiting")) : null,
    h("div", { class: "columns" },
      h("section", { "aria-labelledby": "facts-title" }, h("h2", { id: "facts-title" }, t("detail.facts")), facts(ticket)),
      h("section", { "aria-labelledby": "sla-title" }, h("h2", { id: "sla-title" }, t("detail.sla")),
        h("dl", { class: "facts" }, ["take_charge", "resolution"].map((name) => [
          h("dt", {}, t(`clock.${name}`)), h("dd", {}, clockText(ticket.sla[name]))])))),
    h("section", { "aria-labelledby": "history-title" },
      h("h2", { id: "history-title" }, t("detail.history")),
      h("ol", { class: "history" }, events.map((event) => eventItem(ticket, event, me, showError)))),
    OPEN.includes(ticket.status) ? answerBox(ticket, reload, showError) : reopenBox(ticket, reload, showError));
}

function facts(ticket) {
  const rows = [
    ["list.status", h("span", { class: `status status-${ticket.status}` }, t(`status.${ticket.status}`))],
    ["list.priority", t(`priority.${ticket.priority}`)],
    ["list.category", t(`category.${ticket.category}`)],
    ["list.language", t(`language.${ticket.language}`)],
    ["list.opened", h("time", { datetime: ticket.created_at }, dateTime(ticket.created_at))],
    ["detail.contact", ticket.contact_name || ticket.contact_email],
  ];
  // Staff are shown by name only: the API never gives a customer a staff address.
  if (ticket.assignee) rows.push(["detail.assignee", ticket.assignee_name || t("detail.desk")]);
  return h("dl", { class: "facts" }, rows.map(([key, value]) => [h("dt", {}, t(key)), h("dd", {}, value)]));
}

function eventItem(ticket, event, me, showError) {
  const mine = me && event.actor && event.actor.toLowerCase() === me.toLowerCase();
  const staffName = event.actor_name || t("detail.desk");
  const who = event.actor_role === "customer" ? (mine ? t("detail.you") : event.actor) : staffName;
  const attachments = Array.isArray(event.data?.attachments) ? event.data.attachments : [];
  const leftOut = Array.isArray(event.data?.attachments_left_out) ? event.data.attachments_left_out : [];
  return h("li", { class: `event event-${event.type}` },
    h("p", { class: "event-head" }, h("strong", {}, t(`event.${event.type}`)), " · ", who, " · ",
      h("time", { datetime: event.at }, dateTime(event.at))),
    event.body ? h("p", { class: "event-body" }, event.body) : null,
    attachments.length ? h("div", { class: "attachments" }, h("p", { class: "muted" }, t("detail.attachments")),
      h("ul", {}, attachments.map((file) => h("li", {}, attachmentButton(ticket, file, showError))))) : null,
    leftOut.length ? h("ul", { class: "muted" }, leftOut.map((file) => h("li", {},
      t("detail.leftOut", { name: String(file.name ?? "?"), reason: String(file.reason ?? "") })))) : null);
}

function attachmentButton(ticket, file, showError) {
  const name = String(file.name || file.id);
  return h("button", {
    type: "button", class: "link-button", onclick: async () => {
      try {
        const fileId = String(file.id);
        // A dot segment (also as %2e) would be resolved away by the URL parser: another API path.
        if (/^(\.|%2e){1,2}$/i.test(fileId)) throw new ApiError(404);
        const blob = await download(ticketPath(ticket.id, `/attachments/${encodeURIComponent(fileId)}`));
        const url = URL.createObjectURL(blob);
        const link = h("a", { href: url, download: name, class: "visually-hidden" });
        document.body.append(link);
        link.click();
        link.remove();
        window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (error) {
        showError(t("detail.downloadFailed", { status: error.status ?? "?" }));
      }
    },
  }, t("detail.download", { name, size: size(Number(file.size) || 0) }));
}

function textForm({ id, title, label, button, submit, showError }) {
  const area = h("textarea", { id, name: "text", rows: "5", required: true, maxlength: "20000" });
  const error = h("p", { id: `${id}-error`, class: "field-error", hidden: true });
  const form = h("form", { class: "box", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) {
      area.setAttribute("aria-invalid", "true");
      area.setAttribute("aria-describedby", error.id);
      error.hidden = false;
      error.textContent = t("error.required", { field: label });
      area.focus();
      return;
    }
    const sendButton = form.querySelector("button");
    sendButton.disabled = true;
    try {
      await submit(text);
    } catch (failure) {
      sendButton.disabled = false;
      showError(failure);
    }
  } }, h("h2", { id: `${id}-title` }, title), h("label", { for: id }, label), area, error,
  h("button", { type: "submit", class: "button" }, button));
  form.setAttribute("aria-labelledby", `${id}-title`);
  return form;
}

function answerBox(ticket, reload, showError) {
  const waiting = ticket.status === "waiting_customer";
  return textForm({
    id: "answer", title: waiting ? t("detail.answerTitle") : t("detail.message"),
    label: waiting ? t("detail.answer") : t("detail.messageLabel"), button: t("detail.send"), showError,
    submit: async (body) => {
      await api(ticketPath(ticket.id, "/messages"), { method: "POST", body: { body } });
      await reload(t("detail.sent"));
    },
  });
}

function reopenBox(ticket, reload, showError) {
  return textForm({
    id: "reopen", title: t("detail.reopenTitle"), label: t("detail.reopenReason"), button: t("detail.reopen"),
    showError,
    submit: async (reason) => {
      await api(ticketPath(ticket.id, "/reopen"), { method: "POST", body: { reason } });
      await reload(t("detail.reopened"));
    },
  });
}
