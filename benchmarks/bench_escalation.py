"""Benchmark of the escalation sweep against Azurite: one sweep's storage requests and time with 100,
10,000 and 50,000 open tickets and the same 50 checkpoints due.

Run from the repository root: ``python benchmarks/bench_escalation.py [--repetitions R] [--threads T]
[--app-table]``. Target (the issue's): the sweep's cost does not grow with the number of open
tickets. It is gated on requests: the exit status is non-zero when a sweep among 50,000 open tickets
sends other requests, table by table, than a sweep among 100 (time is reported, not gated). Then it
measures a re-plan after a closure is withdrawn, with 100 and 10,000 open tickets
(benchmarks/escalation_replan.py, whose targets also gate the exit status).

What is swept: ``shared.usecases.escalator.sweep`` on the desk built as tests/integration/test_escalation.py
builds it (the stores over one Table client, a ``Notifier`` whose ``Dispatcher`` hands mail to a
counter in memory, the schedule, supervisors and management addresses), on a clock the run sets.
Each repetition opens 50 real P1 bugs through the desk at OPENED, moves the clock to SWEEP_AT (45
working minutes later: level 1 of a P1's hour to take charge) and sweeps: each of the 50 take-charge
checkpoints is due and escalates, its mail goes out, its next checkpoints are planned. The rows the
50 tickets leave in the schedule are then deleted, so that every repetition finds the same rows.

The other open tickets matter to the sweep only through their checkpoint rows in future buckets
(the sweep reads the due buckets only): they are planted directly, two per ticket (both clocks of a
bug run), in the schedule's own row layout, in transactions of up to 100 rows of one ``due|<hour>``
partition, due at random working instants of the 160 working hours after SWEEP_AT (four weeks).

The schedule's table: by default one of the run's own (``BenchEscalations<hex>``, dropped at the
end), handed to the schedule where the app asks for ``Escalations``. A sweep reads every due
checkpoint of its table up to its instant, whenever planted: in a shared Azurite the app's table
keeps the checkpoints other runs of the tests left behind (2026 instants), which a sweep a year
later would escalate, and a sweep at an instant before them would leave the run's 100,000 rows due
for everybody else's sweeps. ``--app-table`` measures in the app's ``Escalations``; before every
sweep the run checks that the checkpoints due up to SWEEP_AT are exactly its 50, and stops
otherwise.

What is counted: every HTTP request the desk's Table client puts on the wire during the sweep,
retry attempts included (benchmarks/harness.py), by table; retries are attempts that share a call's
``x-ms-client-request-id``. Time: perf_counter around the sweep; the due query's own time is the
transport's, until its answer's headers. It uses the Azurite listening on the usual ports, or
starts one for the run; what it wrote into an Azurite it did not start is deleted at the end.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the app's packages, from the repository root

from azure.data.tables import TableClient, TableServiceClient

from benchmarks import escalation_replan
from benchmarks.harness import (
    TRANSACTION_LIMIT,
    CountingTransport,
    EscalationsAs,
    SentRequest,
    bench_customer,
    counting_service,
    delete_rows,
)
from benchmarks.harness import Clock as RunClock
from devhost.azurite import ensure_azurite
from shared.adapters.language_detection import detect_language
from shared.adapters.mail.render import render
from shared.adapters.storage import azurite_connection_string
from shared.adapters.storage_layout import (
    ADDRESSES_TABLE,
    AUDIT_TABLE,
    CUSTOMERS_TABLE,
    ESCALATIONS_TABLE,
    OUTBOX_INDEX_TABLE,
    TABLES,
    TICKET_IDS_TABLE,
    TICKETS_TABLE,
)
from shared.adapters.stores.audit import AuditTrail
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.outbox import OutboxStore
from shared.adapters.stores.schedule import EscalationSchedule
from shared.adapters.stores.schedule import _row as schedule_row  # the schedule's own row layout, as plan writes it
from shared.adapters.stores.tickets import TicketStore
from shared.domain.access import Principal
from shared.domain.customers import Customer
from shared.domain.lifecycle import Role
from shared.domain.outgoing_mail import OutgoingMail
from shared.domain.sla.calendar import SlaCalendar, default_calendar
from shared.domain.sla.escalation import DEFAULT_MATRIX, Checkpoint
from shared.domain.sla.policy import Category, Clock, Priority, SlaPolicy
from shared.domain.ticket import format_ticket_id
from shared.usecases.desk import Desk, EscalationPolicy, NewTicket
from shared.usecases.dispatch import Dispatcher, MailIdentity
from shared.usecases.escalator import SweepReport, sweep
from shared.usecases.notifier import Notifier
from tests.run_storage import ROOMY

ROME = ZoneInfo("Europe/Rome")
OPENED = datetime(2027, 11, 22, 10, 0, tzinfo=ROME)  # a Monday, a year after the tests' 2026-11/12 instants
SWEEP_AT = datetime(2027, 11, 22, 10, 45, tzinfo=ROME)  # 45 working minutes: level 1 (75%) of a P1's hour
HORIZON_MINUTES = 160 * 60  # the planted checkpoints fall in the 160 working hours after SWEEP_AT
OPEN_TICKETS = (100, 10_000, 50_000)
DUE = 50  # tickets whose take-charge checkpoint is due at SWEEP_AT, the same in every scenario
ROWS_PER_TICKET = len(Clock)  # a bug runs both clocks: one checkpoint each
TICKET_PREFIX = "ESCB"  # the due tickets' numbering of their own (TicketIds partition ESCB-<year>)
PLANTED_PREFIX = "PLANT"  # the planted tickets' ids (no ticket row: the sweep never reaches them)
TEAM_ADDRESS = "team@desk.example"
STORAGE_TIMEOUT = 5.0  # seconds, the app's default STORAGE_TIMEOUT_SECONDS
SHOWN_TABLES = (ESCALATIONS_TABLE, TICKETS_TABLE, OUTBOX_INDEX_TABLE, AUDIT_TABLE)


class MailCounter:
    """A sender that only counts the mails it is handed."""

    def __init__(self) -> None:
        self.count = 0

    def send(self, mail: OutgoingMail) -> None:
        """Count ``mail``."""
        self.count += 1


@dataclass(frozen=True)
class Swept:
    """One measured sweep: what it reported, the requests it sent, its wall time."""

    report: SweepReport
    requests: tuple[SentRequest, ...]
    seconds: float


@dataclass
class Scenario:
    """The sweeps among ``open_tickets`` open tickets, with ``rows`` of the run in the schedule."""

    open_tickets: int
    rows: int
    sweeps: list[Swept] = field(default_factory=list)


@dataclass
class Bench:
    """The desk over the counting client, the schedule's table (a plain client, for planting,
    checking and deleting), the run's customer, clock and mail counter, and the tickets opened."""

    desk: Desk
    table: str
    escalations: TableClient
    due_check: EscalationSchedule
    transport: CountingTransport
    clock: RunClock
    service: TableServiceClient
    calendar: SlaCalendar
    customer: Customer
    caller: Principal
    mails: MailCounter
    threads: int
    opened: list[str] = field(default_factory=list)

    def table_of(self, request: SentRequest) -> str:
        """The table ``request`` addressed, the run's schedule table named ``Escalations``."""
        return ESCALATIONS_TABLE if request.table == self.table else request.table


