"""The HTTP API's operations, one declarative row each: what ``GET /api/openapi.json`` documents.

A row names the method, the path (under ``/api``), the request body model, the response model,
the parameters and every status code the operation can answer. Models and parameter types are
the ones the handlers validate with; :mod:`functions.http.openapi_document` turns them into JSON
Schema only when the document is first asked for, so importing this module builds nothing.

The ticket actions are one function (``POST tickets/{id}/{action}``) but each is documented as a
path of its own with its body model (:data:`functions.schemas.tickets.ACTION_BODIES`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from functions.http.endpoint import DEFAULT_LIMIT, MAX_LIMIT
from functions.schemas.admin import (
    AuditList,
    ClosureChangeOut,
    ClosureDocument,
    ClosureList,
    ClosureOut,
    CustomerDocument,
    CustomerList,
    CustomerOut,
    FailedNotificationList,
    InboundMailList,
    InboundMailOut,
    ReleaseMail,
    RetryOut,
)
from functions.schemas.common import Body, CustomerId, Problem
from functions.schemas.replies import FilledReplyOut, ReplyDocument, ReplyId, ReplyList, ReplyOut, ReplyPatch
from functions.schemas.reports import AtRiskList, SlaReportOut
from functions.schemas.screen import Heartbeat, PresenceOut, TicketScreenOut
from functions.schemas.search import SearchList
from functions.schemas.service import (
    CalendarStatusOut,
    ConsoleConfigOut,
    HealthOut,
    HealthProblem,
    OpenApiDocument,
    PortalConfigOut,
)
from functions.schemas.staff import StaffDocument, StaffList, StaffOut, StaffPatch
from functions.schemas.switchboard import CustomerMatches
from functions.schemas.tickets import ACTION_BODIES, EventList, EventOut, NewMessage, OpenTicket, TicketList, TicketOut
from functions.schemas.views import ViewPageOut
from shared.domain.customer_lookup import MAX_TERM_CHARS
from shared.domain.inbound.record import Outcome
from shared.domain.lifecycle import Status
from shared.domain.notifications import DeliveryState
from shared.domain.search import MAX_QUERY_CHARS
from shared.domain.sla.policy import Category
from shared.domain.views import Sort, View

NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
ETagValue = Annotated[str, StringConstraints(pattern=r'^(\*|(W/)?"[0-9]+")$')]

#: Response header names an operation may list; :mod:`functions.http.openapi_document` describes each.
ResponseHeader = Literal["ETag", "Location"]

#: Routes the app serves that are not operations of the API, each with the reason. The customer
#: portal's and the staff console's static files (HTML, JavaScript, CSS under one catch-all route
#: each, and the modules they share under a third) are web pages for browsers, not JSON; they are
#: public, hold no data, and are described in docs/portal.md and docs/console.md.
NOT_OPERATIONS: dict[str, str] = {
    "portal/{*path}": "the customer portal's static files (docs/portal.md)",
    "console/{*path}": "the staff console's static files (docs/console.md)",
    "common/{*path}": "the browser modules the portal and the console share (docs/console.md)",
}

#: What every authenticated operation can answer: a bad or missing token, or no signing keys.
_AUTHENTICATED = (401, 503)


@dataclass(frozen=True)
class Parameter:
    """A path, query or header parameter whose value must validate as ``annotation``."""

    name: str
    location: Literal["path", "query", "header"]
    annotation: Any
    description: str
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """One method on one path. ``status`` is the success code, answered with ``response`` (no
    body when None) and ``headers``, or in one of the text media types of ``alternatives`` when the
    caller asks for it; ``errors`` are the other codes, each answered with a ``problem`` document.
    ``public`` operations need no bearer token."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str
    operation_id: str
    tag: str
    summary: str
    status: int
    response: type[BaseModel] | None
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    parameters: tuple[Parameter, ...] = ()
    headers: tuple[ResponseHeader, ...] = ()
    public: bool = False
    problem: type[Problem] = Problem
    alternatives: tuple[Literal["text/csv", "application/octet-stream"], ...] = ()


def _path_parameter(description: str) -> Parameter:
    return Parameter("id", "path", NonEmpty, description, required=True)


