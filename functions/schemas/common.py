"""What every resource's documents share: the value types of request bodies, the body base class,
an SLA clock's answer and the RFC 9457 problem document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from shared.domain.customers import CUSTOMER_ID_PATTERN, normalise_email
from shared.domain.errors import InvalidInput
from shared.domain.sla.clock import ClockState
from shared.domain.sla.policy import Priority
from shared.domain.text_limits import LONG_TEXT_UNITS, one_line, utf16_units

#: The largest request body accepted, in bytes; larger ones are answered 413.
MAX_BODY_BYTES = 64 * 1024

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CustomerId = Annotated[str, StringConstraints(pattern=f"^{CUSTOMER_ID_PATTERN}$")]


def _plain_address(text: str) -> str:
    try:
        return normalise_email(text, "address")
    except InvalidInput:
        raise ValueError("is not an email address") from None


#: A plain ``local@domain`` address, lower-cased: no display name, no control character, a real
#: domain (the shape every mail header built from it needs).
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[^@\s]{1,64}@[^@\s]{1,253}$"),
    AfterValidator(_plain_address),
]


def _on_one_line(text: str) -> str:
    line = one_line(text)
    if not line:
        raise ValueError("holds nothing but spaces and control characters")
    return line


#: A name, a subject: what a person types that must stay on one line. Control characters (line
#: breaks, tabs, separators) become a space (``shared.domain.text_limits.one_line``), so no value can
#: carry a line of its own into a mail.
OneLine = Annotated[Text, Field(max_length=200), AfterValidator(_on_one_line)]


def _storable(text: str) -> str:
    if utf16_units(text) > LONG_TEXT_UNITS:
        raise ValueError(f"is too long to keep: at most {LONG_TEXT_UNITS} UTF-16 code units (an emoji counts two)")
    return text


#: A description or message: 20,000 characters, and within what a Table property holds.
LongText = Annotated[Text, Field(max_length=20_000), AfterValidator(_storable)]

_PRIORITIES = " or ".join(", ".join(str(priority.value) for priority in Priority).rsplit(", ", 1))


def _a_number(value: object) -> object:
    if isinstance(value, str):  # the enum alone would read "2" as 2
        raise PydanticCustomError("enum", "Input should be {expected}", {"expected": _PRIORITIES})
    return value


#: A priority in a request body: a JSON number, 1 (the most urgent) to 4; the same number as text
#: is refused like an unknown one.
PriorityValue = Annotated[Priority, BeforeValidator(_a_number)]


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """An RFC 9457 problem document (``application/problem+json``). Extension members may follow,
    such as ``field`` (the input at fault, on 422) or ``checks`` (on a failed health check)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None


class ClockOut(BaseModel):
    """One SLA clock: ``state`` is ``not_started``, ``running``, ``paused`` or ``stopped``;
    durations are working time in seconds."""

    state: Literal["not_started", "running", "paused", "stopped"]
    due: datetime | None
    budget_seconds: int
    elapsed_seconds: int
    remaining_seconds: int
    breached: bool
    met: bool | None


def clock_out(state: ClockState) -> ClockOut:
    if state.started_at is None:
        kind: Literal["not_started", "running", "paused", "stopped"] = "not_started"
    elif state.stopped_at is not None:
        kind = "stopped"
    else:
        kind = "paused" if state.paused else "running"
    return ClockOut(
        state=kind,
        due=state.due,
        budget_seconds=int(state.budget.total_seconds()),
        elapsed_seconds=int(state.elapsed.total_seconds()),
        remaining_seconds=int(state.remaining.total_seconds()),
        breached=state.breached,
        met=state.met,
    )
