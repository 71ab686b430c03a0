// The ticket screen: the header (facts and both clocks), the timeline, the composer (Reply,
// Internal note), the actions, the customer panel, the outgoing mails and who else is here. One
// call, GET /api/tickets/{id}/screen, answers all but presence (and the later pages of a long
// history). Every reply and action carries If-Match with the ticket's ETag; a 412 reloads what
// is new and offers to send again or to discard. Text from the ticket is always inserted as text.
import { ApiError, api, apiTagged, isTicketId, ticketPath } from "../../../common/js/api.js";
import { announce, h, replace } from "../../../common/js/dom.js";
import { dateTime, workingTime } from "../../../common/js/format.js";
import { t } from "../../../common/js/i18n.js";
import { cannedPicker } from "../canned.js";
import { dropDraft, draft, keepDraft } from "../drafts.js";
import { startPresence } from "../presence.js";

const OPEN = ["new", "accepted", "waiting_customer"];
const MAX_EVENT_PAGES = 10;

/** The actions in the order the screen offers them, each with the statuses it starts from and
 * the fields of its body (`docs/tickets.md`; the API decides, the screen only offers). */
const ACTIONS = [
  { name: "accept", from: ["new"], fields: [] },
  { name: "assign", from: OPEN, fields: [{ name: "assignee", kind: "email", required: true }] },
  { name: "classify", from: OPEN, fields: [
    { name: "category", kind: "category" }, { name: "priority", kind: "priority" },
    { name: "reason", kind: "text", required: true }] },
  { name: "request-clarification", from: ["accepted"], fields: [{ name: "message", kind: "text", required: true }] },
  { name: "resolve", from: ["accepted", "waiting_customer"], fields: [{ name: "resolution", kind: "text", required: true }] },
  { name: "close", from: ["resolved"], fields: [] },
  { name: "reopen", from: ["resolved", "closed"], fields: [{ name: "reason", kind: "text", required: true }] },
];

/** The ticket's screen (its ETag beside it) with the whole history: the pages after the
 * screen's first one come from the events route (a long history only). */
async function screen(id) {
  const tagged = await apiTagged(ticketPath(id, "/screen?limit=100"));
  const events = [...tagged.body.events];
  let cursor = tagged.body.events_cursor;
  for (let page = 1; cursor && page < MAX_EVENT_PAGES; page += 1) {
    const answer = await api(ticketPath(id, `/events?${new URLSearchParams({ limit: "100", cursor })}`));
    events.push(...answer.items);
    cursor = answer.cursor;
  }
  return { ...tagged.body, events, etag: tagged.etag };
}

/** A plain page for a ticket the member may not see (or that does not exist): no contents. */
function unavailablePage(main, id, key) {
  replace(main, h("h1", { tabindex: "-1" }, t("ticket.unavailable")),
    h("p", { role: "alert" }, t(key, { id })),
    h("p", {}, h("a", { href: "#/views/queue" }, t("ticket.backToQueue"))));
}

function clockFacts(name, clock, status) {
  const parts = [];
  if (clock.state === "not_started") parts.push(t("sla.notStarted"));
  else if (clock.state === "stopped") parts.push(clock.met === false || clock.breached ? t("sla.missed") : t("sla.met"));
  else {
    parts.push(t("sla.dueAt", { due: dateTime(clock.due) }));
    parts.push(t("sla.left", { left: workingTime(clock.remaining_seconds) }));
  }
  const badges = [];
  if (clock.state === "paused") {
    badges.push(h("span", { class: "badge badge-paused" },
      status === "waiting_customer" ? t("sla.pausedWaiting") : t("sla.paused")));
  }
  if (clock.breached) badges.push(h("span", { class: "badge badge-breached" }, t("sla.breached")));
  return [h("dt", {}, t(`clock.${name}`)), h("dd", { "data-clock": name }, parts.join(" · "), " ", badges)];
}

