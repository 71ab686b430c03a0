"""The domain's errors. Use cases raise them; the HTTP edge maps each to one status code."""

from __future__ import annotations


class DeskError(Exception):
    """Base of the errors a caller can act on."""


class NotFound(DeskError):  # noqa: N818 (the names are the outcomes)
    """No such thing, or nothing the caller may see (answered alike, so ids cannot be probed)."""


class Forbidden(DeskError):  # noqa: N818
    """The caller is known but may not do this: its role, or what its token says. ``claim``
    names the token claim at fault when one is (an ``email`` missing or not the customer's)."""

    def __init__(self, message: str, *, claim: str | None = None) -> None:
        super().__init__(message)
        self.claim = claim


class Conflict(DeskError):  # noqa: N818
    """The state changed under the caller (a concurrent update) or forbids the action now."""


class TooManyRequests(DeskError):  # noqa: N818
    """The caller is over a limit for now; it may try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PreconditionFailed(DeskError):  # noqa: N818
    """The caller's ``If-Match`` does not name the current revision."""


class InvalidInput(DeskError):  # noqa: N818
    """An input is invalid; ``field`` names it (a JSON pointer-like path such as ``priority``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
