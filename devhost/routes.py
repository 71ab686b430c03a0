"""Route templates of HTTP triggers, matched the way ASP.NET Core routing (and so the
Functions host) matches them.

A template is ``/``-separated segments. A segment is literal text (matched without regard to
case), a parameter ``{name}``, or a mix of both (``{file}.{ext}``). A parameter may carry
constraints (``{id:int}``, ``{code:length(3):alpha}``), a default (``{page=1}``) or be optional
(``{id?}``); optional and defaulted parameters are only allowed in the last segment, alone.
A catch-all ``{*rest}`` (also ``{**rest}``) in the last segment takes the remainder of the path,
slashes included, and may be empty. ``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote

Constraint = Callable[[str], bool]

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)

#: Segment kinds in the order routing tries them (ASP.NET Core's inbound precedence).
_LITERAL, _COMPLEX, _CONSTRAINED, _PARAMETER, _CATCH_ALL = range(1, 6)


@dataclass(frozen=True)
class RouteParameter:
    """A ``{...}`` placeholder of a template."""

    name: str
    constraints: tuple[Constraint, ...] = ()
    default: str | None = None
    optional: bool = False
    catch_all: bool = False

    def accepts(self, value: str) -> bool:
        """Whether ``value`` (already percent-decoded) satisfies every constraint."""
        return all(constraint(value) for constraint in self.constraints)


Token = str | RouteParameter


class RouteTemplate:
    """A parsed route template; ``match`` gives the route values of a request path."""

    def __init__(self, template: str) -> None:
        """Parse ``template``; raises ValueError on malformed templates, unknown constraints
        and optional or catch-all parameters anywhere but alone in the last segment."""
        self.template = template
        segments = [_tokenise(text) for text in template.strip("/").split("/")] if template.strip("/") else []
        _check_placement(segments)
        self._parameters = [token for tokens in segments for token in tokens if isinstance(token, RouteParameter)]
        self._pattern = re.compile(_compile(segments), re.IGNORECASE | re.DOTALL)
        # Sort key: of two templates matching a path, the one with the smaller key is tried first.
        self.precedence: tuple[int, ...] = tuple(_kind(tokens) for tokens in segments)

    def __repr__(self) -> str:
        return f"RouteTemplate({self.template!r})"

    def match(self, path: str) -> dict[str, str] | None:
        """The route values when ``path`` (percent-encoded, without query, leading and
        trailing slashes ignored) matches, else None. Values are percent-decoded; a parameter
        left out takes its default, or is absent when it has none."""
        found = self._pattern.fullmatch(path.strip("/"))
        if found is None:
            return None
        values: dict[str, str] = {}
        for index, parameter in enumerate(self._parameters):
            raw = found.group(f"p{index}")
            if raw is None or raw == "":
                if parameter.default is not None:
                    values[parameter.name] = parameter.default
                continue
            value = unquote(raw)
            if not parameter.accepts(value):
                return None
            values[parameter.name] = value
        return values


def _tokenise(segment: str) -> list[Token]:
    """Split a segment into literal text and parameters, undoubling ``{{`` and ``}}``."""
    if not segment:
        raise ValueError("a route template may not contain an empty segment ('//')")
    tokens: list[Token] = []
    literal: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char in "{}" and segment.startswith(char * 2, index):
            literal.append(char)
            index += 2
        elif char == "{":
            body, index = _parameter_body(segment, index + 1)
            if literal:
                tokens.append("".join(literal))
                literal = []
            elif tokens:
                raise ValueError(f"parameters in {segment!r} must be separated by literal text")
            tokens.append(_parameter(body))
        elif char == "}":
            raise ValueError(f"unmatched '}}' in segment {segment!r}")
        else:
            literal.append(char)
            index += 1
    if literal:
        tokens.append("".join(literal))
    return tokens


def _parameter_body(segment: str, start: int) -> tuple[str, int]:
    """The text inside a parameter's braces (doubled braces undoubled) and the index after it."""
    body: list[str] = []
    index = start
    while index < len(segment):
        char = segment[index]
        if char in "{}" and segment.startswith(char * 2, index):
            body.append(char)
            index += 2
        elif char == "}":
            return "".join(body), index + 1
        elif char == "{":
            raise ValueError(f"unexpected '{{' in a parameter of segment {segment!r}")
        else:
            body.append(char)
            index += 1
    raise ValueError(f"unclosed '{{' in segment {segment!r}")


def _check_placement(segments: list[list[Token]]) -> None:
    """Optional, defaulted and catch-all parameters only alone in the last segment; no
    parameter name twice."""
    names: set[str] = set()
    for position, tokens in enumerate(segments):
        for token in tokens:
            if not isinstance(token, RouteParameter):
                continue
            if token.name.lower() in names:
                raise ValueError(f"route parameter {token.name!r} appears twice")
            names.add(token.name.lower())
            trailing = token.optional or token.catch_all or token.default is not None
            if trailing and (position != len(segments) - 1 or len(tokens) != 1):
                raise ValueError(
                    f"optional, defaulted and catch-all parameters ({token.name!r}) must be alone in the last segment"
                )