function factsPanel(ticket) {
  const fact = (key, value) => [h("dt", {}, t(key)), h("dd", {}, value)];
  const contact = ticket.contact_name ? `${ticket.contact_name} <${ticket.contact_email}>` : ticket.contact_email;
  return h("section", { class: "panel", "aria-labelledby": "facts-title" },
    h("h2", { id: "facts-title" }, t("ticket.facts")),
    h("dl", { class: "facts" },
      fact("ticket.customer", ticket.customer_id),
      fact("ticket.contact", contact),
      fact("ticket.channel", t(`channel.${ticket.channel}`)),
      fact("ticket.language", t(`language.${ticket.language}`)),
      fact("ticket.priority", t(`priority.${ticket.priority}`)),
      fact("ticket.category", t(`category.${ticket.category}`)),
      fact("ticket.status", h("span", { class: "status" }, t(`status.${ticket.status}`))),
      fact("ticket.assignee", ticket.assignee_name || ticket.assignee || t("list.unassigned")),
      fact("ticket.opened", dateTime(ticket.created_at))));
}

function customerPanel(customer, others) {
  return h("section", { class: "panel", "aria-labelledby": "customer-title" },
    h("h2", { id: "customer-title" }, t("customer.title")),
    h("dl", { class: "facts" },
      h("dt", {}, t("customer.name")), h("dd", {}, customer.name, " ", h("span", { class: "muted" }, `(${customer.id})`)),
      h("dt", {}, t("customer.entitlement")),
      h("dd", {}, customer.entitled ? t("customer.entitled") : h("span", { class: "badge badge-paused" }, t("customer.notEntitled"))),
      h("dt", {}, t("customer.language")), h("dd", {}, t(`language.${customer.language}`))),
    h("h3", {}, t("customer.contacts")),
    customer.contacts.length
      ? h("ul", { class: "plain" }, customer.contacts.map((contact) => h("li", {}, `${contact.name} <${contact.email}>`)))
      : h("p", { class: "muted" }, t("customer.noContacts")),
    h("h3", {}, t("customer.otherOpen")),
    others.length
      ? h("ul", { class: "plain", id: "other-open" }, others.map((other) => h("li", {},
        h("a", { href: `#/tickets/${other.id}` }, h("span", { class: "ticket-id" }, other.id), " ", other.subject),
        " · ", t(`status.${other.status}`), " · ", t(`priority.${other.priority}`))))
      : h("p", { class: "muted" }, t("customer.noOtherOpen")));
}

function mailsPanel(mails) {
  return h("section", { class: "panel", "aria-labelledby": "mails-title" },
    h("h2", { id: "mails-title" }, t("mails.title")),
    mails.length ? h("ul", { class: "plain mails" }, mails.map((mail) => h("li", { "data-mail": mail.kind },
      h("span", { class: "event-kind" }, t(`mail.${mail.kind}`)), " → ", t(`recipient.${mail.to_role}`), " · ",
      h("span", { class: mail.state === "failed" ? "badge badge-breached" : mail.state === "sent" ? "badge badge-ok"
        : "badge badge-paused" }, t(`delivery.${mail.state}`)),
      " · ", h("time", { datetime: mail.sent_at || mail.created_at }, dateTime(mail.sent_at || mail.created_at)),
      mail.attempts > 1 ? ` · ${t("mails.attempts", { n: mail.attempts })}` : null,
      mail.reason ? h("p", { class: "hint" }, mail.reason) : null)))
      : h("p", { class: "muted" }, t("mails.none")));
}

function presenceLine(others) {
  if (!others.length) return h("p", { class: "muted" }, t("presence.alone"));
  return h("ul", { class: "plain" }, others.map((other) => h("li", { "data-present": other.name },
    other.composing ? t("presence.writing", { name: other.name, since: dateTime(other.since) })
      : t("presence.viewing", { name: other.name, since: dateTime(other.since) }))));
}

