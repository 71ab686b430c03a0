"""The pages and answers of the local sign-in (:mod:`devhost.local_sign_in`): the list of demo
people to sign in as, the refusal page, and JSON answers; in Italian or English by ``ui_locales``.
Every page forbids scripts, framing and forms posting elsewhere (its Content-Security-Policy)."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus

from devhost.http_dispatch import OutgoingResponse

__all__ = ["SignInUser", "html_answer", "json_answer", "language", "refusal_page", "sign_in_page"]


@dataclass(frozen=True)
class SignInUser:
    """Someone the local sign-in offers: ``email`` (also the login hint and the subject),
    ``name``, ``detail`` (shown beside the name: the company, or the roles), and what the access
    token carries: ``roles``, ``customer_id`` and the directory object id ``object_id``."""

    email: str
    name: str
    detail: str
    roles: tuple[str, ...]
    customer_id: str | None = None
    object_id: str | None = None


PAGE_TEXT = {
    "it": {
        "title": "Accesso locale",
        "lead": "Ambiente di sviluppo: scegli un utente dimostrativo. Nessuna password, nessun dato reale.",
        "as": "Entra come",
        "bad": "Richiesta di accesso non valida",
    },
    "en": {
        "title": "Local sign-in",
        "lead": "Development environment: pick a demo user. No password, no real data.",
        "as": "Sign in as",
        "bad": "Invalid sign-in request",
    },
}


def language(form: Mapping[str, str]) -> str:
    """``it`` when ``ui_locales`` asks for Italian, else ``en``."""
    return "it" if form.get("ui_locales", "").lower().startswith("it") else "en"


_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'",
    ),
]


def json_answer(status: HTTPStatus, document: object) -> OutgoingResponse:
    """``document`` as a JSON answer that no cache keeps."""
    return OutgoingResponse(
        status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], json.dumps(document).encode()
    )


def html_answer(status: HTTPStatus, page: str) -> OutgoingResponse:
    """``page`` as an HTML answer with the pages' headers."""
    return OutgoingResponse(status, [("Content-Type", "text/html; charset=utf-8"), *_HEADERS], page.encode())


def _document(language: str, title: str, body: str) -> str:
    escape = html.escape
    return (
        f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/api/portal/portal.css"></head>'
        f'<body><main id="main" class="page sign-in">{body}</main></body></html>\n'
    )


def sign_in_page(language: str, form: Mapping[str, str], users: Sequence[SignInUser], mount: str) -> str:
    """The list of ``users`` to sign in as, each a button posting to ``mount``'s ``authorize``
    with the authorization request's parameters carried along."""
    text, escape = PAGE_TEXT[language], html.escape
    carried = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
               "code_challenge_method", "ui_locales")  # fmt: skip
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(form[name])}">' for name in carried if name in form
    )
    buttons = "".join(
        f'<li><button type="submit" class="button" name="login_hint" value="{escape(user.email)}">'
        f"{escape(text['as'])} {escape(user.name)} "
        f'<span class="muted">({escape(user.email)}, {escape(user.detail)})</span></button></li>'
        for user in users
    )
    body = (
        f"<h1>{escape(text['title'])}</h1><p>{escape(text['lead'])}</p>"
        f'<form method="post" action="{escape(mount)}/authorize">{hidden}<ul class="plain">{buttons}</ul></form>'
    )
    return _document(language, text["title"], body)


def refusal_page(language: str, reason: str) -> str:
    """The page that says why a sign-in request is refused."""
    text, escape = PAGE_TEXT[language], html.escape
    return _document(language, text["bad"], f'<h1>{escape(text["bad"])}</h1><p role="alert">{escape(reason)}</p>')
