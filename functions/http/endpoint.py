"""The edge of the authenticated API: who is calling, what they sent, and how errors answer.

:func:`endpoint` wraps a handler: it authenticates the bearer token, runs the handler, and maps
the domain's errors to RFC 9457 problem documents (422 names the field at fault, a 403 caused by
the token the claim, a 429 says in ``Retry-After`` when to try again); :func:`admin_endpoint`
also refuses (403) a caller without the ``admin`` role before the handler runs. A staff caller
who is an inactive member of the staff directory is refused (403) on every route
(:class:`shared.usecases.staff.ActiveStaff`). Handlers
read their input with :func:`body_of`, :func:`limit_of`, :func:`cursor_of` and :func:`status_of`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import azure.functions as func
from pydantic import BaseModel, ValidationError

from functions.dependencies import active_staff, verifier
from functions.http.responses import problem
from functions.schemas.common import MAX_BODY_BYTES
from shared.adapters.auth.jwks import KeysUnavailableError
from shared.adapters.auth.tokens import AuthenticationError
from shared.config.env import SettingsError
from shared.domain.access import Principal
from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed, TooManyRequests
from shared.domain.lifecycle import Role, Status

logger = logging.getLogger(__name__)

Model = TypeVar("Model", bound=BaseModel)
#: A handler: the request and the authenticated caller in, the answer out.
Handler = Callable[[func.HttpRequest, Principal], func.HttpResponse]
#: A function as the host calls it: the request alone.
HostFunction = Callable[[func.HttpRequest], func.HttpResponse]

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


class BodyTooLarge(Exception):  # noqa: N818 (an outcome the edge answers with 413)
    """The request body is over :data:`MAX_BODY_BYTES`."""


def endpoint(handler: Handler) -> HostFunction:
    """Authenticate, run ``handler`` with the caller, answer errors as problem documents.

    The wrapper takes the name and docstring of ``handler`` (the function's name in the host) but
    not its signature: the host binds ``req`` alone.
    """
    return _authenticated(handler, admin=False)


def admin_endpoint(handler: Handler) -> HostFunction:
    """:func:`endpoint` for the administration: a caller without the ``admin`` role is refused
    (403) before ``handler`` runs."""
    return _authenticated(handler, admin=True)


def _authenticated(handler: Handler, *, admin: bool) -> HostFunction:
    def run(req: func.HttpRequest) -> func.HttpResponse:
        try:
            caller = verifier().verify(req.headers.get("Authorization"))
            active_staff().admit(caller)
            if admin and Role.ADMIN not in caller.roles:
                raise Forbidden("administration needs the admin role")
            return handler(req, caller)
        except AuthenticationError as error:
            challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            return problem(401, "Unauthorized", error.reason, headers=challenge)
        except KeysUnavailableError as error:
            logger.error("authentication unavailable: %s", error)
            return problem(503, "Service unavailable", "authentication is not available")
        except SettingsError as error:
            logger.error("the app is not configured: %s", error)
            return problem(503, "Service unavailable", "the service is not configured")
        except InvalidInput as error:
            return problem(422, "Invalid input", f"{error.field} {error.message}", field=error.field)
        except BodyTooLarge:
            return problem(413, "Payload too large", f"the body is over {MAX_BODY_BYTES} bytes")
        except NotFound as error:
            return problem(404, "Not found", str(error))
        except Forbidden as error:
            if error.claim is not None:
                return problem(403, "Forbidden", str(error), claim=error.claim)
            return problem(403, "Forbidden", str(error))
        except TooManyRequests as error:
            return problem(429, "Too many requests", str(error), headers={"Retry-After": str(error.retry_after)})
        except PreconditionFailed as error:
            return problem(412, "Precondition failed", str(error))
        except Conflict as error:
            return problem(409, "Conflict", str(error))

    run.__name__ = run.__qualname__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def body_of(req: func.HttpRequest, model: type[Model]) -> Model:
    """The JSON body validated against ``model``; :class:`InvalidInput` names the first field at
    fault (``body`` when it is not a JSON object at all)."""
    raw = req.get_body() or b""
    if len(raw) > MAX_BODY_BYTES:
        raise BodyTooLarge
    try:
        document = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("body", "is not valid JSON") from None
    except RecursionError:
        raise InvalidInput("body", "is nested too deeply") from None
    if not isinstance(document, dict):
        raise InvalidInput("body", "must be a JSON object")
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInput(field, str(first["msg"]).removeprefix("Value error, ").lower()) from None


def limit_of(req: func.HttpRequest) -> int:
    """``?limit=`` between 1 and 100 (default 25)."""
    raw = req.params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def cursor_of(req: func.HttpRequest) -> str | None:
    """``?cursor=``: the opaque cursor a previous page answered."""
    raw = req.params.get("cursor")
    if raw is not None and (not raw or len(raw) > 1024):
        raise InvalidInput("cursor", "is not a cursor of this list")
    return raw


def status_of(req: func.HttpRequest) -> Status | None:
    """``?status=``, one of the ticket statuses."""
    raw = req.params.get("status")
    if raw is None:
        return None
    try:
        return Status(raw)
    except ValueError:
        raise InvalidInput("status", f"must be one of {', '.join(s.value for s in Status)}") from None


def if_match_of(req: func.HttpRequest) -> int | None:
    """The revision named by ``If-Match`` (a ticket's or a canned reply's ETag is its revision in quotes)."""
    raw = req.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdecimal():
        raise InvalidInput("If-Match", "must be the ETag the resource was read with")
    return int(value)


def dump(model: BaseModel) -> Any:
    """A response model as JSON-ready data (times in ISO 8601 UTC)."""
    return model.model_dump(mode="json")
