"""Telling robots from people: a mail sent by a machine is never answered (RFC 3834), so that an
out-of-office answer, a bounce or the desk's own mail coming back never loops with the desk.

:func:`automatic_reason` checks, in this order, and names the first that holds:

=============================  ===============================================================
reason                         when
=============================  ===============================================================
``own mail``                   the sender is one of the desk's own addresses, or the Message-ID
                               ends in ``@<own message domain>`` (the desk's mail came back)
``auto-submitted: <value>``    ``Auto-Submitted`` is present with a value other than ``no``
``x-autoreply``                ``X-Autoreply`` is present (any value but ``no``)
``x-autorespond``              ``X-Autorespond`` is present (any value but ``no``)
``precedence: <value>``        ``Precedence`` is ``bulk``, ``junk`` or ``list``
``delivery report``            a ``multipart/report`` (delivery status, read receipt, abuse
                               feedback) or ``X-Failed-Recipients``
``mailing list``               ``List-Id`` or ``List-Unsubscribe`` is present
``null return path``           ``Return-Path: <>`` (only bounces and auto-replies are sent so)
``robot sender``               the sender's local part is MAILER-DAEMON, postmaster, or a
                               no-reply address (``noreply``, ``no-reply``, ``do-not-reply``...)
``out-of-office subject``      the subject starts with an out-of-office phrase (Outlook's
                               "Automatic reply:", "Risposta automatica:", "Out of Office:",
                               "Fuori sede", "Abwesenheitsnotiz", "Réponse automatique"...)
                               followed by a colon, a dash, a bracket or nothing
=============================  ===============================================================

The subject phrases need the punctuation after them so that a person writing "Out of office
calendar does not sync" is still answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from shared.mail.inbound.message import InboundMessage

__all__ = ["OUT_OF_OFFICE_PHRASES", "automatic_reason"]

#: Subject openings of out-of-office answers, lower-case, in the languages customers write in.
OUT_OF_OFFICE_PHRASES = (
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "out of office",
    "out of the office",
    "risposta automatica",
    "risposta automatica di assenza",
    "fuori sede",
    "fuori ufficio",
    "assente dall'ufficio",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "absence du bureau",
    "respuesta automática",
    "fuera de la oficina",
    "resposta automática",
    "automatisch antwoord",
)

_OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(?:" + "|".join(re.escape(phrase) for phrase in OUT_OF_OFFICE_PHRASES) + r")\s*(?:[:\-–(\[]|$)",
    re.IGNORECASE,
)
_ROBOT_LOCAL_PART = re.compile(
    r"^(?:mailer-daemon|mailer_daemon|maildaemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|no[-_.]?respond)"
    r"(?:[-+_.].*)?$",
    re.IGNORECASE,
)
_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ROBOT_PRECEDENCE = frozenset({"bulk", "junk", "list"})


def automatic_reason(message: InboundMessage, own_addresses: Collection[str], own_message_domain: str) -> str | None:
    """Why ``message`` was sent by a robot and must never be answered, or None when a person
    wrote it (see the module's docstring for the reasons and their order).

    ``own_addresses`` are the desk's sending addresses (any case); ``own_message_domain`` is the
    domain of the Message-IDs the desk puts on its mail.
    """
    checks: tuple[Callable[[], str | None], ...] = (
        lambda: _own_mail(message, own_addresses, own_message_domain),
        lambda: _auto_submitted(message),
        lambda: _flag(message, "x-autoreply"),
        lambda: _flag(message, "x-autorespond"),
        lambda: _precedence(message),
        lambda: _delivery_report(message),
        lambda: _mailing_list(message),
        lambda: _null_return_path(message),
        lambda: _robot_sender(message),
        lambda: _out_of_office_subject(message),
    )
    return next((reason for reason in (check() for check in checks) if reason), None)


def _header(message: InboundMessage, name: str) -> str | None:
    value = message.headers.get(name)
    return None if value is None else value.strip()


def _own_mail(message: InboundMessage, own_addresses: Collection[str], own_message_domain: str) -> str | None:
    own = {address.lower() for address in own_addresses}
    if message.sender is not None and message.sender.address in own:
        return "own mail"
    domain = own_message_domain.lower().strip()
    if domain and not message.derived_message_id and message.message_id.lower().endswith(f"@{domain}>"):
        return "own mail"
    return None


def _auto_submitted(message: InboundMessage) -> str | None:
    value = _header(message, "auto-submitted")
    if value is None:
        return None
    keyword = _KEYWORD.match(value)
    word = keyword.group(0).lower() if keyword else ""
    return None if word == "no" else f"auto-submitted: {word or 'unreadable'}"


def _flag(message: InboundMessage, name: str) -> str | None:
    value = _header(message, name)
    return None if value is None or value.lower() == "no" else name


def _precedence(message: InboundMessage) -> str | None:
    value = (_header(message, "precedence") or "").lower()
    return f"precedence: {value}" if value in _ROBOT_PRECEDENCE else None


def _delivery_report(message: InboundMessage) -> str | None:
    if message.content_type == "multipart/report" or _header(message, "x-failed-recipients") is not None:
        return "delivery report"
    return None


def _mailing_list(message: InboundMessage) -> str | None:
    if _header(message, "list-id") is not None or _header(message, "list-unsubscribe") is not None:
        return "mailing list"
    return None


def _null_return_path(message: InboundMessage) -> str | None:
    value = _header(message, "return-path")
    return "null return path" if value is not None and value.replace(" ", "") == "<>" else None


def _robot_sender(message: InboundMessage) -> str | None:
    if message.sender is None:
        return None
    local_part = message.sender.address.rpartition("@")[0]
    return "robot sender" if _ROBOT_LOCAL_PART.match(local_part) else None


def _out_of_office_subject(message: InboundMessage) -> str | None:
    return "out-of-office subject" if _OUT_OF_OFFICE_SUBJECT.match(message.subject) else None
