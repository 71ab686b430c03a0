// The views the navigation offers and the one place that fetches a page of one. The rows have
// the shape of GET /api/views/{view} (docs/console.md, "Views"): until that route is served,
// a page is read from the staff list GET /api/tickets (a status filter only) and kept to the
// view here, so switching to the views API changes this module alone.
import { api } from "../../common/js/api.js";
import { currentClock } from "../../common/js/sla.js";

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
/** How often a list refreshes until the API says otherwise (`refresh_seconds`). */
export const DEFAULT_REFRESH_SECONDS = 30;
const OPEN = ["new", "accepted", "waiting_customer"];

/** The views `roles` may open. */
export function viewsFor(roles) {
  return VIEWS.filter((view) => view.role === null || roles.includes(view.role)).map((view) => view.name);
}

/** A row of a view from a ticket of the staff list (the same fields the views API answers). */
function rowOf(ticket) {
  const current = currentClock(ticket.sla);
  const clock = current ? current[1] : null;
  return {
    id: ticket.id,
    subject: ticket.subject,
    customer_id: ticket.customer_id,
    customer_name: null,
    contact_email: ticket.contact_email,
    priority: ticket.priority,
    category: ticket.category,
    status: ticket.status,
    assignee: ticket.assignee,
    assignee_name: ticket.assignee_name,
    last_activity: ticket.updated_at,
    unread: false,
    sla: {
      clock: current ? current[0] : null,
      due: clock ? clock.due : null,
      working_seconds_left: clock ? clock.remaining_seconds : null,
      paused: ticket.sla.paused,
      breached: ticket.sla.breached,
      escalation_level: ticket.sla.escalation_level || null,
    },
  };
}

/** Whether `row` belongs to `view` for the member `me` (their handle, their roles). */
function inView(view, row, me) {
  const open = OPEN.includes(row.status);
  switch (view) {
    case "queue": return open && !row.assignee;
    case "mine": return open && row.assignee === me.handle;
    case "waiting": return row.status === "waiting_customer"
      && (me.roles.includes("supervisor") || row.assignee === me.handle);
    case "vulnerabilities": return open && row.category === "vulnerability";
    default: return open;
  }
}

function deadlineOrder(a, b) {
  if (a.sla.breached !== b.sla.breached) return a.sla.breached ? -1 : 1;
  const left = (row) => (row.sla.working_seconds_left === null ? Infinity : row.sla.working_seconds_left);
  return left(a) - left(b);
}

/**
 * A page of `view`: `{items, cursor, refresh_seconds}`. `query` holds `sort`, one `filter`
 * (`{name, value}`), `limit` and `cursor`; `me` is `{handle, roles}`.
 */
export async function loadView(view, query, me) {
  const params = new URLSearchParams({ limit: String(query.limit || 50) });
  if (query.cursor) params.set("cursor", query.cursor);
  if (view === "waiting") params.set("status", "waiting_customer");
  else if (query.filter?.name === "status") params.set("status", query.filter.value);
  const answer = await api(`/tickets?${params}`);
  let items = answer.items.map(rowOf).filter((row) => inView(view, row, me));
  const filter = query.filter;
  if (filter && filter.name !== "status") {
    items = items.filter((row) => String(row[filter.name]) === String(filter.value));
  }
  if (view === "at_risk" || query.sort === "deadline") items.sort(deadlineOrder);
  else items.sort((a, b) => b.last_activity.localeCompare(a.last_activity));
  return { view, items, cursor: answer.cursor, refresh_seconds: DEFAULT_REFRESH_SECONDS };
}