# --- planting and checking ---------------------------------------------------------------------------


def plant(bench: Bench, first: int, tickets: int) -> int:
    """Write the checkpoints of ``tickets`` open tickets numbered from ``first``, none due at
    SWEEP_AT, in transactions of up to 100 rows of one partition; the number of rows written."""
    rng = random.Random(first)
    by_partition: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for number in range(first, first + tickets):
        ticket_id = format_ticket_id(PLANTED_PREFIX, OPENED.year, number)
        for clock in Clock:
            due = bench.calendar.add_working_time(SWEEP_AT, timedelta(minutes=rng.randint(1, HORIZON_MINUTES)))
            level = rng.choice(DEFAULT_MATRIX.levels)
            row = schedule_row(Checkpoint(bench.customer.id, ticket_id, clock, level, due))
            by_partition[row["PartitionKey"]].append(("create", row))
    batches = [
        operations[at : at + TRANSACTION_LIMIT]
        for operations in by_partition.values()
        for at in range(0, len(operations), TRANSACTION_LIMIT)
    ]
    with ThreadPoolExecutor(bench.threads) as pool:
        list(pool.map(bench.escalations.submit_transaction, batches))
    return sum(len(batch) for batch in batches)


def rows_of_run(bench: Bench) -> int:
    """The run's rows in the schedule (all of them due or in future buckets)."""
    rows = bench.escalations.query_entities(
        "CustomerId eq @id", parameters={"id": bench.customer.id}, select=["RowKey"]
    )
    return sum(1 for _ in rows)


