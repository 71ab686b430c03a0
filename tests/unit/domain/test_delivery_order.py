"""The order the queue is served in: customers' mail before staff mail, every customer in turn,
the turn passing on from one sweep to the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.domain.delivery_order import fair_order

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Mail:
    customer_id: str
    notification_id: str
    created_at: datetime
    staff: bool = False


def flood(customer: str, count: int, *, staff: bool = False, start: datetime = T0) -> list[Mail]:
    """``count`` mails of ``customer``, 60 ms apart (a hundred tickets in six seconds)."""
    kind = "new_in_queue" if staff else "received"
    return [
        Mail(customer, f"{customer}-{number:03d}.{kind}", start + timedelta(milliseconds=60 * number), staff)
        for number in range(count)
    ]


def ids(mails: list[Mail]) -> list[str]:
    return [mail.notification_id for mail in mails]


def test_every_mail_to_a_customer_goes_before_any_mail_to_staff() -> None:
    waiting = flood("acme", 3, staff=True) + flood("acme", 3) + flood("globex", 1, staff=True)

    ordered = fair_order(waiting, None)

    assert [mail.staff for mail in ordered] == [False] * 3 + [True] * 4


def test_one_customer_s_hundred_mails_leave_another_s_receipt_behind_one_of_them_at_most() -> None:
    waiting = [*flood("acme", 100), Mail("globex", "globex-000.received", T0 + timedelta(seconds=6))]

    assert ids(fair_order(waiting, None))[:2] == ["acme-000.received", "globex-000.received"]
    assert ids(fair_order(waiting, "acme"))[0] == "globex-000.received"  # acme was served last


def test_customers_take_turns_one_mail_a_round_each_oldest_first() -> None:
    waiting = flood("acme", 3) + flood("globex", 2) + flood("initech", 1)

    ordered = fair_order(waiting, "globex")

    assert ids(ordered) == [
        "initech-000.received",  # the cycle starts after globex
        "acme-000.received",
        "globex-000.received",
        "acme-001.received",
        "globex-001.received",
        "acme-002.received",
    ]


def test_with_one_mail_a_sweep_the_turn_passes_on_so_no_customer_starves() -> None:
    waiting = flood("acme", 50) + flood("globex", 2) + flood("initech", 1)
    served: list[str] = []
    last: str | None = None
    for _ in range(6):  # six sweeps, a budget of one mail each
        first = fair_order(waiting, last)[0]
        waiting.remove(first)
        served.append(first.customer_id)
        last = first.customer_id

    assert served == ["acme", "globex", "initech", "acme", "globex", "acme"]


def test_nothing_waiting_orders_to_nothing() -> None:
    assert fair_order([], "acme") == []
