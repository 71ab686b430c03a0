// The views the navigation offers and the one place that fetches a page of one:
// GET /api/views/{view} (docs/console.md, "The view index"), whose rows the list shows as they come.
import { api } from "../../common/js/api.js";

/** The views in navigation order, with the role a member needs to see each (null: any staff). */
export const VIEWS = [
  { name: "queue", role: null },
  { name: "mine", role: null },
  { name: "waiting", role: null },
  { name: "at_risk", role: null },
  { name: "all_open", role: "supervisor" },
  { name: "vulnerabilities", role: "security" },
];

/** The filters a view may take (one at a time) and the sorts. */
export const FILTERS = ["customer", "priority", "category", "status"];
export const SORTS = ["deadline", "activity"];

/** The filters each view offers, as the API supports them (shared/domain/views.py,
 * SUPPORTED_FILTERS): Waiting for customer is one status already, Vulnerabilities one category.
 * Another one would be refused with a 422 naming it. */
const OFFERED = {
  waiting: ["customer", "priority", "category"],
  vulnerabilities: [],
};

/** The views `roles` may open. */
export function viewsFor(roles) {
  return VIEWS.filter((view) => view.role === null || roles.includes(view.role)).map((view) => view.name);
}

/** The filters `view` offers. */
export function filtersOf(view) {
  return OFFERED[view] || FILTERS;
}

/**
 * A page of `view`: `{view, items, cursor, refresh_seconds}`. `query` holds `sort`, one `filter`
 * (`{name, value}`), `limit` and `cursor`.
 */
export async function loadView(view, query) {
  const params = new URLSearchParams({ limit: String(query.limit || 50) });
  if (query.sort) params.set("sort", query.sort);
  if (query.filter) params.set(query.filter.name, query.filter.value);
  if (query.cursor) params.set("cursor", query.cursor);
  return api(`/views/${view}?${params}`);
}
