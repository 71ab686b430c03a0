"""Re-planning the escalations that a change of closures moves.

A closure announced, moved, lengthened, shortened or withdrawn changes working time only on the
days closed before and not after, or after and not before (:func:`shared.domain.sla.closures.changed_days`).
A checkpoint due before the first of them falls due where it was planned; those due from then on
are one range of the schedule, which is keyed by due hour. Each stays or moves to the instant its
level falls due on the calendar as it now is (:func:`shared.domain.sla.escalation.replanned`):

* a clock started after the last changed day never counted one: it stays;
* a checkpoint planned before the first changed day moves by its working time left, from the
  checkpoint alone; a clock's rows in the range move together, and where two land in one bucket the
  earliest stays (:meth:`~shared.usecases.ports.Schedule.move`);
* any other clock (one that counted changed days before its last change, or whose rows were
  planned before they recorded what a move needs) is re-planned from its ticket's ledger
  (:meth:`shared.usecases.desk.Desk.replan`).

Nothing reads the tickets the checkpoints alone can place: one query per 1,000 checkpoints of the
range, transactions of up to 100 rows of one bucket for the moves, and three round trips per clock
re-planned from its ledger (``docs/escalation.md`` has the figures).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from shared.domain.sla.escalation import Checkpoint, replanned
from shared.usecases.desk import Desk
from shared.usecases.ports import Schedule
from shared.usecases.stored import StoredCheckpoint

__all__ = ["ReplanReport", "replan_from"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplanReport:
    """What a re-plan did: the checkpoints it read, the clocks whose next checkpoint moved (to
    another instant or level), the clocks it re-planned from their ticket's ledger, and those whose
    re-plan failed (their checkpoints stay as they were; the failure is logged)."""

    read: int
    moved: int
    from_ledger: int
    failed: int


def replan_from(desk: Desk, schedule: Schedule, first_day: date, last_day: date) -> ReplanReport:
    """Re-plan the checkpoints due from the start of ``first_day``, after a change of the calendar
    that changed the working time of the days ``first_day`` to ``last_day`` (in the calendar's
    zone, both included), on ``desk``'s calendar (which must be the changed one) and clock."""
    calendar = desk.calendar()
    changed_from = datetime.combine(first_day, time(0), tzinfo=calendar.zone)
    changed = (changed_from, datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=calendar.zone))
    stored = schedule.planned_from(changed_from)
    by_clock: dict[tuple[str, str, str], list[StoredCheckpoint]] = defaultdict(list)
    for row in stored:
        by_clock[(row.checkpoint.customer_id, row.checkpoint.ticket_id, row.checkpoint.clock.value)].append(row)
    moves: list[tuple[StoredCheckpoint, Checkpoint]] = []
    from_ledger: list[list[Checkpoint]] = []
    moved = 0
    for rows in by_clock.values():
        news = [replanned(row.checkpoint, calendar, changed) for row in rows]
        if any(new is None for new in news):
            from_ledger.append([row.checkpoint for row in rows])
            continue
        pairs = [(row, new) for row, new in zip(rows, news, strict=True) if new is not None]
        moves += pairs
        moved += any(new.due != row.checkpoint.due for row, new in pairs)
    schedule.move(moves)
    failed = 0
    for checkpoints in from_ledger:
        try:
            moved += desk.replan(checkpoints)
        except Exception:
            first = checkpoints[0]
            logger.exception("re-planning %s %s failed; its checkpoints stay", first.ticket_id, first.clock)
            failed += 1
    return ReplanReport(len(stored), moved, len(from_ledger), failed)
