"""The one set of setting readers every loader uses, one per kind of value.

Each reader takes the environment and a setting's name and returns the setting as its kind of
value, or raises :class:`SettingsError` naming the setting. Common to all of them:

* a value is read trimmed, and a blank one counts as unset (a template empties a setting it
  does not use rather than leaving it out), so the default applies;
* whole numbers are ASCII digits only (``int`` would also take other scripts' digits, which no
  template or sample writes);
* a number of seconds is positive and finite;
* a flag is ``true`` or ``false``, in any case: anything else is an error, not a guess;
* a URL is ``https://`` with a host name (``http://`` is allowed on the loopback interface
  where a setting is meant for local runs too), with no user information and no white space.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeVar
from urllib.parse import SplitResult, urlsplit

from shared.domain.customers import normalise_email
from shared.domain.errors import InvalidInput

__all__ = [
    "LOOPBACK_HOSTS",
    "SettingsError",
    "address",
    "flag",
    "one_of",
    "optional",
    "optional_address",
    "required",
    "seconds",
    "text",
    "url",
    "whole_number",
    "whole_numbers",
]

#: The host names of the loopback interface: where plain ``http://`` is allowed for local runs.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

_Choice = TypeVar("_Choice", bound=str)


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


def optional(environ: Mapping[str, str], name: str) -> str | None:
    """The value of ``name``, trimmed; None when it is unset or blank."""
    return environ.get(name, "").strip() or None


def text(environ: Mapping[str, str], name: str, *, default: str) -> str:
    """The value of ``name``, trimmed; ``default`` when it is unset or blank."""
    return optional(environ, name) or default


def required(environ: Mapping[str, str], name: str, *, meaning: str | None = None) -> str:
    """The value of ``name``, trimmed. Unset or blank, it is an error that says what to set:
    ``set NAME (meaning)``, or ``NAME is required`` without a ``meaning``."""
    value = optional(environ, name)
    if value is None:
        raise SettingsError(f"set {name} ({meaning})" if meaning else f"{name} is required")
    return value


def whole_number(
    environ: Mapping[str, str], name: str, *, default: int, minimum: int = 1, maximum: int | None = None
) -> int:
    """The whole number of ``name``, from ``minimum`` to ``maximum`` (no upper bound when None);
    ``default`` when unset."""
    raw = optional(environ, name)
    if raw is None:
        return default
    value = _whole(raw, minimum, maximum)
    if value is None:
        raise SettingsError(f"{name} must be {_wanted(minimum, maximum)}, not {raw!r}")
    return value


def whole_numbers(
    environ: Mapping[str, str], name: str, *, default: tuple[int, ...], minimum: int = 1, maximum: int | None = None
) -> tuple[int, ...]:
    """The comma-separated whole numbers of ``name``, each from ``minimum`` to ``maximum``, in
    their order; ``default`` when unset. An empty item is an error."""
    raw = optional(environ, name)
    if raw is None:
        return default
    values = [_whole(part.strip(), minimum, maximum) for part in raw.split(",")]
    numbers = tuple(value for value in values if value is not None)
    if len(numbers) != len(values):
        raise SettingsError(f"{name} must be {_wanted(minimum, maximum, many=True)}, separated by commas, not {raw!r}")
    return numbers


def seconds(environ: Mapping[str, str], name: str, *, default: float) -> float:
    """The positive, finite number of seconds of ``name`` (fractions allowed); ``default`` when unset."""
    raw = optional(environ, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}")
    if value <= 0:
        raise SettingsError(f"{name} must be positive, not {raw!r}")
    return value


def flag(environ: Mapping[str, str], name: str, *, default: bool) -> bool:
    """``name`` as ``true`` or ``false`` (in any case); ``default`` when unset."""
    raw = optional(environ, name)
    if raw is None:
        return default
    if raw.lower() not in {"true", "false"}:
        raise SettingsError(f"{name} must be true or false, not {raw!r}")
    return raw.lower() == "true"


def one_of(environ: Mapping[str, str], name: str, choices: Sequence[_Choice], *, default: _Choice) -> _Choice:
    """The one of ``choices`` (strings, or members of a string enum) that ``name`` spells,
    exactly; ``default`` when unset."""
    raw = optional(environ, name)
    if raw is None:
        return default
    for choice in choices:
        if choice == raw:
            return choice
    raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")


def address(environ: Mapping[str, str], name: str, *, default: str) -> str:
    """The mail address of ``name``, lower-cased; ``default`` (an address) when unset."""
    return _address(name, optional(environ, name) or default)


def optional_address(environ: Mapping[str, str], name: str) -> str | None:
    """The mail address of ``name``, lower-cased; None when unset."""
    value = optional(environ, name)
    return _address(name, value) if value else None


def url(environ: Mapping[str, str], name: str, *, loopback_http: bool = False) -> str | None:
    """The ``https://`` URL of ``name`` as written; None when unset. With ``loopback_http``,
    ``http://`` is allowed too when the host is on the loopback interface (local runs)."""
    raw = optional(environ, name)
    if raw is None:
        return None
    split = _split(raw)
    host = (split.hostname or "") if split else ""
    schemes = {"https", "http"} if loopback_http and host in LOOPBACK_HOSTS else {"https"}
    if split is None or split.scheme not in schemes or not host or split.username is not None:
        local = " (http:// on the loopback interface)" if loopback_http else ""
        raise SettingsError(f"{name} must be an https:// URL{local}, not {raw!r}")
    return raw


def _whole(raw: str, minimum: int, maximum: int | None) -> int | None:
    """``raw`` as a whole number within the bounds, or None."""
    if not (raw.isascii() and raw.isdecimal()):
        return None
    value = int(raw)
    return value if value >= minimum and (maximum is None or value <= maximum) else None


def _wanted(minimum: int, maximum: int | None, *, many: bool = False) -> str:
    """What a whole number (``many``: each of a list of them) must be, for an error message."""
    kind = "whole numbers" if many else "a whole number"
    if maximum is not None:
        return f"{kind} from {minimum} to {maximum}"
    if minimum == 1:
        return "positive whole numbers" if many else "a positive whole number"
    return f"{kind} of at least {minimum}"


def _address(name: str, value: str) -> str:
    try:
        return normalise_email(value, name)
    except InvalidInput:
        raise SettingsError(f"{name} must be an email address, not {value!r}") from None


def _split(raw: str) -> SplitResult | None:
    """``raw`` split into its parts, or None when it holds white space or a malformed port."""
    if any(character.isspace() or not character.isprintable() for character in raw):
        return None
    try:
        split = urlsplit(raw)
        _ = split.port  # raises on a port that is not a number in range
    except ValueError:
        return None
    return split
