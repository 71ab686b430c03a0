"""The escalation schedule's moves on Azurite: rows of one clock that meet, rows a concurrent change
wrote, and moves of more rows than one transaction holds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.stores.schedule import EscalationSchedule
from shared.domain.sla.escalation import Checkpoint
from shared.domain.sla.policy import Clock

DAY = datetime(2031, 3, 3, tzinfo=UTC)  # far from every other test's instants


def at(text: str) -> datetime:
    """``'10:15'`` on DAY, UTC."""
    hours, minutes = (int(part) for part in text.split(":"))
    return DAY + timedelta(hours=hours, minutes=minutes)


@pytest.fixture
def schedule(table_service: TableServiceClient) -> EscalationSchedule:
    return EscalationSchedule(table_service)


@pytest.fixture
def customer_id() -> str:
    return f"sched-{uuid.uuid4().hex[:10]}"


def checkpoint(
    customer_id: str, due: str, ticket: str = "IZ-2031-000001", clock: Clock = Clock.TAKE_CHARGE
) -> Checkpoint:
    return Checkpoint(customer_id, ticket, clock, 1, at(due), DAY, timedelta(hours=1))


def planned(schedule: EscalationSchedule, customer_id: str) -> list[tuple[str, str, datetime]]:
    """The customer's rows from DAY on: (ticket, clock, due), by due, ticket and clock."""
    rows = [stored.checkpoint for stored in schedule.planned_from(DAY) if stored.checkpoint.customer_id == customer_id]
    return sorted(((c.ticket_id, c.clock.value, c.due) for c in rows), key=lambda row: (row[2], row[0], row[1]))


def test_a_moved_checkpoint_leaves_its_old_bucket_and_keeps_what_it_needs_to_move_again(
    schedule: EscalationSchedule, customer_id: str
) -> None:
    schedule.plan([checkpoint(customer_id, "10:15")])
    (stored,) = [s for s in schedule.planned_from(DAY) if s.checkpoint.customer_id == customer_id]
    schedule.move([(stored, checkpoint(customer_id, "09:20"))])
    (moved,) = [s.checkpoint for s in schedule.planned_from(DAY) if s.checkpoint.customer_id == customer_id]
    assert moved == checkpoint(customer_id, "09:20")  # planned_at and left included


def test_two_rows_of_one_clock_that_land_in_one_bucket_keep_the_earlier(
    schedule: EscalationSchedule, customer_id: str
) -> None:
    schedule.plan([checkpoint(customer_id, "10:15"), checkpoint(customer_id, "12:10")])
    stored = sorted(
        (s for s in schedule.planned_from(DAY) if s.checkpoint.customer_id == customer_id),
        key=lambda s: s.checkpoint.due,
    )
    schedule.move([(stored[0], checkpoint(customer_id, "11:05")), (stored[1], checkpoint(customer_id, "11:40"))])
    assert planned(schedule, customer_id) == [("IZ-2031-000001", "take_charge", at("11:05"))]


def test_a_row_a_concurrent_change_rewrote_after_the_read_is_kept(
    schedule: EscalationSchedule, customer_id: str
) -> None:
    schedule.plan([checkpoint(customer_id, "10:15"), checkpoint(customer_id, "10:15", clock=Clock.RESOLUTION)])
    stored = [s for s in schedule.planned_from(DAY) if s.checkpoint.customer_id == customer_id]
    schedule.plan([checkpoint(customer_id, "10:30")])  # the ticket changed meanwhile: same row, new plan
    schedule.move([(row, checkpoint(customer_id, "09:20", clock=row.checkpoint.clock)) for row in stored])
    assert planned(schedule, customer_id) == [
        ("IZ-2031-000001", "resolution", at("09:20")),
        ("IZ-2031-000001", "take_charge", at("09:20")),
        ("IZ-2031-000001", "take_charge", at("10:30")),  # theirs, not deleted: found stale when due
    ]


def test_a_row_a_concurrent_change_wrote_where_a_checkpoint_moves_to_is_kept(
    schedule: EscalationSchedule, customer_id: str
) -> None:
    schedule.plan([checkpoint(customer_id, "10:15")])
    (stored,) = [s for s in schedule.planned_from(DAY) if s.checkpoint.customer_id == customer_id]
    schedule.plan([checkpoint(customer_id, "09:50")])  # the ticket changed meanwhile: a row in the target bucket
    schedule.move([(stored, checkpoint(customer_id, "09:20"))])
    assert planned(schedule, customer_id) == [("IZ-2031-000001", "take_charge", at("09:50"))]


def test_a_move_of_more_rows_than_one_transaction_holds_moves_them_all(
    schedule: EscalationSchedule, customer_id: str
) -> None:
    tickets = [f"IZ-2031-{number:06d}" for number in range(1, 131)]
    schedule.plan(checkpoint(customer_id, "10:15", ticket) for ticket in tickets)
    stored = [s for s in schedule.planned_from(DAY) if s.checkpoint.customer_id == customer_id]
    schedule.move([(row, checkpoint(customer_id, "08:45", row.checkpoint.ticket_id)) for row in stored])
    assert planned(schedule, customer_id) == [(ticket, "take_charge", at("08:45")) for ticket in tickets]