def open_due_tickets(bench: Bench) -> list[str]:
    """Open DUE P1 bugs as the customer at OPENED; their ids."""
    bench.clock.at = OPENED
    request = NewTicket(
        subject="The document manager is down",
        description="Since this morning nobody in the office can open the document manager.",
        customer_id=bench.customer.id,
        contact_email=bench.customer.contacts[0].email,
        category=Category.BUG,
        priority=Priority.BLOCKING,
    )
    ids = [bench.desk.open(bench.caller, request).ticket.id for _ in range(DUE)]
    bench.opened += ids
    return ids


def check_due(bench: Bench, ticket_ids: Sequence[str]) -> None:
    """Raise RuntimeError unless the checkpoints due at SWEEP_AT in the schedule's table are exactly
    the take-charge level 1 of ``ticket_ids`` (anybody else's would be escalated by the sweep)."""
    due = bench.due_check.due(SWEEP_AT)
    foreign = [checkpoint for checkpoint in due if checkpoint.customer_id != bench.customer.id]
    if foreign:
        raise RuntimeError(
            f"{len(foreign)} checkpoints of others are due at {SWEEP_AT} in table {bench.table} "
            f"(first: {foreign[0]}): the run does not sweep them"
        )
    found = sorted((checkpoint.ticket_id, checkpoint.clock, checkpoint.level) for checkpoint in due)
    if found != sorted((ticket_id, Clock.TAKE_CHARGE, 1) for ticket_id in ticket_ids):
        raise RuntimeError(f"due at {SWEEP_AT}: {found}, not the take-charge level 1 of the {DUE} tickets opened")


def forget_due_tickets(bench: Bench) -> None:
    """Delete the checkpoints the swept tickets planned next, so the next repetition finds the same rows."""
    deleted = delete_rows(
        bench.escalations,
        "CustomerId eq @id and TicketId ge @first and TicketId lt @last",
        {"id": bench.customer.id, "first": f"{TICKET_PREFIX}-", "last": f"{TICKET_PREFIX}."},
        bench.threads,
    )
    if deleted != DUE * ROWS_PER_TICKET:
        raise RuntimeError(f"the swept tickets left {deleted} checkpoints, {DUE * ROWS_PER_TICKET} expected")


# --- measuring ---------------------------------------------------------------------------------------


def sweep_once(bench: Bench) -> Swept:
    """Open the due tickets, check what is due, sweep at SWEEP_AT (measured), check every ticket
    escalated once with its mail, and delete the checkpoints the tickets planned next."""
    ticket_ids = open_due_tickets(bench)
    check_due(bench, ticket_ids)
    bench.clock.at = SWEEP_AT
    schedule = bench.desk.schedule
    if schedule is None:
        raise RuntimeError("the desk has no schedule")
    first, mails = len(bench.transport.sent), bench.mails.count
    began = time.perf_counter()
    report = sweep(bench.desk, schedule, SWEEP_AT)
    seconds = time.perf_counter() - began
    swept = Swept(report, tuple(bench.transport.sent[first:]), seconds)
    if report != SweepReport(DUE, DUE, 0, 0, 0) or bench.mails.count - mails != DUE:
        raise RuntimeError(f"the sweep reported {report} and sent {bench.mails.count - mails} mails, {DUE} expected")
    forget_due_tickets(bench)
    return swept


