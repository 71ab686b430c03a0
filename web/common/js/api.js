// The desk's API with the user's bearer token. Errors are ApiError with the HTTP status, the
// problem document (RFC 9457) when there is one and the seconds of Retry-After (a 429); a 401
// forgets the session.
import { forget, session } from "./auth.js";

export class ApiError extends Error {
  constructor(status, problem = null, retryAfter = null) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

let base = "/api";

export function setApiBase(path) {
  base = path;
}

async function send(path, { method = "GET", body, ifMatch } = {}) {
  const current = session();
  if (!current) throw new ApiError(401);
  const headers = { Authorization: `Bearer ${current.accessToken}`, Accept: "application/json" };
  if (ifMatch) headers["If-Match"] = ifMatch;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(base + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit",
    });
  } catch {
    throw new ApiError(0);
  }
  if (response.status === 401) forget();
  if (!response.ok) {
    const wait = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    throw new ApiError(response.status, await response.json().catch(() => null), Number.isFinite(wait) ? wait : null);
  }
  return response;
}

/** The JSON answer of `path` (GET unless `method` says otherwise; `body` is sent as JSON;
 * `ifMatch`, an ETag, makes the change conditional: a 412 ApiError when the resource changed). */
export async function api(path, options) {
  const response = await send(path, options);
  return response.status === 204 ? null : response.json();
}

/** The JSON answer of `path` with its `ETag` header: `{body, etag}`. */
export async function apiTagged(path, options) {
  const response = await send(path, options);
  return { body: await response.json(), etag: response.headers.get("ETag") };
}

/** The bytes of `path` as a Blob (an attachment). */
export async function download(path) {
  return (await send(path)).blob();
}

/** The shape of a ticket id (`IZ-2026-000123`): nothing else ever becomes part of an API path. */
const TICKET_ID = /^[A-Za-z]{2,5}-[0-9]{4}-[0-9]{6,9}$/;

/** Whether `text` is a ticket id. */
export function isTicketId(text) {
  return typeof text === "string" && TICKET_ID.test(text);
}

/** `/tickets/{id}...`; an id of another shape is an ApiError 404 before any request is made
 * (`..` or `%2e` would otherwise reach other paths of the API with the token). */
export function ticketPath(id, rest = "") {
  if (!isTicketId(id)) throw new ApiError(404);
  return `/tickets/${id}${rest}`;
}