_TICKET_ID = _path_parameter("The ticket's id, such as IZ-2026-000123.")
_CUSTOMER_ID = _path_parameter("The customer's id: 2–63 lower-case letters, digits or dashes.")
_CLOSURE_ID = _path_parameter("The closure's id: 1–63 lower-case letters, digits or dashes.")
_STAFF_KEY = Parameter(
    "key", "path", NonEmpty, "The member's key, as the directory answers it: s and 64 hex digits.", required=True
)
_REPLY_ID = Parameter(
    "id", "path", ReplyId, "The canned reply's id: 1–63 lower-case letters, digits or dashes.", required=True
)
_FILLED_REPLY_ID = Parameter(
    "reply_id", "path", ReplyId, "The canned reply's id: 1–63 lower-case letters, digits or dashes.", required=True
)
_REPLY_QUERY = Parameter(
    "q", "query", Annotated[str, StringConstraints(max_length=200)],
    "Words (or word starts) that the title, the tags or a body must all hold; none: every reply.",
)  # fmt: skip
_LIMIT = Parameter("limit", "query", Limit, f"How many items a page holds at most (default {DEFAULT_LIMIT}).")
_CURSOR = Parameter("cursor", "query", Cursor, "The cursor of the next page, as the previous page answered it.")
_STATUS = Parameter("status", "query", Status, "Only the tickets in this status.")
_NOTIFICATION_ID = _path_parameter("The notification's id, such as IZ-2026-000123.4.0.")
_MAIL_ID = _path_parameter("The received mail's id: 24 lower-case hexadecimal digits.")
_OUTCOME = Parameter("outcome", "query", Outcome, "Only the mail with this outcome.")
_ATTACHMENT_ID = Parameter(
    "attachment_id", "path", NonEmpty, "The file's id, as the ticket's history lists it.", required=True
)
_OUTBOX_STATE = Parameter(
    "state", "query", Literal[DeliveryState.FAILED], "Which notifications: only `failed` is listed."
)
_AUDITED_TICKET = Parameter("ticket", "query", NonEmpty, "The id of the ticket whose trail to read.", required=True)
_REPORTED_CUSTOMER = Parameter("customer", "query", CustomerId, "Only this customer's tickets.")
_FROM = Parameter("from", "query", date, "The first day of the period (Europe/Rome), from 1970-01-01.", required=True)
_TO = Parameter(
    "to", "query", date, "The day after the period (excluded), after `from` and at most 366 days later.", required=True
)
_FORMAT = Parameter(
    "format", "query", Literal["json", "csv"],
    "`csv` answers text/csv (a header row, one row per customer and priority); without it, `Accept` decides.",
)  # fmt: skip
_SEARCH_TERM = Parameter(
    "q", "query", Annotated[str, StringConstraints(min_length=1, max_length=MAX_QUERY_CHARS)],
    "One term: a ticket id, a contact address, a customer id or name word, or a word or word prefix (3 letters "
    "or more) of the subject; words match whatever their case and accents.",
    required=True,
)  # fmt: skip
_CUSTOMER_TERM = Parameter(
    "q", "query", Annotated[str, StringConstraints(min_length=1, max_length=MAX_TERM_CHARS)],
    "Words (or word starts) that the customer's name or id must all hold, whatever their case and accents.",
    required=True,
)  # fmt: skip
_VIEW = Parameter(
    "view",
    "path",
    View,
    "queue, mine, waiting, at_risk, all_open (supervisors) or vulnerabilities (security).",
    required=True,
)
_VIEW_SORT = Parameter("sort", "query", Sort, "deadline (nearest first, breached first) or activity (latest first).")
_VIEW_LIMIT = Parameter("limit", "query", Limit, "How many rows a page holds at most (default 50).")
_VIEW_FILTERS = (
    Parameter("customer", "query", CustomerId, "Only this customer's tickets (one filter at a time)."),
    Parameter("priority", "query", Annotated[int, Field(ge=1, le=4)], "Only this priority (one filter at a time)."),
    Parameter("category", "query", Category, "Only this category (one filter at a time)."),
    Parameter("status", "query", Status, "Only this status (one filter at a time)."),
)
_IF_MATCH = Parameter(
    "If-Match", "header", ETagValue, "The ETag the ticket was read with: refused with 412 if it changed since."
)
_REPLY_IF_MATCH = Parameter(
    "If-Match", "header", ETagValue, "The ETag the reply was read with: refused with 412 if it changed since."
)


