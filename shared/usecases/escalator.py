"""The escalation sweep: every due checkpoint, handled once, whatever else is running.

The sweep reads the checkpoints due at ``now`` (one range query over the schedule's buckets up
to now, so after hours of downtime it catches up on everything due), hands each to
:meth:`shared.usecases.desk.Desk.escalate`, and records ``now`` as its watermark when every checkpoint was
handled. Two sweeps at once each try every checkpoint; the ticket's ETag lets one escalate and the
other count it as contended. A sweep that dies midway leaves its unhandled checkpoints in place for
the next one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from shared.domain.errors import Conflict
from shared.usecases.desk import Desk
from shared.usecases.ports import Schedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    """How many checkpoints were due, and what became of them."""

    due: int
    escalated: int
    stale: int
    contended: int
    failed: int


def sweep(desk: Desk, schedule: Schedule, now: datetime) -> SweepReport:
    """Handle every checkpoint due at ``now`` (``desk`` must read the same instant as its clock)."""
    due = schedule.due(now)
    outcomes = {"escalated": 0, "stale": 0, "gone": 0, "contended": 0, "failed": 0}
    for checkpoint in due:
        try:
            outcomes[desk.escalate(checkpoint)] += 1
        except Conflict:
            outcomes["contended"] += 1
        except Exception:
            logger.exception(
                "escalation of %s %s failed; the next sweep tries again", checkpoint.ticket_id, checkpoint.clock
            )
            outcomes["failed"] += 1
    if not outcomes["failed"]:
        schedule.advance_watermark(now)
    return SweepReport(
        len(due), outcomes["escalated"], outcomes["stale"] + outcomes["gone"], outcomes["contended"], outcomes["failed"]
    )