def measure(bench: Bench, repetitions: int) -> tuple[list[Scenario], list[tuple[int, int, float]]]:
    """Sweep ``repetitions`` times at each size of OPEN_TICKETS (after one warm-up sweep), planting
    the open tickets' checkpoints up to each size first; the scenarios, and per size the tickets
    planted, the rows written and the seconds planting took."""
    sweep_once(bench)  # warm-up of the connections and code paths, not measured
    scenarios: list[Scenario] = []
    planting: list[tuple[int, int, float]] = []
    planted = 0
    for open_tickets in OPEN_TICKETS:
        began = time.perf_counter()
        written = plant(bench, planted + 1, open_tickets - DUE - planted)
        planting.append((open_tickets - DUE - planted, written, time.perf_counter() - began))
        planted = open_tickets - DUE
        rows = rows_of_run(bench)
        if rows != planted * ROWS_PER_TICKET:
            raise RuntimeError(f"{rows} rows of the run in the schedule, {planted * ROWS_PER_TICKET} planted")
        scenario = Scenario(open_tickets, rows + DUE * ROWS_PER_TICKET)
        scenario.sweeps += [sweep_once(bench) for _ in range(repetitions)]
        scenarios.append(scenario)
    return scenarios, planting


# --- reporting ---------------------------------------------------------------------------------------


def by_table(bench: Bench, swept: Swept) -> tuple[tuple[str, int], ...]:
    """The sweep's requests per table, sorted by table."""
    return tuple(sorted(Counter(bench.table_of(request) for request in swept.requests).items()))


def median_count(values: Sequence[int]) -> int:
    """The median of whole counts (the lower middle one)."""
    return int(statistics.median_low(values))


def due_query_millis(bench: Bench, swept: Swept) -> float:
    """The transport's time of the sweep's due query(ies), in ms."""
    queries = [
        request
        for request in swept.requests
        if bench.table_of(request) == ESCALATIONS_TABLE and request.method == "GET" and request.row_key is None
    ]
    return sum(request.seconds for request in queries) * 1e3


def breakdown(bench: Bench, swept: Swept) -> str:
    """``GET Tickets 1.00, $batch Tickets 1.00, …``: each kind of request per escalated ticket."""
    counts = Counter(request.label.replace(bench.table, ESCALATIONS_TABLE) for request in swept.requests)
    return ", ".join(f"{label} {count / swept.report.escalated:.2f}" for label, count in counts.items())


