// A view's list: the filters and the sort, the rows, paging by cursor, and a refresh every
// `refresh_seconds` that replaces the rows in place (the current row and the focus kept).
import { ApiError } from "../../../common/js/api.js";
import { h, replace } from "../../../common/js/dom.js";
import { dateTime } from "../../../common/js/format.js";
import { t } from "../../../common/js/i18n.js";
import { slaBadge } from "../badge.js";
import { FILTERS, SORTS, filtersOf, loadView } from "../views.js";

const STATUSES = ["new", "accepted", "waiting_customer", "resolved", "closed"];

/** The filter and sort a list's address names (`#/views/queue?sort=deadline&priority=2`). */
export function listQuery(query) {
  const filter = FILTERS.map((name) => ({ name, value: query.get(name) })).find((entry) => entry.value);
  const sort = SORTS.includes(query.get("sort")) ? query.get("sort") : null;
  return { filter: filter || null, sort, cursor: query.get("cursor") || null };
}

function valueControl(kind, value, config) {
  const options = {
    priority: config.priorities.map((entry) => [String(entry.priority), t(`priority.${entry.priority}`)]),
    category: config.categories.map((entry) => [entry.category, t(`category.${entry.category}`)]),
    status: STATUSES.map((status) => [status, t(`status.${status}`)]),
  }[kind];
  if (!options) {
    return h("input", { id: "filter-value", name: "value", value: value || "", disabled: kind ? null : true,
      autocomplete: "off" });
  }
  return h("select", { id: "filter-value", name: "value" },
    options.map(([code, label]) => h("option", { value: code, selected: code === value }, label)));
}

function filterForm(view, query, config) {
  const kind = query.filter?.name || "";
  const valueLabel = h("label", { for: "filter-value" }, t("list.filterValue"),
    valueControl(kind, query.filter?.value, config));
  const kindSelect = h("select", { id: "filter-kind", name: "kind", onchange: () => {
    replace(valueLabel, t("list.filterValue"), valueControl(kindSelect.value, null, config));
  } },
  h("option", { value: "" }, t("list.noFilter")),
  filtersOf(view).map((name) => h("option", { value: name, selected: name === kind }, t(`list.filter.${name}`))));
  const sortSelect = h("select", { id: "sort", name: "sort" },
    h("option", { value: "" }, t("list.sortDefault")),
    SORTS.map((name) => h("option", { value: name, selected: name === query.sort }, t(`list.sort.${name}`))));
  return h("form", { class: "filters", role: "search", "aria-label": t("list.filters"), onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    const value = document.getElementById("filter-value").value.trim();
    if (kindSelect.value && value) next.set(kindSelect.value, value);
    if (sortSelect.value) next.set("sort", sortSelect.value);
    const text = next.toString();
    window.location.hash = `#/views/${view}${text ? `?${text}` : ""}`;
  } },
  h("label", { for: "filter-kind" }, t("list.filterBy"), kindSelect),
  valueLabel,
  h("label", { for: "sort" }, t("list.sortBy"), sortSelect),
  h("button", { type: "submit", class: "button" }, t("list.apply")));
}

function rowOf(row) {
  const customer = row.customer_name || row.customer_id;
  return h("tr", { "data-ticket": row.id, class: row.unread ? "unread" : null },
    h("td", {}, h("span", { class: "ticket-id" }, row.id)),
    h("td", { class: "subject" },
      row.unread ? h("span", { class: "unread-mark" }, t("list.unread")) : null,
      h("a", { href: `#/tickets/${row.id}` }, row.subject)),
    h("td", {}, customer),
    h("td", {}, t(`priority.${row.priority}`)),
    h("td", {}, t(`status.${row.status}`)),
    h("td", {}, row.assignee_name || row.assignee || h("span", { class: "muted" }, t("list.unassigned"))),
    h("td", { class: "sla" }, slaBadge(row.sla)),
    h("td", {}, h("time", { datetime: row.last_activity }, dateTime(row.last_activity))));
}

/** The rows of a page as a table captioned `caption` (or a line saying there are none). */
export function rowsTable(caption, page) {
  if (!page.items.length) return h("p", { class: "muted", id: "rows" }, t("list.empty"));
  const columns = ["id", "subject", "customer", "priority", "status", "assignee", "sla", "activity"];
  return h("table", { class: "rows", id: "rows" },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, columns.map((name) => h("th", { scope: "col" }, t(`list.column.${name}`))))),
    h("tbody", {}, page.items.map(rowOf)));
}

/** Makes row `index` of the table in `holder` the current one (kept within the rows), its link
 * focused when `focus`; returns the index marked (-1 without rows). */
export function markRow(holder, index, focus) {
  const all = [...holder.querySelectorAll("tr[data-ticket]")];
  if (!all.length) return -1;
  const current = Math.max(0, Math.min(all.length - 1, index));
  all.forEach((row, at) => row.classList.toggle("current", at === current));
  if (focus) all[current].querySelector("a").focus();
  return current;
}

/**
 * Renders `view` into `main`; returns the list's controls: `move(step)`
 * (j/k: the current row, its link focused) and `stop()` (no more refreshes). Errors other than
 * a refresh's go to the caller.
 */
export async function listPage(main, view, query, config, showError) {
  const request = { ...listQuery(query), limit: 50 };
  let page;
  try {
    page = await loadView(view, request);
  } catch (error) {
    const field = error instanceof ApiError && error.status === 422 ? error.problem?.field : null;
    if (!field) throw error;
    replace(main, h("h1", { tabindex: "-1" }, t(`view.${view}`)), filterForm(view, request, config),
      h("p", { class: "notice notice-error", role: "alert" }, t("error.field", {
        field: FILTERS.includes(field) ? t(`list.filter.${field}`) : field, detail: error.problem.detail })));
    return {};
  }
  let current = -1;
  let timer = null;
  let stopped = false;
  const holder = h("div", {}, rowsTable(t(`view.${view}`), page));
  const status = h("p", { class: "hint", id: "refreshed" }, t("list.refreshed", { time: dateTime(new Date()) }));
  const paging = h("p", {},
    request.cursor ? h("a", { href: `#/views/${view}` }, t("list.first")) : null, " ",
    page.cursor ? h("a", { href: `#/views/${view}?${new URLSearchParams({ ...Object.fromEntries(query),
      cursor: page.cursor })}` }, t("list.next")) : null);
  replace(main,
    h("h1", { tabindex: "-1" }, t(`view.${view}`)),
    filterForm(view, request, config),
    holder,
    paging,
    status);

  const rows = () => [...holder.querySelectorAll("tr[data-ticket]")];
  const mark = (index, focus) => {
    current = markRow(holder, index, focus);
  };
  const schedule = () => {
    timer = window.setTimeout(refresh, Math.max(1, page.refresh_seconds || 30) * 1000);
  };
  async function refresh() {
    if (stopped) return;
    try {
      const chosen = rows()[current]?.dataset.ticket;
      const focused = holder.contains(document.activeElement);
      page = await loadView(view, request);
      if (stopped) return;
      replace(holder, rowsTable(t(`view.${view}`), page));
      const again = rows().findIndex((row) => row.dataset.ticket === chosen);
      if (again >= 0) mark(again, focused);
      status.textContent = t("list.refreshed", { time: dateTime(new Date()) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        showError(error);
        return;
      }
      status.textContent = t("list.refreshFailed");
    }
    schedule();
  }
  schedule();
  return {
    move: (step) => mark(current < 0 ? 0 : current + step, true),
    stop: () => {
      stopped = true;
      window.clearTimeout(timer);
    },
  };
}
