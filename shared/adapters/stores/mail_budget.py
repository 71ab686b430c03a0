"""The shared mail budget in Table Storage: one row every instance reads and updates under its ETag.

The row is ``OutboxIndex`` partition ``budget``, row ``mail`` (:data:`BUDGET_ROW`): the two
buckets' tokens as of ``RefilledAt``, ``PausedUntil``, ``HoldUntil`` and ``LastServed`` (see
:mod:`shared.domain.mail_budget`). An update reads the row, applies a rule of
:class:`~shared.domain.mail_budget.BudgetState` and writes it back if the row did not change meanwhile
(``If-Match``); a concurrent writer makes it read and apply again, up to :data:`UPDATE_ATTEMPTS`
times. A rule that changes nothing writes nothing. A missing row is a full budget, created on its
first write (an insert, which two first writers cannot both win).

Round trips: :meth:`MailBudgetStore.look` one read; every other method one read, plus one write
when the budget changes (a take that got nothing changes it only to start a hold), plus one read
and one write more per concurrent writer it lost to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.adapters.storage_layout import OUTBOX_INDEX_TABLE
from shared.domain.errors import Conflict
from shared.domain.mail_budget import BudgetState, Grant, MailLimits

BUDGET_PARTITION = "budget"
BUDGET_ROW = "mail"
#: Reads and conditional writes an update tries before it gives up (:class:`Conflict`).
UPDATE_ATTEMPTS = 8

T = TypeVar("T")


class MailBudgetStore:
    """The budget row ``name`` under ``limits`` (every instance must be given the same): one row
    per mail resource whose limits it keeps, :data:`BUDGET_ROW` for the app's."""

    def __init__(self, service: TableServiceClient, limits: MailLimits, name: str = BUDGET_ROW) -> None:
        self._table: TableClient = service.get_table_client(OUTBOX_INDEX_TABLE)
        self.limits, self._name = limits, name

    def look(self) -> BudgetState:
        """The budget as last written: one read."""
        return self._read()[0]

    def take_now(self, now: datetime, wanted: int) -> Grant:
        """Tokens for mails right after their commit (none while paused or held for the queue)."""
        return self._update(lambda state: state.take_now(now, self.limits, wanted))

    def take_queued(self, now: datetime, wanted: int, hold_until: datetime, last_served: str | None) -> Grant:
        """Tokens for the queue; held for it until ``hold_until`` when they fall short."""
        return self._update(lambda state: state.take_queued(now, self.limits, wanted, hold_until, last_served))

    def finish(self, now: datetime, unused: int, hold_until: datetime | None, last_served: str | None) -> None:
        """After a sweep: give back ``unused``, keep the hold until ``hold_until`` or lift it (None)."""
        self._update(lambda state: (None, state.finished(now, self.limits, unused, hold_until, last_served)))

    def give_back(self, now: datetime, count: int) -> None:
        """Return ``count`` tokens taken and not used (their mail was claimed by someone else)."""
        self._update(lambda state: (None, state.given_back(now, self.limits, count)))

    def pause(self, now: datetime, until: datetime) -> None:
        """Nobody sends before ``until`` (the service's ``Retry-After``)."""
        self._update(lambda state: (None, state.paused_for(now, until)))

    def _update(self, rule: Callable[[BudgetState], tuple[T, BudgetState | None]]) -> T:
        for _ in range(UPDATE_ATTEMPTS):
            state, etag = self._read()
            result, changed = rule(state)
            if changed is None:
                return result
            try:
                if etag is None:
                    self._table.create_entity(_entity(self._name, changed))
                else:
                    self._table.update_entity(
                        _entity(self._name, changed),
                        mode=UpdateMode.REPLACE,
                        etag=etag,
                        match_condition=MatchConditions.IfNotModified,
                    )
            except (ResourceModifiedError, ResourceExistsError):
                continue
            return result
        raise Conflict(f"the mail budget changed under {UPDATE_ATTEMPTS} attempts in a row")

    def _read(self) -> tuple[BudgetState, str | None]:
        try:
            entity = self._table.get_entity(BUDGET_PARTITION, self._name)
        except ResourceNotFoundError:
            return BudgetState.full(self.limits), None
        return _state(entity), str(entity.metadata["etag"])


def _entity(name: str, state: BudgetState) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": BUDGET_PARTITION,
        "RowKey": name,
        "MinuteTokens": float(state.minute_tokens),
        "HourTokens": float(state.hour_tokens),
    }
    for name, moment in (
        ("RefilledAt", state.refilled_at),
        ("PausedUntil", state.paused_until),
        ("HoldUntil", state.hold_until),
    ):
        if moment is not None:
            entity[name] = moment.astimezone(UTC)
    if state.last_served is not None:
        entity["LastServed"] = state.last_served
    return entity


def _state(entity: Any) -> BudgetState:
    def moment(name: str) -> datetime | None:
        value = entity.get(name)
        return value.astimezone(UTC) if value is not None else None

    return BudgetState(
        minute_tokens=float(entity["MinuteTokens"]),
        hour_tokens=float(entity["HourTokens"]),
        refilled_at=moment("RefilledAt"),
        paused_until=moment("PausedUntil"),
        hold_until=moment("HoldUntil"),
        last_served=entity.get("LastServed") or None,
    )