def print_report(bench: Bench, scenarios: list[Scenario]) -> bool:
    """The table and the notes; whether the sweep among the most open tickets sent the same
    requests, table by table, in every repetition as the sweep among the fewest."""
    header = (
        f"{'open tickets':>12} {'rows':>7} {'due':>4} {'requests':>9} {'per ticket':>10} "
        + " ".join(f"{table:>11}" for table in SHOWN_TABLES)
        + f" {'other':>6} {'retries':>7} {'sweep p50 ms':>12} {'ms/ticket':>9} {'query p50 ms':>12}"
    )
    print(header)
    print("-" * len(header))
    for scenario in scenarios:
        sweeps = scenario.sweeps
        tables = [dict(by_table(bench, swept)) for swept in sweeps]
        shown = [median_count([counts.get(table, 0) for counts in tables]) for table in SHOWN_TABLES]
        other = median_count([sum(n for t, n in counts.items() if t not in SHOWN_TABLES) for counts in tables])
        requests = median_count([len(swept.requests) for swept in sweeps])
        retries = sum(len(swept.requests) - len({request.call_id for request in swept.requests}) for swept in sweeps)
        millis = statistics.median(swept.seconds * 1e3 for swept in sweeps)
        query = statistics.median(due_query_millis(bench, swept) for swept in sweeps)
        print(
            f"{scenario.open_tickets:>12,} {scenario.rows:>7,} {DUE:>4} {requests:>9} {requests / DUE:>10.2f} "
            + " ".join(f"{count:>11}" for count in shown)
            + f" {other:>6} {retries:>7} {millis:>12.1f} {millis / DUE:>9.2f} {query:>12.1f}"
        )
    print()
    print("Requests per escalated ticket, by kind (first repetition); each sweep's requests and time:")
    for scenario in scenarios:
        totals = ", ".join(f"{len(swept.requests)} in {swept.seconds * 1e3:.0f} ms" for swept in scenario.sweeps)
        print(f"  {scenario.open_tickets:>6,} open: {breakdown(bench, scenario.sweeps[0])}; per sweep: {totals}")
    fewest, most = scenarios[0], scenarios[-1]
    signatures = {by_table(bench, swept) for swept in fewest.sweeps + most.sweeps}
    same = len(signatures) == 1
    print()
    print(
        f"{'PASS' if same else 'FAIL'}: the requests of a sweep at {most.open_tickets:,} open tickets "
        f"{'==' if same else '!='} at {fewest.open_tickets:,} (same {DUE} due), table by table, in every repetition"
    )
    return same


# --- cleaning up -------------------------------------------------------------------------------------


def clean_up(plain: TableServiceClient, bench: Bench, watermark: datetime | None) -> int:
    """Delete what the run wrote: the schedule's table it made, or its rows in ``Escalations`` (and
    the watermark back as it was, unless a later sweep moved it); the customer's tickets, history
    and notifications, id claims, addresses, record and outbox index rows; the audit records of
    its tickets (the escalations'). The number of rows deleted (a dropped table's not counted)."""
    customer_id = bench.customer.id
    by_customer = {"id": customer_id}
    deleted = 0
    if bench.table == ESCALATIONS_TABLE:
        deleted += delete_rows(bench.escalations, "CustomerId eq @id", by_customer, bench.threads)
        if bench.due_check.watermark() == SWEEP_AT:
            if watermark is None:
                bench.escalations.delete_entity("watermark", "sweep")
            else:
                bench.due_check.advance_watermark(watermark)
    else:
        plain.delete_table(bench.table)
    deletions = (
        (TICKETS_TABLE, "PartitionKey eq @id", by_customer),
        (TICKET_IDS_TABLE, "CustomerId eq @id", by_customer),
        (ADDRESSES_TABLE, "CustomerId eq @id", by_customer),
        (CUSTOMERS_TABLE, "PartitionKey eq 'customer' and RowKey eq @id", by_customer),
        (
            OUTBOX_INDEX_TABLE,
            "RowKey ge @first and RowKey lt @last",
            {"first": f"{customer_id}|", "last": f"{customer_id}}}"},
        ),
    )
    deleted += sum(delete_rows(plain.get_table_client(name), q, p, bench.threads) for name, q, p in deletions)
    audit = plain.get_table_client(AUDIT_TABLE)
    with ThreadPoolExecutor(bench.threads) as pool:
        deleted += sum(
            pool.map(lambda ticket_id: delete_rows(audit, "PartitionKey eq @id", {"id": ticket_id}, 1), bench.opened)
        )
    return deleted


# --- the run -----------------------------------------------------------------------------------------