function slaPanel(ticket) {
  const { sla } = ticket;
  return h("section", { class: "panel", "aria-labelledby": "sla-title" },
    h("h2", { id: "sla-title" }, t("ticket.sla")),
    h("dl", { class: "facts" },
      clockFacts("take_charge", sla.take_charge, ticket.status),
      clockFacts("resolution", sla.resolution, ticket.status),
      h("dt", {}, t("ticket.escalation")),
      h("dd", {}, sla.escalation_level ? t("sla.level", { level: sla.escalation_level }) : t("ticket.noEscalation"))));
}

/** What an event was, in words, and the class that sets it apart (internal notes visibly). */
function eventKind(event) {
  if (event.type === "message") {
    if (event.actor_role === "customer") return ["event.customerMessage", "from-customer"];
    return event.public ? ["event.publicReply", "public-reply"] : ["event.internalNote", "internal-note"];
  }
  if (event.type === "created") return ["event.created", event.actor_role === "customer" ? "from-customer" : "change"];
  return [`event.${event.type}`, "change"];
}

function eventDetails(event) {
  const data = event.data || {};
  const details = [];
  if (event.type === "clarification_requested" && !Array.isArray(data.clocks)) details.push(t("event.clocksPaused"));
  if (typeof data.assignee === "string") details.push(t("event.to", { who: data.assignee }));
  if (typeof data.assignee?.to === "string") details.push(t("event.to", { who: data.assignee.to }));
  return details.join(" · ");
}

/** What else the event changed, each in words: the classification, the status, each clock event
 * the change made (started, paused and why, resumed, goal changed, stopped), the escalation. */
function eventChanges(event) {
  const data = event.data || {};
  const changes = [];
  const changed = (kind, text) => changes.push(h("li", { "data-change": kind }, text));
  if (data.category?.from !== data.category?.to && typeof data.category?.to === "string") {
    changed("category", t("event.categoryChanged", { from: t(`category.${data.category.from}`),
      to: t(`category.${data.category.to}`) }));
  }
  if (data.priority?.from !== data.priority?.to && data.priority?.to !== undefined) {
    changed("priority", t("event.priorityChanged", { from: t(`priority.${data.priority.from}`),
      to: t(`priority.${data.priority.to}`) }));
  }
  if (typeof data.status?.to === "string") {
    changed("status", t("event.statusChanged", { from: t(`status.${data.status.from}`), to: t(`status.${data.status.to}`) }));
  }
  for (const entry of Array.isArray(data.clocks) ? data.clocks : []) {
    const clock = t(`clock.${entry.clock}`);
    const goal = typeof entry.budget_seconds === "number" ? workingTime(entry.budget_seconds) : "";
    const words = {
      start: () => t("event.clockStarted", { clock, goal }),
      pause: () => t(entry.reason === "waiting_customer" ? "event.clockPausedWaiting" : "event.clockPaused", { clock }),
      resume: () => t("event.clockResumed", { clock }),
      goal_change: () => t("event.clockGoalChanged", { clock, goal }),
      stop: () => t(entry.met === false ? "event.clockStoppedLate" : "event.clockStopped", { clock }),
    }[entry.kind];
    if (words) changes.push(h("li", { "data-clock-event": entry.kind, "data-clock": entry.clock }, words()));
  }
  if (event.type === "escalated" && typeof data.clock === "string") {
    changed("escalation", t("event.escalation", { clock: t(`clock.${data.clock}`), level: data.level }));
  }
  return changes.length ? h("ul", { class: "event-changes" }, changes) : null;
}

/** The class that sets an event apart: a customer's, a reply, a note, an escalation, a change. */
function eventClass(event, kind) {
  return event.type === "escalated" ? "change escalation" : kind;
}

