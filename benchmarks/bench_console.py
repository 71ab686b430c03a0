"""Benchmark of the console's views against Azurite: storage requests and latency per view page.

Run from the repository root: ``python benchmarks/bench_console.py [--sizes 1000 100000]
[--repetitions R] [--threads T]``. It needs an Azurite of its own (it starts one; with one already
listening it stops at once, exit 2: it writes 100,000 tickets). It seeds the desk with tickets
spread over 200 customers (80 % closed, 15 % resolved, 3 % new, 1.5 % accepted, 0.5 % waiting for
the customer; one in fifty a vulnerability), written in transactions of up to 100 rows of one
partition from ``--threads`` threads, every row built by the stores' own row builders (the
ticket's, the ticket number's, the view index's rows and placements), and prints how long that
took. Then it calls ``GET /api/views/{view}`` as the host does (a bearer token signed for the run)
for every view, caller, sort and supported filter, ``GET /api/tickets/{id}`` and the ticket
screen ``GET /api/tickets/{id}/screen``, ``--repetitions`` times each after a warm-up call, and prints per call the
requests to the view index (reads), the other requests (the audit write; the calendar's and the
staff directory's cached reads counted apart), p50 and p95. The same at the next size.

It exits 1 unless every measured call sent the same requests at every size, no view page read
the index more than twice and the ticket screen sent at most 5 requests (4 reads and the audit
write). It also measures, not gated, the re-key a closure announced two weeks
ahead costs at each size (it follows the open tickets whose deadline it may move).
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the app's packages, from the repository root

import azure.functions as func
from azure.core.exceptions import ServiceResponseError
from azure.data.tables import TableClient, TableServiceClient

from benchmarks.harness import TRANSACTION_LIMIT, CountingTransport, counting_service
from devhost.azurite import ensure_azurite
from devhost.local_identity import local_auth_environment, mint_token
from functions import dependencies, screen, tickets, views
from shared.adapters.storage import DEVELOPMENT_STORAGE, azurite_connection_string, connection_string
from shared.adapters.storage_layout import (
    CLOSURES_TABLE,
    CONSOLE_VIEWS_TABLE,
    STAFF_TABLE,
    TABLES,
    TICKET_IDS_TABLE,
    TICKETS_TABLE,
)
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.tickets import _inverted as inverted_number  # the numbering's own row layout
from shared.adapters.stores.tickets import _ticket_entity as ticket_row  # the ticket's own row layout
from shared.adapters.stores.views import index_entity, placement_entity
from shared.config.app import settings
from shared.domain.customers import Contact, Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Role, Status
from shared.domain.sla.calendar import SlaCalendar, default_calendar
from shared.domain.sla.clock import ClockEvent, clock_state
from shared.domain.sla.policy import Category, Clock, Priority, SlaPolicy
from shared.domain.ticket import Channel, Ticket, format_ticket_id
from shared.domain.views import SUPPORTED_FILTERS, View
from shared.usecases.view_records import Placement
from shared.usecases.views import ViewKeeper

CUSTOMERS = 200
OPERATORS = tuple(f"op-{number}@desk.example" for number in range(5))
TICKET_PREFIX = "BENCH"
MAX_READS_PER_PAGE = 2
PAGE_LIMIT = "50"
AZURITE_HEAP_MB = 8192  # 100,000 tickets and their index rows, in the emulator's memory

Handler = Callable[[func.HttpRequest], func.HttpResponse]


# --- the desk seeded ---------------------------------------------------------------------------------


def customer_id(number: int) -> str:
    return f"bench-{number:03d}"


def status_of(number: int) -> Status:
    """The status of ticket ``number``: of each 1,000, 30 new, 15 accepted, 5 waiting, 150
    resolved, the rest closed (spread, so that every size has the same mix)."""
    share = (number * 7919) % 1000
    if share < 30:
        return Status.NEW
    if share < 45:
        return Status.ACCEPTED
    if share < 50:
        return Status.WAITING_CUSTOMER
    return Status.RESOLVED if share < 200 else Status.CLOSED


def seeded_ticket(number: int, now: datetime, calendar: SlaCalendar, policy: SlaPolicy) -> Ticket:
    """Ticket ``number`` as the desk would hold it: an open one opened in the last two weeks, a
    done one in the last two years; its SLA ledger as its status says."""
    status = status_of(number)
    category = Category.VULNERABILITY if number % 50 == 0 else (Category.BUG, Category.HELPDESK)[number % 2]
    priority = policy.effective_priority(category, Priority(1 + number % 4))
    age = timedelta(minutes=(number * 37) % (14 * 24 * 60)) if status.is_open else timedelta(days=number % 730)
    opened = now - age - timedelta(minutes=1)
    clocks = [ClockEvent.start(clock, opened, policy.budget(calendar, clock, priority, opened)) for clock in Clock]
    later = opened + (now - opened) / 2
    if status is not Status.NEW:
        clocks.append(clock_state(Clock.TAKE_CHARGE, clocks, calendar, later).stop_event(later))
    if status is Status.WAITING_CUSTOMER:
        clocks.append(ClockEvent.pause(Clock.RESOLUTION, later, "waiting_customer"))
    if not status.is_open:
        clocks.append(clock_state(Clock.RESOLUTION, clocks, calendar, later).stop_event(later))
    owner = None if status is Status.NEW else OPERATORS[number % len(OPERATORS)]
    customer = customer_id(number % CUSTOMERS)
    return Ticket(
        id=format_ticket_id(TICKET_PREFIX, now.year, number),
        customer_id=customer,
        contact_email=f"anna@{customer}.example",
        contact_name="Anna Bianchi",
        subject=f"Request {number}: the invoicing module stops",
        description="The invoicing module stops at the second page.",
        category=category,
        priority=priority,
        status=status,
        language=(Language.ITALIAN, Language.ENGLISH)[number % 2],
        channel=Channel.EMAIL,
        assignee=owner,
        assignee_name=None if owner is None else owner.split("@")[0],
        created_at=opened,
        updated_at=later if status is not Status.NEW else opened,
        created_by=f"anna@{customer}.example",
        clocks=tuple(clocks),
        customer_name=f"Customer {customer}",
        revision=1 if status is Status.NEW else 3,
        event_count=1 if status is Status.NEW else 3,
    )


def batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """``rows`` as transactions of up to 100 upserts of one partition."""
    by_partition: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        by_partition[row["PartitionKey"]].append(("upsert", row))
    for operations in by_partition.values():
        for start in range(0, len(operations), TRANSACTION_LIMIT):
            yield operations[start : start + TRANSACTION_LIMIT]


def upsert(table: TableClient, operations: list[tuple[str, dict[str, Any]]]) -> None:
    """Submit a transaction of upserts, again when the connection it went on had been closed
    (a pooled connection the emulator dropped while the rows were being built; the SDK does not
    retry a POST, and upserts can be sent twice)."""
    for attempt in range(3):
        try:
            table.submit_transaction(operations)
        except ServiceResponseError:
            if attempt == 2:
                raise
        else:
            return


def seed(service: TableServiceClient, numbers: range, keeper: ViewKeeper, threads: int) -> tuple[int, float]:
    """Write tickets ``numbers`` with their number claims and their view index rows; the rows
    written and the seconds it took."""
    began = time.perf_counter()
    now = keeper.now()
    calendar, policy = keeper.calendar(), dependencies.policy()
    written: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for number in numbers:
        ticket = seeded_ticket(number, now, calendar, policy)
        written[TICKETS_TABLE].append(ticket_row(ticket))
        claim = {"PartitionKey": f"{TICKET_PREFIX}-{now.year}", "RowKey": inverted_number(number)}
        written[TICKET_IDS_TABLE].append(claim | {"CustomerId": ticket.customer_id})
        unread = ticket.status is Status.NEW  # a new ticket is its customer's request, never opened
        rows = keeper.rows(ticket, unread=unread)
        written[CONSOLE_VIEWS_TABLE] += [index_entity(key, row) for key, row in rows.items()]
        placement = Placement(ticket.customer_id, ticket.id, ticket.revision, frozenset(rows), unread)
        written[CONSOLE_VIEWS_TABLE].append(placement_entity(placement))
    work = [(name, batch) for name, rows in written.items() for batch in batches(rows)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda item: upsert(service.get_table_client(item[0]), item[1]), work))
    return sum(len(rows) for rows in written.values()), time.perf_counter() - began


# --- measuring ---------------------------------------------------------------------------------------


@dataclass
class Measured:
    """One call, repeated: per repetition the view index's requests, the others (the calendar's and
    the directory's cached reads left out), and the wall time."""

    name: str
    index_requests: list[int] = field(default_factory=list)
    other_requests: list[int] = field(default_factory=list)
    millis: list[float] = field(default_factory=list)

    def counts(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(sorted(set(self.index_requests))), tuple(sorted(set(self.other_requests)))

    def line(self) -> str:
        p50 = statistics.median(self.millis)
        p95 = statistics.quantiles(self.millis, n=20)[-1] if len(self.millis) > 1 else p50
        index, other = self.counts()
        counted = f"index {_shown(index):>5}  other {_shown(other):>5}"
        return f"  {self.name:<58} {counted}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"


def _shown(values: tuple[int, ...]) -> str:
    return "/".join(str(value) for value in values)


def call(transport: CountingTransport, handler: Handler, request: func.HttpRequest, measured: Measured) -> None:
    before = len(transport.sent)
    began = time.perf_counter()
    answer = handler(request)
    millis = (time.perf_counter() - began) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"{measured.name}: {answer.status_code} {answer.get_body()[:300]!r}")
    sent = [request for request in transport.sent[before:] if request.table not in (CLOSURES_TABLE, STAFF_TABLE)]
    measured.index_requests.append(sum(1 for request in sent if request.table == CONSOLE_VIEWS_TABLE))
    measured.other_requests.append(sum(1 for request in sent if request.table != CONSOLE_VIEWS_TABLE))
    measured.millis.append(millis)