def build(plain: TableServiceClient, table: str, threads: int, suffix: str) -> Bench:
    """The run's customer (written through ``plain``), and the escalating desk over a counting client."""
    customer = bench_customer(plain, suffix)
    contact = customer.contacts[0].email
    service, transport = counting_service(azurite_connection_string(), STORAGE_TIMEOUT)
    calendar = default_calendar()
    clock = RunClock(OPENED)
    mails = MailCounter()
    outbox = OutboxStore(service)
    identity = MailIdentity(
        "donotreply@desk.example", "Support", "support@desk.example", secrets.token_bytes(32), "desk.example"
    )
    budget = MailBudgetStore(service, ROOMY, name=f"{customer.id}|budget")  # the run's own, in clean_up's range
    dispatcher = Dispatcher(outbox, mails, render, identity, clock, budget)
    desk = Desk(
        tickets=TicketStore(service),
        customers=CustomerRegistry(service),
        audit=AuditTrail(service),
        calendar=lambda: calendar,
        policy=SlaPolicy(),
        now=clock,
        detect_language=detect_language,
        ticket_prefix=TICKET_PREFIX,
        notifier=Notifier(outbox, dispatcher, TEAM_ADDRESS, None),
        schedule=EscalationSchedule(EscalationsAs(service, table)),
        escalation=EscalationPolicy(supervisors="supervisors@desk.example", management="management@desk.example"),
    )
    return Bench(
        desk=desk,
        table=table,
        escalations=plain.get_table_client(table),
        due_check=EscalationSchedule(EscalationsAs(plain, table)),
        transport=transport,
        clock=clock,
        service=service,
        calendar=calendar,
        customer=customer,
        caller=Principal(contact, contact, "Anna", frozenset({Role.CUSTOMER}), customer.id),
        mails=mails,
        threads=threads,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=5, help="sweeps per size (default 5)")
    parser.add_argument("--threads", type=int, default=8, help="threads that plant and clean up (default 8)")
    parser.add_argument(
        "--app-table",
        action="store_true",
        help="sweep in the app's Escalations table (default: a table of the run's own, dropped at the end)",
    )
    args = parser.parse_args()
    if args.repetitions < 1:
        parser.error("need repetitions ≥ 1")

    with tempfile.TemporaryDirectory() as scratch, ensure_azurite(Path(scratch) / "azurite") as started:
        plain = TableServiceClient.from_connection_string(azurite_connection_string())
        for name in TABLES:
            plain.create_table_if_not_exists(name)
        suffix = uuid.uuid4().hex[:10]
        table = ESCALATIONS_TABLE if args.app_table else f"BenchEscalations{suffix}"
        plain.create_table_if_not_exists(table)
        bench = build(plain, table, args.threads, suffix)
        watermark = bench.due_check.watermark()
        print(f"Azurite: {'started for this run' if started else 'already listening (what the run writes is deleted)'}")
        print(
            f"python {sys.version.split()[0]}; shared.usecases.escalator.sweep on the desk driven directly; "
            f"schedule table "
            f"{table}; {DUE} P1 bugs opened {OPENED:%Y-%m-%d %H:%M %Z}, swept {SWEEP_AT:%H:%M}; "
            f"{args.repetitions} sweeps per size after one warm-up; time is perf_counter."
        )
        print()
        try:
            scenarios, planting = measure(bench, args.repetitions)
            replans = escalation_replan.measure(
                bench.desk, (plain, bench.service), bench.transport, suffix, (OPENED, SWEEP_AT)
            )
        finally:
            if not started:
                began = time.perf_counter()
                deleted = clean_up(plain, bench, watermark)
                dropped = "" if table == ESCALATIONS_TABLE else f" and dropped table {table}"
                print(f"Deleted the run's {deleted:,} rows{dropped} in {time.perf_counter() - began:.1f} s.")
        for tickets, rows, seconds in planting:
            print(
                f"Planted {rows:,} checkpoints of {tickets:,} open tickets in {seconds:.1f} s "
                f"({rows / seconds:,.0f} rows/s)."
            )
        print(f"Planting took {sum(seconds for _, _, seconds in planting):.1f} s in all.")
        print()
        swept_ok = print_report(bench, scenarios)
        print()
        return 0 if escalation_replan.print_report(replans) and swept_ok else 1


if __name__ == "__main__":
    sys.exit(main())