function timeline(events) {
  return h("ol", { class: "timeline", "aria-label": t("ticket.timeline") },
    events.map((event) => {
      const [key, kind] = eventKind(event);
      const details = eventDetails(event);
      return h("li", { class: eventClass(event, kind), "data-event": event.type },
        h("p", { class: "event-head" },
          h("span", { class: "event-kind" }, t(key)), " · ", event.actor_name || event.actor, " · ",
          h("time", { datetime: event.at }, dateTime(event.at)), details ? ` · ${details}` : null),
        event.body ? h("p", { class: "event-body" }, event.body) : null,
        eventChanges(event));
    }));
}

/** The message a failed send shows: the field at fault from the problem document, a network
 * failure (the draft kept), a refusal in plain words, or the desk's own detail. */
function failureText(error) {
  if (!(error instanceof ApiError)) return t("error.generic", { status: "?" });
  if (error.status === 0) return t("error.networkDraftKept");
  if (error.status === 403) return t("error.forbiddenAction");
  if (error.problem?.field) return t("error.field", { field: t(`field.${error.problem.field}`), detail: error.problem.detail });
  if (error.status === 409 && error.problem?.detail) return t("error.conflict", { detail: error.problem.detail });
  return t("error.generic", { status: error.status });
}

/**
 * Renders ticket `id` into `main`. `context` holds the config document and the list to go
 * `back` to; returns the screen's controls for the keyboard: `reply()`, `note()`, `accept()`.
 */