def _compile(segments: list[list[Token]]) -> str:
    """A regular expression for the whole path; parameter number n is captured as ``pn``."""
    pattern: list[str] = []
    count = 0
    for position, tokens in enumerate(segments):
        separator = "/" if position else ""
        parts: list[str] = []
        for token in tokens:
            if isinstance(token, str):
                parts.append(re.escape(token))
                continue
            capture = ".*" if token.catch_all else "[^/]+"
            parts.append(f"(?P<p{count}>{capture})")
            count += 1
        last = tokens[-1]
        if isinstance(last, RouteParameter) and (last.optional or last.catch_all or last.default is not None):
            pattern.append(f"(?:{separator}{parts[0]})?")
        else:
            pattern.append(separator + "".join(parts))
    return "".join(pattern)


def _kind(tokens: list[Token]) -> int:
    """The precedence class of a segment."""
    if len(tokens) > 1:
        return _COMPLEX
    token = tokens[0]
    if isinstance(token, str):
        return _LITERAL
    if token.catch_all:
        return _CATCH_ALL
    return _CONSTRAINED if token.constraints else _PARAMETER


def _parameter(body: str) -> RouteParameter:
    """Parse ``[*]name[:constraint...][=default][?]``."""
    catch_all = body.startswith("*")
    body = body.lstrip("*")
    optional = body.endswith("?")
    head, *default = _split_top_level(body.removesuffix("?"), "=", maxsplit=1)
    name, *constraint_texts = _split_top_level(head, ":")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"invalid route parameter name {name!r}")
    if optional and default:
        raise ValueError(f"parameter {name!r} cannot be both optional and have a default")
    return RouteParameter(
        name=name,
        constraints=tuple(_constraint(text) for text in constraint_texts),
        default=default[0] if default else None,
        optional=optional,
        catch_all=catch_all,
    )


def _split_top_level(text: str, separator: str, maxsplit: int = -1) -> list[str]:
    """``text.split(separator, maxsplit)``, except inside parentheses (constraint arguments)."""
    parts: list[str] = []
    depth = start = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == separator and depth == 0 and len(parts) != maxsplit:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _constraint(text: str) -> Constraint:
    """The predicate for one constraint such as ``int``, ``min(1)`` or ``regex(^a)``."""
    found = re.fullmatch(r"([A-Za-z]+)(?:\((.*)\))?", text, re.DOTALL)
    if found is None:
        raise ValueError(f"malformed route constraint {text!r}")
    name, arguments = found.group(1).lower(), found.group(2)
    if name in _PLAIN_CONSTRAINTS and arguments is None:
        return _PLAIN_CONSTRAINTS[name]
    if name == "regex" and arguments is not None:
        try:
            pattern = re.compile(arguments, re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"route constraint {text!r} has a bad pattern: {error}") from None
        return lambda value: pattern.search(value) is not None
    if name in _NUMERIC_CONSTRAINTS and arguments is not None:
        try:
            return _NUMERIC_CONSTRAINTS[name](*(int(argument) for argument in arguments.split(",")))
        except (TypeError, ValueError):
            raise ValueError(f"route constraint {text!r} has wrong arguments") from None
    raise ValueError(f"unknown route constraint {text!r}")


def _integer_within(low: int, high: int) -> Constraint:
    def check(value: str) -> bool:
        return re.fullmatch(r"[-+]?[0-9]+", value) is not None and low <= int(value) <= high

    return check


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


_GUID = re.compile(
    r"[0-9a-f]{32}|(\{)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?(1)\})", re.IGNORECASE
)


def _is_guid(value: str) -> bool:
    """32 hex digits, bare or as 8-4-4-4-12 groups, optionally in braces (like .NET's Guid)."""
    return _GUID.fullmatch(value) is not None


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _length(low: int, high: int | None = None) -> Constraint:
    """``length(n)``: exactly n characters; ``length(m,n)``: m to n characters."""
    upper = low if high is None else high
    return lambda value: low <= len(value) <= upper


_PLAIN_CONSTRAINTS: dict[str, Constraint] = {
    "int": _integer_within(*_INT32),
    "long": _integer_within(*_INT64),
    "alpha": lambda value: re.fullmatch(r"[A-Za-z]+", value) is not None,
    "bool": lambda value: value.lower() in {"true", "false"},
    "guid": _is_guid,
    "decimal": _is_number,
    "double": _is_number,
    "float": _is_number,
    "datetime": _is_datetime,
    "required": bool,
}

_NUMERIC_CONSTRAINTS: dict[str, Callable[..., Constraint]] = {
    "min": lambda low: _integer_within(low, _INT64[1]),
    "max": lambda high: _integer_within(_INT64[0], high),
    "range": _integer_within,
    "minlength": lambda low: lambda value: len(value) >= low,
    "maxlength": lambda high: lambda value: len(value) <= high,
    "length": _length,
}
