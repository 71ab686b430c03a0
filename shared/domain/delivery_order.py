"""Which waiting mail goes first when the budget is short, pure: customers before staff, and every
customer in turn.

The sweep orders what it found waiting (:func:`fair_order`): first every mail to a customer's
contact, then every mail to staff. Within each, mails go in rounds, one mail per customer per
round, each customer's own oldest first; in a round the customers follow a fixed cycle (by id)
that starts after the customer served last, so the turn passes on from one sweep to the next
instead of starting again from the same customer. A customer with a hundred mails waiting gets
one mail a round, like a customer with one: another customer's receipt waits behind at most one
mail of each other customer that has mail waiting, whatever their backlogs.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, TypeVar

__all__ = ["Waiting", "fair_order"]


class Waiting(Protocol):
    """A mail waiting to be sent, as the sweep knows it without reading its row."""

    @property
    def customer_id(self) -> str: ...

    @property
    def notification_id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...

    @property
    def staff(self) -> bool: ...


W = TypeVar("W", bound=Waiting)


def fair_order(waiting: Iterable[W], last_served: str | None) -> list[W]:
    """``waiting`` in the order the budget should serve it (see the module's doc): customers'
    mails before staff mails, then by round, then by the customer's place in the cycle that
    starts after ``last_served``."""
    queues: dict[tuple[bool, str], list[W]] = defaultdict(list)
    for item in waiting:
        queues[(item.staff, item.customer_id)].append(item)
    customers = sorted({customer for _, customer in queues})
    start = bisect_right(customers, last_served) if last_served is not None else 0
    place = {customer: (index - start) % len(customers) for index, customer in enumerate(customers)}
    keyed = []
    for (staff, customer), queue in queues.items():
        queue.sort(key=lambda item: (item.created_at, item.notification_id))
        keyed += [((staff, turn, place[customer]), item) for turn, item in enumerate(queue)]
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]
