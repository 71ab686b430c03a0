"""The administrators' use cases on in-memory registries: what each checks, what it writes, and
that a change of closures has the calendar read anew before the escalations it moves are re-planned."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.customers import Contact, Customer
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.language import Language
from shared.domain.notifications import DeliveryState
from shared.domain.sla.closures import Closure
from shared.usecases.admin import Administration, ClosureChange
from shared.usecases.replanning import ReplanReport
from shared.usecases.stored import AuditRecord

TICKET = "IZ-2026-000123"
SUMMER = Closure("summer-2026", date(2026, 8, 10), date(2026, 8, 21), "Summer break")
REPLANNED = ReplanReport(read=4, moved=3, from_ledger=1, failed=1)


class Registry:
    """Customers or closures by id, remembering every read and write in the shared ``log``."""

    def __init__(self, log: list[str], *items: Customer | Closure) -> None:
        self.log = log
        self.items: dict[str, Customer | Closure] = {item.id: item for item in items}

    def get(self, item_id: str) -> Customer | Closure | None:
        self.log.append(f"get {item_id}")
        return self.items.get(item_id)

    def list(self) -> list[Customer | Closure]:
        return sorted(self.items.values(), key=lambda item: item.id)

    def put(self, item: Customer | Closure) -> Customer | Closure:
        self.log.append(f"put {item.id}")
        self.items[item.id] = item
        return item

    def delete(self, item_id: str) -> Customer | Closure | None:
        self.log.append(f"delete {item_id}")
        return self.items.pop(item_id, None)


class Audit:
    def __init__(self, *records: AuditRecord) -> None:
        self.records = records

    def for_ticket(self, ticket_id: str, limit: int) -> list[AuditRecord]:
        return [record for record in self.records if record.subject == ticket_id][:limit]


class Tickets:
    def __init__(self, customers_by_ticket: dict[str, str]) -> None:
        self.customers_by_ticket = customers_by_ticket

    def customer_of(self, ticket_id: str) -> str | None:
        return self.customers_by_ticket.get(ticket_id)


class Dispatcher:
    def __init__(self, *failed: str) -> None:
        self.failed = set(failed)
        self.retried: list[tuple[str, str]] = []

    def retry(self, customer_id: str, notification_id: str) -> DeliveryState:
        if notification_id not in self.failed:
            raise LookupError(notification_id)
        self.retried.append((customer_id, notification_id))
        return DeliveryState.SENT


class Desk:
    """The administration's customers, closures, calendar, re-plan and outbox, in memory."""

    def __init__(self, *closures: Closure, failed: tuple[str, ...] = ()) -> None:
        self.log: list[str] = []
        self.customers = Registry(self.log, Customer("acme", "ACME", True, (), (), Language.ENGLISH))
        self.closures = Registry(self.log, *closures)
        self.dispatcher = Dispatcher(*failed)
        read = AuditRecord(TICKET, datetime(2026, 3, 2, 9, tzinfo=UTC), "olga@desk.example", "operator", "read")
        self.admin = Administration(
            customers=self.customers,
            closures=self.closures,
            reread_calendar=lambda: self.log.append("reread calendar"),
            replan=self.replan,
            audit=Audit(read),
            inbound=None,  # the received mail's list is the inbound log's query (integration tests)
            tickets=Tickets({TICKET: "acme"}),
            outbox=None,  # the failed mail's list is the outbox's query (integration tests)
            dispatcher=self.dispatcher,
        )

    def replan(self, first_day: date, last_day: date) -> ReplanReport:
        self.log.append(f"replan {first_day} {last_day}")
        return REPLANNED


def typed_customer(customer_id: str = "globex", **changes: object) -> Customer:
    fields: dict[str, object] = {
        "id": customer_id,
        "name": "Globex S.p.A.",
        "entitled": True,
        "email_domains": ("Globex.Example.", "globex.example", "mail.globex.example"),
        "contacts": (Contact(" Anna.Rossi@Globex.Example ", "Anna Rossi"),),
        "language": Language.ITALIAN,
    }
    return Customer(**(fields | changes))


def test_a_customer_is_stored_with_its_domains_and_contacts_normalised_and_a_repeated_domain_once() -> None:
    desk = Desk()
    stored = desk.admin.put_customer(typed_customer())
    assert stored.email_domains == ("globex.example", "mail.globex.example")
    assert stored.contacts == (Contact("anna.rossi@globex.example", "Anna Rossi"),)
    assert (stored.name, stored.language) == ("Globex S.p.A.", Language.ITALIAN)
    assert desk.customers.items["globex"] == stored