def request(path: str, token: str, route: dict[str, str], params: dict[str, str]) -> func.HttpRequest:
    return func.HttpRequest(
        "GET",
        f"http://127.0.0.1:7071/api/{path}",
        headers={"Authorization": f"Bearer {token}"},
        params=params,
        route_params=route,
        body=b"",
    )


def callers(root: Path) -> dict[str, tuple[str, tuple[View, ...]]]:
    """Who reads which views: a name, a token and the views its roles may read."""
    staff = {
        "operator": ([Role.OPERATOR], OPERATORS[0], (View.QUEUE, View.MINE, View.WAITING, View.AT_RISK)),
        "supervisor": ([Role.SUPERVISOR], "sue@desk.example", (View.WAITING, View.AT_RISK, View.ALL_OPEN)),
        "security": ([Role.SECURITY, Role.OPERATOR], OPERATORS[1], (View.QUEUE, View.AT_RISK, View.VULNERABILITIES)),
        "security supervisor": ([Role.SECURITY, Role.SUPERVISOR], "sam@desk.example", (View.VULNERABILITIES,)),
    }
    return {
        name: (mint_token([role.value for role in roles], subject=handle, root=root), chosen)
        for name, (roles, handle, chosen) in staff.items()
    }


FILTER_VALUES = {"customer": customer_id(0), "priority": "2", "category": "bug", "status": "accepted"}


def measure(transport: CountingTransport, root: Path, repetitions: int, screen_ticket: str) -> list[Measured]:
    """Every view page of every caller, sort and supported filter, and the ticket screen."""
    results: list[Measured] = []
    for name, (token, chosen) in callers(root).items():
        for view, sort in itertools.product(chosen, ("deadline", "activity")):
            filters = [None, *sorted(SUPPORTED_FILTERS[view])]
            for wanted in filters:
                params = {"sort": sort, "limit": PAGE_LIMIT}
                if wanted is not None:
                    params[wanted] = FILTER_VALUES[wanted]
                label = f"{view.value} ({name}), sort={sort}" + (f", {wanted}={params[wanted]}" if wanted else "")
                measured = Measured(label)
                page = request(f"views/{view.value}", token, {"view": view.value}, params)
                views.view_page(page)  # warm-up: the calendar and the directory cached
                for _ in range(repetitions):
                    call(transport, views.view_page, page, measured)
                results.append(measured)
    operator = mint_token([Role.OPERATOR.value], subject=OPERATORS[screen_ticket_owner_index()], root=root)
    for label, handler, path in (
        ("GET /api/tickets/{id} (the assignee)", tickets.get_ticket, f"tickets/{screen_ticket}"),
        (SCREEN_CALL, screen.ticket_screen, f"tickets/{screen_ticket}/screen"),
    ):
        measured = Measured(label)
        read = request(path, operator, {"id": screen_ticket}, {})
        handler(read)  # warm-up: the ticket located
        for _ in range(repetitions):
            call(transport, handler, read, measured)
        results.append(measured)
    return results


#: The console's ticket screen, one call: at most 4 reads of the ticket's storage and the audit
#: write (docs/console.md, "What it costs"); the view index's placement read counted apart.
SCREEN_CALL = "GET /api/tickets/{id}/screen (the assignee)"
SCREEN_MAX_REQUESTS = 5


def screen_ticket_owner_index() -> int:
    return SCREEN_TICKET % len(OPERATORS)


def first_accepted(limit: int) -> int:
    return next(number for number in range(1, limit) if status_of(number) is Status.ACCEPTED)


SCREEN_TICKET = first_accepted(1000)


def measure_rekey(transport: CountingTransport, keeper: ViewKeeper) -> str:
    """The re-key of a closure two weeks ahead (then withdrawn, so each size starts alike)."""
    first_day = (keeper.now() + timedelta(days=14)).date()
    before, began = len(transport.sent), time.perf_counter()
    usual = keeper.calendar
    closed = default_calendar(closures=[(first_day, first_day + timedelta(days=6))])
    keeper.calendar = lambda: closed
    read = keeper.rekey(first_day)
    seconds = time.perf_counter() - began
    sent = len(transport.sent) - before
    keeper.calendar = usual
    keeper.rekey(first_day)
    per = sent / read if read else 0.0
    return (
        f"  re-key after a closure from {first_day}: {read} open tickets due after it, {sent} requests "
        f"({per:.1f} a ticket), {seconds:.1f} s"
    )