def _action(name: str, body: type[Body]) -> Operation:
    """``POST /tickets/{id}/<name>``: one ticket action, answered with the updated ticket."""
    return Operation(
        "POST",
        f"/tickets/{{id}}/{name}",
        f"{name.replace('-', '_')}_ticket",
        "tickets",
        " ".join((inspect.getdoc(body) or name).split()).replace("``", "`"),
        200,
        TicketOut,
        errors=(*_AUTHENTICATED, 403, 404, 409, 412, 413, 422),
        body=body,
        parameters=(_TICKET_ID, _IF_MATCH),
        headers=("ETag",),
    )


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "GET", "/health", "health", "service", "The app's version and whether its storage answers", 200, HealthOut,
        errors=(503,), public=True, problem=HealthProblem,
    ),
    Operation(
        "GET", "/openapi.json", "openapi_json", "service", "This document", 200, OpenApiDocument, public=True,
    ),
    Operation(
        "GET", "/calendar/status", "calendar_status", "calendar",
        "Whether the desk is open now, when it next opens, the closures announced", 200, CalendarStatusOut,
        public=True,
    ),
    Operation(
        "GET", "/portal/config.json", "portal_config", "portal",
        "The customer portal's sign-in settings (identity provider, public client id, scopes) and SLA rules", 200,
        PortalConfigOut, errors=(503,), public=True,
    ),
    Operation(
        "GET", "/console/config.json", "console_config", "console",
        "The staff console's sign-in settings (staff issuer, public client id, scopes), the staff's default "
        "language, priorities and categories", 200, ConsoleConfigOut, errors=(503,), public=True,
    ),
    Operation(
        "POST", "/tickets", "open_ticket", "tickets",
        "Open a ticket: a customer for its own company (within the creation limit: 429 with Retry-After), staff on "
        "a caller's behalf", 201, TicketOut,
        errors=(*_AUTHENTICATED, 403, 409, 413, 422, 429), body=OpenTicket, headers=("ETag", "Location"),
    ),
    Operation(
        "GET", "/tickets", "list_tickets", "tickets", "The tickets the caller may see, a page at a time", 200,
        TicketList, errors=(*_AUTHENTICATED, 403, 422), parameters=(_LIMIT, _CURSOR, _STATUS),
    ),
    Operation(
        "GET", "/tickets/{id}", "get_ticket", "tickets", "One ticket, with its SLA as of now", 200, TicketOut,
        errors=(*_AUTHENTICATED, 404, 422), parameters=(_TICKET_ID,), headers=("ETag",),
    ),
    Operation(
        "GET", "/views/{view}", "view_page", "views",
        "A page of one of the console's views, from the view index (staff only; all_open for supervisors, "
        "vulnerabilities for the security role); one filter at a time, as the view supports", 200, ViewPageOut,
        errors=(*_AUTHENTICATED, 403, 404, 422),
        parameters=(_VIEW, _VIEW_SORT, *_VIEW_FILTERS, _VIEW_LIMIT, _CURSOR),
    ),
    Operation(
        "GET", "/tickets/{id}/events", "ticket_events", "tickets",
        "The ticket's history in order; customers see its public events only", 200, EventList,
        errors=(*_AUTHENTICATED, 404, 422), parameters=(_TICKET_ID, _LIMIT, _CURSOR),
    ),
    Operation(
        "POST", "/tickets/{id}/messages", "write_message", "tickets",
        "A message on the ticket; a customer's answer resumes the clocks, a staff reply is mailed to the customer",
        201, EventOut, errors=(*_AUTHENTICATED, 403, 404, 409, 412, 413, 422), body=NewMessage,
        parameters=(_TICKET_ID, _IF_MATCH),
    ),
    *(_action(name, body) for name, body in ACTION_BODIES.items()),
    Operation(
        "GET", "/tickets/{id}/screen", "ticket_screen", "console",
        "Staff: everything the console's ticket screen shows, in one call of 4 reads: the ticket (as GET "
        "/tickets/{id}), the first page of its history, the customer panel with the customer's other open tickets "
        "the caller may see, and the ticket's outgoing mails with their delivery state", 200, TicketScreenOut,
        errors=(*_AUTHENTICATED, 403, 404, 422), parameters=(_TICKET_ID, _LIMIT), headers=("ETag",),
    ),
    Operation(
        "PUT", "/tickets/{id}/presence", "beat_presence", "console",
        "Staff: the caller's heartbeat on the ticket's screen (composing or not); answers the others present. "
        "Never changes the ticket or its ETag", 200, PresenceOut,
        errors=(*_AUTHENTICATED, 403, 404, 413, 422), body=Heartbeat, parameters=(_TICKET_ID,),
    ),
    Operation(
        "GET", "/tickets/{id}/presence", "look_at_presence", "console",
        "Staff: the others present on the ticket's screen, without recording the caller", 200, PresenceOut,
        errors=(*_AUTHENTICATED, 403, 404), parameters=(_TICKET_ID,),
    ),
    Operation(
        "GET", "/search", "search_tickets", "tickets",
        "Staff: the newest tickets matching one term that the caller may see, a page at a time (a page the "
        "caller's visibility thins out may be short, with a cursor)", 200, SearchList,
        errors=(*_AUTHENTICATED, 403, 422), parameters=(_SEARCH_TERM, _LIMIT, _CURSOR),
    ),
    Operation(
        "GET", "/customers", "find_customers", "console",
        "Staff: the customers whose name or id words start with the term's words (the switchboard's lookup), "
        "by name; `more` says whether others match too", 200, CustomerMatches,
        errors=(*_AUTHENTICATED, 403, 422), parameters=(_CUSTOMER_TERM, _LIMIT),
    ),
    Operation(
        "GET", "/reports/at-risk", "at_risk_tickets", "reports",
        "Staff: the open tickets the caller may see, the nearest deadline first, paused ones last", 200,
        AtRiskList, errors=(*_AUTHENTICATED, 403, 422), parameters=(_LIMIT, _REPORTED_CUSTOMER),
    ),
    Operation(
        "GET", "/reports/sla", "sla_report", "reports",
        "SLA figures per customer and priority of the tickets opened in [from, to), as JSON or CSV; "
        "supervisors and administrators see every customer, a customer its own", 200, SlaReportOut,
        errors=(*_AUTHENTICATED, 403, 404, 422), parameters=(_FROM, _TO, _REPORTED_CUSTOMER, _FORMAT),
        alternatives=("text/csv",),
    ),
    Operation(
        "GET", "/admin/customers", "list_customers", "administration", "Every customer", 200, CustomerList,
        errors=(*_AUTHENTICATED, 403),
    ),
    Operation(
        "GET", "/admin/customers/{id}", "get_customer", "administration", "One customer", 200, CustomerOut,
        errors=(*_AUTHENTICATED, 403, 404), parameters=(_CUSTOMER_ID,),
    ),
    Operation(
        "PUT", "/admin/customers/{id}", "put_customer", "administration",
        "Create or replace a customer; its domains and contacts must not belong to another one", 200, CustomerOut,
        errors=(*_AUTHENTICATED, 403, 409, 413, 422), body=CustomerDocument, parameters=(_CUSTOMER_ID,),
    ),
    Operation(
        "GET", "/admin/staff", "list_staff", "administration", "A page of the staff directory, in key order", 200,
        StaffList, errors=(*_AUTHENTICATED, 403, 422), parameters=(_LIMIT, _CURSOR),
    ),
    Operation(
        "PUT", "/admin/staff", "put_staff", "administration",
        "Create or replace the member of staff the body's issuer and object id name", 200, StaffOut,
        errors=(*_AUTHENTICATED, 403, 413, 422), body=StaffDocument,
    ),
    Operation(
        "GET", "/admin/staff/{key}", "get_staff", "administration", "One member of staff", 200, StaffOut,
        errors=(*_AUTHENTICATED, 403, 404), parameters=(_STAFF_KEY,),
    ),
    Operation(
        "PATCH", "/admin/staff/{key}", "patch_staff", "administration",
        "Change a member's name, address, roles, language or activity", 200, StaffOut,
        errors=(*_AUTHENTICATED, 403, 404, 413, 422), body=StaffPatch, parameters=(_STAFF_KEY,),
    ),
    Operation(
        "GET", "/admin/replies", "list_replies", "administration", "Every canned reply, by id", 200, ReplyList,
        errors=(*_AUTHENTICATED, 403),
    ),
    Operation(
        "PUT", "/admin/replies", "put_reply", "administration",
        "Create a canned reply (without an id, under a new one) or replace the one with the body's id; a body "
        "naming an unknown variable is refused", 200, ReplyOut,
        errors=(*_AUTHENTICATED, 403, 409, 412, 413, 422), body=ReplyDocument, parameters=(_REPLY_IF_MATCH,),
        headers=("ETag",),
    ),
    Operation(
        "GET", "/admin/replies/{id}", "get_reply", "administration", "One canned reply", 200, ReplyOut,
        errors=(*_AUTHENTICATED, 403, 404), parameters=(_REPLY_ID,), headers=("ETag",),
    ),
    Operation(
        "PATCH", "/admin/replies/{id}", "patch_reply", "administration",
        "Change a canned reply's title, tags or bodies (null removes a language's body)", 200, ReplyOut,
        errors=(*_AUTHENTICATED, 403, 404, 409, 412, 413, 422), body=ReplyPatch,
        parameters=(_REPLY_ID, _REPLY_IF_MATCH), headers=("ETag",),
    ),
    Operation(
        "DELETE", "/admin/replies/{id}", "delete_reply", "administration", "Delete a canned reply", 204, None,
        errors=(*_AUTHENTICATED, 403, 404, 409, 412, 422), parameters=(_REPLY_ID, _REPLY_IF_MATCH),
    ),
    Operation(
        "GET", "/replies", "search_replies", "replies",
        "Staff: the canned replies whose title, tags or bodies hold the query's words (or their starts)", 200,
        ReplyList, errors=(*_AUTHENTICATED, 403, 422), parameters=(_REPLY_QUERY, _LIMIT),
    ),
    Operation(
        "GET", "/tickets/{id}/replies/{reply_id}", "fill_reply", "replies",
        "Staff: a canned reply filled for the ticket, in its language or, when the reply has none, the other",
        200, FilledReplyOut, errors=(*_AUTHENTICATED, 403, 404, 422), parameters=(_TICKET_ID, _FILLED_REPLY_ID),
    ),
    Operation(
        "GET", "/admin/closures", "list_closures", "administration", "Every closure period", 200, ClosureList,
        errors=(*_AUTHENTICATED, 403),
    ),
    Operation(
        "GET", "/admin/closures/{id}", "get_closure", "administration", "One closure period", 200, ClosureOut,
        errors=(*_AUTHENTICATED, 403, 404), parameters=(_CLOSURE_ID,),
    ),
    Operation(
        "PUT", "/admin/closures/{id}", "put_closure", "administration",
        "Announce or change a closure period; running SLA clocks follow it, and the escalations it moves are "
        "re-planned", 200, ClosureChangeOut,
        errors=(*_AUTHENTICATED, 403, 413, 422), body=ClosureDocument, parameters=(_CLOSURE_ID,),
    ),
    Operation(
        "DELETE", "/admin/closures/{id}", "delete_closure", "administration",
        "Withdraw a closure period; the escalations it moves are re-planned", 200, ClosureChangeOut,
        errors=(*_AUTHENTICATED, 403, 404), parameters=(_CLOSURE_ID,),
    ),
    Operation(
        "GET", "/admin/audit", "audit_trail", "administration", "Who read or changed a ticket, oldest first", 200,
        AuditList, errors=(*_AUTHENTICATED, 403, 422), parameters=(_AUDITED_TICKET, _LIMIT),
    ),
    Operation(
        "GET", "/admin/outbox", "failed_notifications", "administration", "The notifications that failed for good",
        200, FailedNotificationList, errors=(*_AUTHENTICATED, 403, 422), parameters=(_OUTBOX_STATE, _LIMIT),
    ),
    Operation(
        "POST", "/admin/outbox/{id}/retry", "retry_notification", "administration",
        "Send a failed notification again", 200, RetryOut, errors=(*_AUTHENTICATED, 403, 404),
        parameters=(_NOTIFICATION_ID,),
    ),
    Operation(
        "GET", "/admin/inbound", "inbound_mail", "administration", "Received mail and its outcome, newest first",
        200, InboundMailList, errors=(*_AUTHENTICATED, 403, 422), parameters=(_OUTCOME, _LIMIT, _CURSOR),
    ),
    Operation(
        "POST", "/admin/inbound/{id}/release", "release_inbound_mail", "administration",
        "Take a held mail in as a customer's", 200, InboundMailOut, body=ReleaseMail,
        errors=(*_AUTHENTICATED, 403, 404, 409, 413, 422), parameters=(_MAIL_ID,),
    ),
    Operation(
        "GET", "/tickets/{id}/attachments/{attachment_id}", "download_attachment", "tickets",
        "A file that came with the customer's mail", 200, None, errors=(*_AUTHENTICATED, 404),
        parameters=(_TICKET_ID, _ATTACHMENT_ID), alternatives=("application/octet-stream",),
    ),
)  # fmt: skip
