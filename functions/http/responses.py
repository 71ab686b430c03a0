"""HTTP helpers shared by every blueprint: JSON answers and RFC 9457 problem documents."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    """``body`` serialised as JSON, never cached by intermediaries."""
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        mimetype=JSON,
        charset="utf-8",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def problem(
    status: int, title: str, detail: str | None = None, *, headers: dict[str, str] | None = None, **extensions: Any
) -> func.HttpResponse:
    """An ``application/problem+json`` answer (RFC 9457). ``extensions`` add members such as
    ``field`` (the input at fault) or ``checks``; ``headers`` are extra response headers."""
    document: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail is not None:
        document["detail"] = detail
    document.update(extensions)
    return func.HttpResponse(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        mimetype=PROBLEM_JSON,
        charset="utf-8",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )
