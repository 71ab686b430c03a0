"""The creation limit against Azurite: one bucket per customer, shared by every instance, correct
when creators race, refilled by the desk's clock, and kept to customers opening over the API."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.storage import azurite_connection_string
from shared.adapters.stores.creation_limits import CreationLimits
from shared.domain.change import MailSource
from shared.domain.creation_limit import CreationLimit
from shared.domain.customers import Contact, Customer
from shared.domain.errors import TooManyRequests
from shared.domain.lifecycle import Role, Status
from shared.usecases.desk import Desk, NewTicket
from tests.integration.conftest import Clock, customer_caller, desk_on, staff_caller

CREATORS = 12
BURST = 5


def service() -> TableServiceClient:
    return TableServiceClient.from_connection_string(azurite_connection_string())


def instance(clock: Clock, limit: CreationLimit) -> Desk:
    """A desk as one instance of the app builds it: its own clients, its own caches."""
    tables = service()
    return replace(desk_on(tables, clock), creation_limits=CreationLimits(tables, limit))


def request(customer: Customer, subject: str = "Login broken") -> NewTicket:
    return NewTicket(subject, "Nobody can sign in.", customer.id, customer.contacts[0].email)


def opened(desk: Desk, customer: Customer) -> int:
    page = desk.tickets.list_for_customer(customer.id, status=Status.NEW, limit=100, cursor=None)
    return len(page.items)


def test_creators_racing_on_separate_instances_open_exactly_the_burst(customer: Customer, clock: Clock) -> None:
    limit = CreationLimit(burst=BURST, per_hour=1)
    desks = [instance(clock, limit) for _ in range(CREATORS)]
    start = threading.Barrier(CREATORS)

    def open_one(desk: Desk) -> int | None:
        start.wait()
        try:
            desk.open(customer_caller(customer), request(customer))
        except TooManyRequests as refused:
            return refused.retry_after
        return None

    with ThreadPoolExecutor(CREATORS) as pool:
        outcomes = list(pool.map(open_one, desks))

    assert outcomes.count(None) == BURST
    assert sorted(wait for wait in outcomes if wait is not None) == [3600] * (CREATORS - BURST)
    assert opened(desks[0], customer) == BURST
    bucket = CreationLimits(service(), limit).bucket(customer.id)
    assert bucket is not None
    assert (bucket.tokens, bucket.at) == (0, clock.at)


def test_the_bucket_fills_again_as_the_desk_s_clock_runs(customer: Customer, clock: Clock) -> None:
    desk = instance(clock, CreationLimit(burst=2, per_hour=4))  # one every 15 minutes
    caller = customer_caller(customer)
    for _ in range(2):
        desk.open(caller, request(customer))
    with pytest.raises(TooManyRequests) as empty:
        desk.open(caller, request(customer))
    assert empty.value.retry_after == 900

    clock.at += timedelta(minutes=14)
    with pytest.raises(TooManyRequests) as almost:
        desk.open(caller, request(customer))
    assert almost.value.retry_after == 60
    clock.at += timedelta(minutes=1)
    desk.open(caller, request(customer))
    assert opened(desk, customer) == 3


def test_staff_and_mail_open_tickets_whatever_the_customer_s_bucket_holds(customer: Customer, clock: Clock) -> None:
    desk = instance(clock, CreationLimit(burst=1, per_hour=1))
    desk.open(customer_caller(customer), request(customer))
    with pytest.raises(TooManyRequests):
        desk.open(customer_caller(customer), request(customer))

    desk.open(staff_caller("olga@desk.example", Role.OPERATOR), request(customer, "Phoned in"))
    desk.open(customer_caller(customer), request(customer, "Mailed in"), MailSource(f"mail-{customer.id}"))

    assert opened(desk, customer) == 3


def test_each_customer_has_a_bucket_of_its_own(desk: Desk, customer: Customer, clock: Clock) -> None:
    limited = instance(clock, CreationLimit(burst=1, per_hour=1))
    brio = f"brio-{customer.id}"
    other = desk.customers.put(
        replace(
            customer, id=brio, email_domains=(f"{brio}.example",), contacts=(Contact(f"bruno@{brio}.example", "Bruno"),)
        )
    )

    limited.open(customer_caller(customer), request(customer))
    limited.open(customer_caller(other), request(other))

    assert (opened(limited, customer), opened(limited, other)) == (1, 1)
