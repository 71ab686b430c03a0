// The search results: the newest tickets matching one term that the member may see
// (GET /api/search: a ticket id, a contact address, a customer, a word or word prefix of the
// subject), in the views' rows, a page at a time.
import { ApiError, api } from "../../../common/js/api.js";
import { h, replace } from "../../../common/js/dom.js";
import { t } from "../../../common/js/i18n.js";
import { markRow, rowsTable } from "./list.js";

/** Renders the matches of `term` (from `cursor` on) into `main`; returns the j/k controls. */
export async function searchPage(main, term, cursor) {
  const heading = h("h1", { tabindex: "-1" }, t("search.results", { term }));
  if (!term.trim()) {
    replace(main, heading, h("p", { class: "muted" }, t("search.empty")));
    return {};
  }
  const query = new URLSearchParams({ q: term, limit: "50" });
  if (cursor) query.set("cursor", cursor);
  let page;
  try {
    page = await api(`/search?${query}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      replace(main, heading, h("p", { role: "alert" }, t("error.field", { field: t("search.label"),
        detail: error.problem?.detail || "" })));
      return {};
    }
    throw error;
  }
  const holder = h("div", {}, rowsTable(t("search.results", { term }), page));
  const next = page.cursor ? h("a", { href: `#/search?${new URLSearchParams({ q: term, cursor: page.cursor })}` },
    t("list.next")) : null;
  replace(main, heading, holder, h("p", {}, cursor ? h("a", { href: `#/search?${new URLSearchParams({ q: term })}` },
    t("list.first")) : null, " ", next));
  let current = -1;
  return { move: (step) => { current = markRow(holder, current < 0 ? 0 : current + step, true); } };
}