export async function ticketPage(main, id, context) {
  if (!isTicketId(id)) {
    unavailablePage(main, id, "ticket.notFound");
    return {};
  }
  // `typed`: what the open action's form holds, so a reload (a 412) shows it again.
  const state = { ticket: null, etag: null, events: [], customer: null, others: [], mails: [], present: [],
    notice: null, open: null, typed: {}, changed: null, mode: "reply", foreign: null };
  // `foreign`: a canned reply inserted in the other language than the ticket's, not yet edited:
  // a reply holding it is not sent (every reply is in the ticket's language).
  const saved = draft(id);
  if (saved) state.mode = saved.mode === "note" ? "note" : "reply";

  async function load() {
    const answer = await screen(id);
    state.ticket = answer.ticket;
    state.etag = answer.etag;
    state.events = answer.events;
    state.customer = answer.customer;
    state.others = answer.other_open;
    state.mails = answer.mails;
  }

  try {
    await load();
  } catch (error) {
    if (error instanceof ApiError && [403, 404, 422].includes(error.status)) {
      unavailablePage(main, id, error.status === 403 ? "ticket.forbidden" : "ticket.notFound");
      return {};
    }
    throw error;
  }

  /** Sends a change with the ETag; on 412 reloads and keeps `retry` to send again. */
  async function send(perform, done, where) {
    try {
      await perform(state.etag);
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        state.changed = { retry: () => send(perform, done, where) };
        await reloadAfter(t("ticket.changed"));
        return;
      }
      where.textContent = failureText(error);
      where.hidden = false;
      const field = error instanceof ApiError ? error.problem?.field : null;
      const input = field ? main.querySelector(`[name="${CSS.escape(field)}"]`) : null;
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
      }
      return;
    }
    state.changed = null;
    await done();
  }

  async function reloadAfter(message) {
    try {
      await load();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        presence.stop();
        unavailablePage(main, id, "ticket.handedOver");
        announce(t("ticket.handedOverShort"));
        return false;
      }
      throw error;
    }
    state.notice = message;
    render();
    announce(message);
    return true;
  }

  function actionButton(action) {
    return h("button", { type: "button", class: action.fields.length ? "button secondary" : "button",
      "data-action": action.name, "aria-expanded": action.fields.length ? String(state.open === action.name) : null,
      onclick: () => {
        if (!action.fields.length) {
          const alert = main.querySelector("#action-alert");
          send((etag) => api(ticketPath(id, `/${action.name}`), { method: "POST", body: {}, ifMatch: etag }),
            () => reloadAfter(t(`done.${action.name}`)), alert);
          return;
        }
        state.open = state.open === action.name ? null : action.name;
        state.typed = {};
        render();
        main.querySelector(".action-form textarea, .action-form input, .action-form select")?.focus();
      } }, t(`action.${action.name}`));
  }

  function fieldControl(field) {
    const id_ = `action-${field.name}`;
    let control;
    if (field.kind === "category") {
      control = h("select", { id: id_, name: field.name },
        context.config.categories.map((entry) => h("option", { value: entry.category,
          selected: entry.category === state.ticket.category }, t(`category.${entry.category}`))));
    } else if (field.kind === "priority") {
      control = h("select", { id: id_, name: field.name },
        context.config.priorities.map((entry) => h("option", { value: String(entry.priority),
          selected: entry.priority === state.ticket.priority }, t(`priority.${entry.priority}`))));
    } else if (field.kind === "email") {
      control = h("input", { id: id_, name: field.name, type: "email", required: true, autocomplete: "off",
        "aria-describedby": `${id_}-hint` });
    } else {
      control = h("textarea", { id: id_, name: field.name, required: field.required || null, rows: "3" });
    }
    if (state.typed[field.name] !== undefined) control.value = state.typed[field.name];
    control.addEventListener("input", () => { state.typed[field.name] = control.value; });
    control.addEventListener("change", () => { state.typed[field.name] = control.value; });
    return [h("label", { for: id_ }, t(`field.${field.name}`)), control,
      field.kind === "email" ? h("p", { class: "hint", id: `${id_}-hint` }, t("ticket.assignHint")) : null];
  }

  function actionForm(action) {
    const alert = h("p", { class: "notice notice-error", role: "alert", hidden: true });
    return h("form", { class: "action-form", "aria-label": t(`action.${action.name}`), onsubmit: (event) => {
      event.preventDefault();
      const body = {};
      for (const field of action.fields) {
        const value = event.target.elements[field.name].value.trim();
        if (field.kind === "priority") body[field.name] = Number(value);
        else if (value) body[field.name] = value;
      }
      if (action.name === "classify") {
        if (body.category === state.ticket.category) delete body.category;
        if (body.priority === state.ticket.priority) delete body.priority;
      }
      send((etag) => api(ticketPath(id, `/${action.name}`), { method: "POST", body, ifMatch: etag }),
        async () => {
          state.open = null;
          state.typed = {};
          await reloadAfter(action.name === "assign" ? t("done.assign", { who: body.assignee }) : t(`done.${action.name}`));
        }, alert);
    } },
    action.fields.map(fieldControl),
    alert,
    h("p", {}, h("button", { type: "submit", class: "button" }, t(`action.${action.name}`)), " ",
      h("button", { type: "button", class: "button secondary", onclick: () => { state.open = null; render(); } },
        t("ticket.cancel"))));
  }

  function composer() {
    const current = draft(id);
    const note = state.mode === "note";
    const alert = h("p", { class: "notice notice-error", role: "alert", hidden: true });
    const text = h("textarea", { id: "composer-text", name: "body", rows: "6",
      oninput: () => {
        keepDraft(id, state.mode, text.value);
        presence.changed();
      } });
    text.value = current ? current.text : "";
    const mode = (name) => h("label", {}, h("input", { type: "radio", name: "mode", value: name,
      checked: state.mode === name, onchange: () => {
        state.mode = name;
        keepDraft(id, name, text.value);
        render();
        main.querySelector("#composer-text").focus();
      } }), " ", t(`composer.${name}`));
    return h("form", { class: `composer ${note ? "note" : "reply"}`, "aria-labelledby": "composer-title",
      onsubmit: (event) => {
        event.preventDefault();
        const body = text.value.trim();
        if (!body) {
          alert.textContent = t("error.required", { field: t("field.body") });
          alert.hidden = false;
          text.focus();
          return;
        }
        if (!note && state.foreign && body.includes(state.foreign)) {
          alert.textContent = t("canned.mustTranslate", { language: t(`language.${state.ticket.language}`) });
          alert.hidden = false;
          text.focus();
          return;
        }
        send((etag) => api(ticketPath(id, "/messages"), { method: "POST", body: { body, internal: note }, ifMatch: etag }),
          async () => {
            dropDraft(id);
            state.foreign = null;
            await reloadAfter(t(note ? "done.note" : "done.reply"));
          }, alert);
      } },
    h("h2", { id: "composer-title" }, t("composer.title")),
    h("fieldset", { class: "modes" }, h("legend", {}, t("composer.mode")), mode("reply"), mode("note")),
    h("label", { for: "composer-text" },
      note ? t("composer.noteLabel") : t("composer.replyLabel", { language: t(`language.${state.ticket.language}`) })),
    text,
    !note && state.foreign ? h("p", { class: "notice notice-changed", id: "canned-foreign" },
      t("canned.otherLanguage", { language: t(`language.${state.ticket.language}`) })) : null,
    alert,
    h("p", {}, h("button", { type: "submit", class: "button" }, t(note ? "composer.sendNote" : "composer.sendReply"))));
  }

  /** Puts a filled canned reply into the composer (after what is there) as a reply. */
  function insertReply(filled) {
    const before = draft(id)?.text || "";
    const text = filled.text.trim();
    state.mode = "reply";
    state.foreign = filled.in_ticket_language ? null : text;
    keepDraft(id, "reply", before ? `${before}\n\n${text}` : text);
    render();
    main.querySelector("#composer-text").focus();
    presence.changed();
  }

  function changedNotice() {
    if (!state.notice) return null;
    if (!state.changed) return h("p", { class: "notice" }, state.notice);
    const { retry } = state.changed;
    return h("div", { class: "notice notice-changed", role: "alert" },
      h("p", {}, state.notice),
      h("button", { type: "button", class: "button", onclick: () => retry() }, t("ticket.sendAgain")),
      h("button", { type: "button", class: "button secondary", onclick: () => {
        state.changed = null;
        state.notice = null;
        state.open = null;
        state.typed = {};
        dropDraft(id);
        render();
      } }, t("ticket.discard")));
  }

  function render() {
    const { ticket } = state;
    const offered = ACTIONS.filter((action) => action.from.includes(ticket.status));
    const open = offered.find((action) => action.name === state.open);
    replace(main,
      h("p", {}, h("a", { href: context.back || "#/views/queue" }, t("ticket.back"))),
      h("h1", { tabindex: "-1" }, h("span", { class: "ticket-id" }, ticket.id), " ", ticket.subject),
      changedNotice(),
      h("div", { class: "actions", role: "group", "aria-label": t("ticket.actions") }, offered.map(actionButton)),
      h("p", { class: "notice notice-error", role: "alert", id: "action-alert", hidden: true }),
      open ? actionForm(open) : null,
      h("div", { class: "screen" },
        h("div", {},
          h("h2", {}, t("ticket.timeline")),
          timeline(state.events),
          OPEN.includes(ticket.status) || ticket.status === "resolved" ? [cannedPicker(id, insertReply), composer()]
            : null),
        h("div", {},
          h("section", { class: "panel", "aria-labelledby": "presence-title" },
            h("h2", { id: "presence-title" }, t("presence.title")), h("div", { id: "presence" }, presenceLine(state.present))),
          factsPanel(ticket), slaPanel(ticket), customerPanel(state.customer, state.others), mailsPanel(state.mails))));
  }

  const presence = startPresence(id, () => Boolean(draft(id)?.text), (others) => {
    state.present = others;
    const holder = main.querySelector("#presence");
    if (holder) replace(holder, presenceLine(others));
  });
  render();
  const focusComposer = (mode) => {
    if (!main.querySelector("#composer-text")) return;
    if (state.mode !== mode) {
      state.mode = mode;
      render();
    }
    main.querySelector("#composer-text").focus();
  };
  return {
    stop: presence.stop,
    reply: () => focusComposer("reply"),
    note: () => focusComposer("note"),
    accept: () => main.querySelector('[data-action="accept"]')?.click(),
  };
}