# --- the run -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000], help="tickets, in order")
    parser.add_argument("--repetitions", type=int, default=10, help="calls per page and size (default 10)")
    parser.add_argument("--threads", type=int, default=8, help="threads that seed (default 8)")
    args = parser.parse_args()
    if sorted(args.sizes) != args.sizes or args.sizes[0] < 1000:
        parser.error("sizes must grow, from at least 1,000")

    os.environ.setdefault("NODE_OPTIONS", f"--max-old-space-size={AZURITE_HEAP_MB}")  # the Azurite it starts
    with (
        tempfile.TemporaryDirectory() as scratch,
        ensure_azurite(Path(scratch) / "azurite", in_memory=True) as started,
    ):
        if not started:
            print("bench_console writes 100,000 tickets: it needs an Azurite of its own; stop the one listening.")
            return 2
        root = Path(scratch)
        os.environ.update(
            TABLES_CONNECTION_STRING=DEVELOPMENT_STORAGE,
            TICKET_PREFIX=TICKET_PREFIX,
            **local_auth_environment(root),
            MAIL_SENDER_KIND="file",
            MAIL_DROP_DIR=str(root / "mail"),
            MAIL_REPLY_TOKEN_KEY=secrets.token_urlsafe(32),
            SUPPORT_TEAM_ADDRESS="team@desk.example",
        )
        service = TableServiceClient.from_connection_string(azurite_connection_string())
        for table in TABLES:
            service.create_table_if_not_exists(table)
        registry = CustomerRegistry(service)
        for number in range(CUSTOMERS):
            identifier = customer_id(number)
            contact = Contact(f"anna@{identifier}.example", "Anna Bianchi")
            registry.put(
                Customer(
                    id=identifier,
                    name=f"Customer {identifier}",
                    entitled=True,
                    email_domains=(f"{identifier}.example",),
                    contacts=(contact,),
                    language=Language.ITALIAN,
                )
            )
        dependencies.forget()
        table_settings = settings().tables
        client, transport = counting_service(
            connection_string(table_settings.connection_string or ""), table_settings.timeout_seconds
        )
        dependencies.tables = lambda: client
        keeper = dependencies.view_keeper()
        screen_ticket = format_ticket_id(TICKET_PREFIX, datetime.now(UTC).year, SCREEN_TICKET)

        by_size: dict[int, list[Measured]] = {}
        seeded = 1
        for size in args.sizes:
            try:
                rows, seconds = seed(service, range(seeded, size + 1), keeper, args.threads)
            except Exception:
                log = Path(scratch) / "azurite" / "azurite.log"
                print(log.read_text(errors="replace")[-3000:] if log.is_file() else "no Azurite log")
                raise
            print(f"Seeded {size - seeded + 1:,} tickets ({rows:,} rows) in {seconds:.1f} s; {size:,} in all")
            seeded = size + 1
            by_size[size] = measure(transport, root, args.repetitions, screen_ticket)
            print(
                f"At {size:,} tickets over {CUSTOMERS} customers ({args.repetitions} calls each, limit {PAGE_LIMIT}):"
            )
            for measured in by_size[size]:
                print(measured.line())
            print(measure_rekey(transport, keeper))
            print()
        return verdict(by_size)


def verdict(by_size: dict[int, list[Measured]]) -> int:
    """0 when every call's requests are the same at every size and each view page read the index
    at most twice; else 1, with what failed."""
    failures: list[str] = []
    sizes = list(by_size)
    for position, measured in enumerate(by_size[sizes[0]]):
        counts = {size: by_size[size][position].counts() for size in sizes}
        if len(set(counts.values())) != 1:
            failures.append(f"{measured.name}: requests differ by size {counts}")
        if measured.name == SCREEN_CALL:
            worst = max(max(by_size[size][position].other_requests) for size in sizes)
            if worst > SCREEN_MAX_REQUESTS:
                failures.append(f"{measured.name}: {worst} requests, more than {SCREEN_MAX_REQUESTS}")
        if measured.name.startswith("GET /api/tickets"):
            continue
        if max(max(by_size[size][position].index_requests) for size in sizes) > MAX_READS_PER_PAGE:
            failures.append(f"{measured.name}: more than {MAX_READS_PER_PAGE} reads of the index")
    for failure in failures:
        print(f"FAIL {failure}")
    if not failures:
        print(
            f"PASS every call sent the same requests at {', '.join(f'{size:,}' for size in sizes)} tickets; "
            f"no view page read the index more than {MAX_READS_PER_PAGE} times"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
