"""The production sender: Azure Communication Services Email through its SDK
(``azure-communication-email``), reached with the managed identity (an endpoint) or a
connection string (an access key).

ACS sends as a long-running operation: ``POST /emails:send`` answers 202 with an
``Operation-Location``, which the SDK's poller reads until the status is terminal. This sender:

- names the operation itself (``Operation-Id``: a UUID5 of the Message-ID), so every attempt
  at the same mail carries the same operation id;
- polls every ``polling_interval`` seconds (the SDK's default is 30 s) unless the service asks
  for longer with ``retry-after``, which the SDK honours;
- waits at most ``max_wait`` seconds for a terminal status; an operation still running by
  then is a :class:`TransientSendError` (the SDK's poller thread keeps polling in the
  background until the operation ends; its result is then dropped);
- turns ``Succeeded`` into a return and ``Failed``/``Canceled`` into a
  :class:`PermanentSendError` carrying the service's error code and message;
- leaves retries to its caller (the outbox, which records them): the client's retry policy is
  off, so a 429 is reported at once with its ``Retry-After`` instead of being slept through
  inside the function.

See ``docs/mail-senders.md`` for what is known and not known about the real service.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from azure.communication.email import EmailClient
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.identity import DefaultAzureCredential

from shared.domain.outgoing_mail import OutgoingMail, PermanentSendError, SendError, TransientSendError

# Fixed for good: changing it changes every operation id, and with it the service-side
# idempotency of mails retried across the change.
OPERATION_NAMESPACE = uuid.UUID("d9ea8900-f4ec-4943-988e-56c2c5430262")

_TRANSIENT_STATUS = frozenset({408, 429})

logger = logging.getLogger(__name__)


def email_client(
    *,
    endpoint: str | None = None,
    connection_string: str | None = None,
    client_id: str | None = None,
    timeout: float = 10.0,
) -> EmailClient:
    """An ACS Email client: with ``endpoint`` (``https://<resource>.communication.azure.com``)
    it authenticates with ``DefaultAzureCredential`` (the managed identity on Azure;
    ``client_id`` picks a user-assigned one); otherwise with ``connection_string``
    (``endpoint=https://...;accesskey=...``; the SDK always reaches that endpoint over https).
    ``timeout`` bounds connecting and each read, in seconds. The client makes no retries of
    its own. Raises ValueError when neither is given or the endpoint is not https."""
    options: dict[str, Any] = {"connection_timeout": timeout, "read_timeout": timeout, "retry_total": 0}
    if endpoint:
        if not endpoint.startswith("https://"):
            raise ValueError(f"the ACS endpoint must be an https:// URL, not {endpoint!r}")
        credential = DefaultAzureCredential(managed_identity_client_id=client_id)
        return EmailClient(endpoint, credential, **options)
    if connection_string:
        return EmailClient.from_connection_string(connection_string, **options)
    raise ValueError("an ACS email client needs an endpoint (managed identity) or a connection string")


def operation_id(message_id: str) -> str:
    """The ACS operation id of a mail: UUID5 of its Message-ID, the same on every attempt."""
    return str(uuid.uuid5(OPERATION_NAMESPACE, message_id))


def acs_message(mail: OutgoingMail) -> dict[str, Any]:
    """The ``emails:send`` request body for ``mail`` (REST API 2025-09-01). The Message-ID goes
    in as a header with the extra headers; engagement tracking is off (no tracking pixel, no
    rewritten links). ``sender_name`` has no place in the request: ACS shows the display name
    configured for the sender address on the resource."""
    return {
        "senderAddress": mail.sender,
        "recipients": {"to": [_address(address, name) for address, name in mail.to]},
        "content": {"subject": mail.subject, "plainText": mail.text, "html": mail.html},
        "replyTo": [_address(mail.reply_to, "")],
        "headers": {"Message-ID": mail.message_id, **mail.headers},
        "userEngagementTrackingDisabled": True,
    }


class AcsSender:
    """Sends through ``client`` (see :func:`email_client`), polling every ``polling_interval``
    seconds and waiting at most ``max_wait`` seconds for the operation to end."""

    def __init__(self, client: EmailClient, *, polling_interval: float = 1.0, max_wait: float = 30.0) -> None:
        if polling_interval <= 0 or max_wait <= 0:
            raise ValueError("polling_interval and max_wait must be positive")
        self._client = client
        self._polling_interval = polling_interval
        self._max_wait = max_wait

    def send(self, mail: OutgoingMail) -> None:
        """Queue ``mail`` with ACS and wait for the operation's terminal status; raise a
        :class:`SendError` subclass when it is not ``Succeeded``."""
        operation = operation_id(mail.message_id)
        try:
            poller = self._client.begin_send(
                acs_message(mail), operation_id=operation, polling_interval=self._polling_interval
            )
            poller.wait(self._max_wait)
            if not poller.done():
                raise TransientSendError(
                    f"ACS operation {operation} still {poller.status()} after {self._max_wait:g} s"
                )
            result = poller.result()
        except ClientAuthenticationError as error:
            raise PermanentSendError(f"ACS refused the credentials: {error.message}") from error
        except HttpResponseError as error:
            raise _from_http_error(operation, error) from error
        except (ServiceRequestError, ServiceResponseError) as error:
            raise TransientSendError(f"ACS could not be reached: {error.message}") from error
        status = poller.status()
        if status.lower() != "succeeded":
            raise PermanentSendError(_failure(operation, status, result))
        logger.info("mail %s sent by ACS (operation %s)", mail.message_id, operation)


def _address(address: str, display_name: str) -> dict[str, str]:
    return {"address": address, "displayName": display_name} if display_name else {"address": address}


def _from_http_error(operation: str, error: HttpResponseError) -> SendError:
    """A 2xx status means the request went through and the operation itself failed (the poller
    raises with the last status response); 408, 429 and 5xx are worth retrying; any other 4xx
    is not."""
    status = error.status_code
    detail = f"ACS operation {operation}: {error.message}"
    if status is None:
        return TransientSendError(detail)
    if 200 <= status < 300:
        return PermanentSendError(detail)
    if status in _TRANSIENT_STATUS or status >= 500:
        headers = getattr(error.response, "headers", None) or {}  # case-insensitive in azure-core
        return TransientSendError(detail, retry_after=retry_after_seconds(headers.get("Retry-After")))
    return PermanentSendError(detail)


def _failure(operation: str, status: str, result: object) -> str:
    error = result.get("error") if isinstance(result, dict) else None
    if isinstance(error, dict):
        return f"ACS operation {operation} {status}: ({error.get('code')}) {error.get('message')}"
    return f"ACS operation {operation} {status}"


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` value in seconds: delay-seconds as is, an HTTP-date as the time left
    until then (0 when past); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
