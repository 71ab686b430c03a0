// What an operator is writing, kept in localStorage per member and ticket, so a reload (or a
// network failure) loses nothing; cleared at sign-out.
const PREFIX = "console.drafts.";

let owner = null;

/** Keeps the drafts of `member` (the signed-in member's stable id) from now on. */
export function draftsOf(member) {
  owner = member || null;
}

function key() {
  return owner ? PREFIX + owner : null;
}

function all() {
  try {
    return JSON.parse(window.localStorage.getItem(key()) || "{}") || {};
  } catch {
    return {};
  }
}

/** The draft on `ticketId` (`{mode: "reply"|"note", text}`), or null. */
export function draft(ticketId) {
  if (!key()) return null;
  const found = all()[ticketId];
  return found && typeof found.text === "string" ? found : null;
}

/** Keeps `text` written in `mode` on `ticketId`; an empty text forgets the draft. */
export function keepDraft(ticketId, mode, text) {
  if (!key()) return;
  const drafts = all();
  if (text) drafts[ticketId] = { mode, text };
  else delete drafts[ticketId];
  window.localStorage.setItem(key(), JSON.stringify(drafts));
}

/** Forgets the draft on `ticketId` (sent or discarded). */
export function dropDraft(ticketId) {
  keepDraft(ticketId, "reply", "");
}

/** Forgets every draft of the member (at sign-out). */
export function dropAllDrafts() {
  if (key()) window.localStorage.removeItem(key());
}