@pytest.mark.parametrize(
    ("customer", "field"),
    [
        (typed_customer("Globex"), "id"),
        (typed_customer("g"), "id"),
        (typed_customer(email_domains=("globex.example", "not a domain")), "email_domains.1"),
        (typed_customer(contacts=(Contact("anna", "Anna"),)), "contacts.0.email"),
    ],
)
def test_a_customer_with_a_fault_is_refused_naming_the_field_and_nothing_is_written(
    customer: Customer, field: str
) -> None:
    desk = Desk()
    with pytest.raises(InvalidInput) as refused:
        desk.admin.put_customer(customer)
    assert refused.value.field == field
    assert desk.log == []


def test_a_malformed_customer_id_is_not_found_without_a_read_and_an_unknown_one_after_one() -> None:
    desk = Desk()
    assert desk.admin.customer("acme").name == "ACME"
    for customer_id in ("ACME", "globex"):
        with pytest.raises(NotFound, match="no such customer"):
            desk.admin.customer(customer_id)
    assert desk.log == ["get acme", "get globex"]


def test_a_new_closure_is_written_then_the_calendar_read_anew_then_its_days_re_planned() -> None:
    desk = Desk()
    change = desk.admin.put_closure(SUMMER)
    assert change == ClosureChange(SUMMER, REPLANNED)
    assert desk.log == ["get summer-2026", "put summer-2026", "reread calendar", "replan 2026-08-10 2026-08-21"]


def test_a_closure_moved_re_plans_the_days_closed_by_one_and_not_the_other() -> None:
    desk = Desk(SUMMER)
    later = Closure(SUMMER.id, date(2026, 8, 17), date(2026, 8, 28), "Later")
    assert desk.admin.put_closure(later).closure == later
    assert desk.log[-1] == "replan 2026-08-10 2026-08-28"


def test_a_closure_with_a_fault_is_refused_and_neither_written_nor_re_planned() -> None:
    desk = Desk()
    with pytest.raises(InvalidInput) as refused:
        desk.admin.put_closure(Closure("summer-2026", date(2026, 8, 21), date(2026, 8, 10), ""))
    assert refused.value.field == "last_day"
    assert desk.log == []


def test_a_withdrawn_closure_is_answered_as_it_was_and_its_days_re_planned() -> None:
    desk = Desk(SUMMER)
    assert desk.admin.withdraw_closure(SUMMER.id) == ClosureChange(SUMMER, REPLANNED)
    assert desk.log == ["delete summer-2026", "reread calendar", "replan 2026-08-10 2026-08-21"]
    assert desk.admin.closures() == []


@pytest.mark.parametrize("closure_id", ["Summer", "summer-2027"])
def test_withdrawing_a_malformed_or_unknown_closure_is_not_found_and_re_plans_nothing(closure_id: str) -> None:
    desk = Desk(SUMMER)
    with pytest.raises(NotFound, match="no such closure"):
        desk.admin.withdraw_closure(closure_id)
    with pytest.raises(NotFound, match="no such closure"):
        desk.admin.closure(closure_id)
    assert desk.log == ([] if closure_id == "Summer" else ["delete summer-2027", "get summer-2027"])
    assert desk.admin.closures() == [SUMMER]


@pytest.mark.parametrize("ticket", [None, "", "IZ-2026", "acme"])
def test_the_audit_trail_needs_a_ticket_id(ticket: str | None) -> None:
    with pytest.raises(InvalidInput) as refused:
        Desk().admin.audit_trail(ticket, 25)
    assert refused.value.field == "ticket"


def test_the_audit_trail_of_a_ticket_is_its_records() -> None:
    [record] = Desk().admin.audit_trail(TICKET, 25)
    assert (record.subject, record.actor, record.action) == (TICKET, "olga@desk.example", "read")


def test_a_failed_notification_is_sent_again_in_its_ticket_s_customer() -> None:
    desk = Desk(failed=(f"{TICKET}.4.0",))
    assert desk.admin.retry(f"{TICKET}.4.0") is DeliveryState.SENT
    assert desk.dispatcher.retried == [("acme", f"{TICKET}.4.0")]


@pytest.mark.parametrize(
    ("notification_id", "message"),
    [
        ("IZ-2026-000123", "no such notification"),
        ("IZ-2026-000123.4", "no such notification"),
        ("IZ-2026-000123.1234567.0", "no such notification"),
        ("IZ-2026-000999.4.0", "no such notification"),
        ("IZ-2026-000123.5.0", "no failed notification with this id"),
    ],
)
def test_retrying_what_is_no_failed_notification_is_not_found(notification_id: str, message: str) -> None:
    desk = Desk(failed=(f"{TICKET}.4.0",))
    with pytest.raises(NotFound, match=message):
        desk.admin.retry(notification_id)
    assert desk.dispatcher.retried == []
