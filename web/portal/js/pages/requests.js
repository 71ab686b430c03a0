// "My requests": the company's tickets a page at a time, filtered by status, each with its
// deadline and working time left.
import { api } from "../../../common/js/api.js";
import { h, replace } from "../../../common/js/dom.js";
import { dateTime } from "../../../common/js/format.js";
import { t } from "../../../common/js/i18n.js";
import { deadlineCell } from "../../../common/js/sla.js";

export const STATUSES = ["new", "accepted", "waiting_customer", "resolved", "closed"];
const PAGE_SIZE = 10;

// The cursors of the pages seen so far for the current filter: cursors[n] opens page n + 1.
const paging = { status: "", cursors: [null], index: 0 };

/** Renders the list into `main`; `query` is the route's query (`status=`). */
export async function requestsPage(main, query) {
  const status = STATUSES.includes(query.get("status")) ? query.get("status") : "";
  if (status !== paging.status) Object.assign(paging, { status, cursors: [null], index: 0 });
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (status) params.set("status", status);
  if (paging.cursors[paging.index]) params.set("cursor", paging.cursors[paging.index]);
  const page = await api(`/tickets?${params}`);
  paging.cursors[paging.index + 1] = page.cursor;

  const select = h("select", { id: "status-filter", name: "status" },
    h("option", { value: "" }, t("list.allStatuses")),
    STATUSES.map((value) => h("option", { value, selected: value === status }, t(`status.${value}`))));
  const filter = h("form", { class: "filter", onsubmit: (event) => {
    event.preventDefault();
    window.location.hash = select.value ? `#/?status=${encodeURIComponent(select.value)}` : "#/";
  } }, h("label", { for: "status-filter" }, t("list.filter")), select,
  h("button", { type: "submit", class: "button secondary" }, t("list.apply")));

  const rerender = (step) => async () => {
    paging.index += step;
    await requestsPage(main, query);
    main.querySelector("h1").focus();
  };
  const pager = h("nav", { class: "pager", "aria-label": t("list.paging") },
    h("button", { type: "button", class: "button secondary", disabled: paging.index === 0, onclick: rerender(-1) },
      t("list.previous")),
    h("span", {}, t("list.page", { number: paging.index + 1 })),
    h("button", { type: "button", class: "button secondary", disabled: !page.cursor, onclick: rerender(1) },
      t("list.next")));

  const body = page.items.length
    ? h("div", { class: "table-wrap", role: "region", "aria-labelledby": "requests-caption", tabindex: "0" },
      h("table", { class: "requests" },
        h("caption", { id: "requests-caption" }, t("list.caption")),
        h("thead", {}, h("tr", {}, ["request", "status", "priority", "category", "language", "opened", "deadline"]
          .map((key) => h("th", { scope: "col" }, t(`list.${key}`))))),
        h("tbody", {}, page.items.map(row))))
    : h("p", { class: "empty" }, t("list.empty"));

  replace(main,
    h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, t("list.title")),
      h("a", { class: "button", href: "#/new" }, t("nav.new"))),
    filter, body, pager);
}

function row(ticket) {
  return h("tr", { "data-ticket": ticket.id },
    h("th", { scope: "row" }, h("a", { href: `#/requests/${encodeURIComponent(ticket.id)}` },
      h("span", { class: "ticket-id" }, ticket.id), " ", h("span", { class: "subject" }, ticket.subject))),
    h("td", {}, h("span", { class: `status status-${ticket.status}` }, t(`status.${ticket.status}`))),
    h("td", {}, t(`priority.${ticket.priority}`)),
    h("td", {}, t(`category.${ticket.category}`)),
    h("td", {}, t(`language.${ticket.language}`)),
    h("td", {}, h("time", { datetime: ticket.created_at }, dateTime(ticket.created_at))),
    h("td", {}, deadlineCell(ticket.sla)));
}
