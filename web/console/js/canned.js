// Canned replies in the composer: search them (GET /api/replies?q=), and insert one filled for
// the ticket (GET /api/tickets/{id}/replies/{reply_id}: in the ticket's language when it has a
// body in it, else the other language's, marked so). The search is its own small form beside the
// composer (forms do not nest).
import { ApiError, api, ticketPath } from "../../common/js/api.js";
import { h, replace } from "../../common/js/dom.js";
import { t } from "../../common/js/i18n.js";

/** The shape of a reply id (shared/domain/canned.py, REPLY_ID_PATTERN): nothing else becomes part of a path. */
const REPLY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The picker for ticket `ticketId`; `insert(filled)` gets `{language, text, in_ticket_language}`. */
export function cannedPicker(ticketId, insert) {
  const results = h("div", { id: "canned-results", "aria-live": "polite" });
  const input = h("input", { id: "canned-query", type: "search", name: "q", autocomplete: "off" });
  const say = (message) => replace(results, h("p", { class: "hint" }, message));
  async function choose(reply) {
    if (!REPLY_ID.test(reply.id)) return;
    try {
      insert(await api(ticketPath(ticketId, `/replies/${encodeURIComponent(reply.id)}`)));
    } catch (error) {
      say(error instanceof ApiError && error.status === 0 ? t("error.network") : t("canned.failed"));
    }
  }
  return h("form", { class: "canned", role: "search", "aria-label": t("canned.title"), onsubmit: async (event) => {
    event.preventDefault();
    let found;
    try {
      found = await api(`/replies?${new URLSearchParams({ q: input.value.trim(), limit: "10" })}`);
    } catch (error) {
      say(error instanceof ApiError && error.status === 0 ? t("error.network") : t("canned.failed"));
      return;
    }
    if (!found.items.length) {
      say(t("canned.none"));
      return;
    }
    replace(results, h("ul", { class: "plain" }, found.items.map((reply) => h("li", {},
      h("button", { type: "button", class: "link-button", "data-reply": reply.id, onclick: () => choose(reply) },
        t("canned.insert", { title: reply.title })),
      reply.tags.length ? h("span", { class: "hint" }, ` · ${reply.tags.join(", ")}`) : null))));
  } },
  h("label", { for: "canned-query" }, t("canned.find")), " ", input, " ",
  h("button", { type: "submit", class: "button secondary" }, t("canned.search")),
  results);
}
