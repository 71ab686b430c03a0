"""The re-plan part of ``bench_escalation.py``: a closure withdrawn with 100 and 10,000 open tickets.

What is measured: ``shared.usecases.replanning.replan_from`` after the closure WITHDRAWN (a week inside the
planted checkpoints' four weeks) is withdrawn, on the desk of ``bench_escalation`` (its counting
Table client) with a calendar without the closure. Each size has a schedule table of its own
(``BenchReplan<hex><size>``, dropped at the end) in which every open ticket has two checkpoints
(both clocks), planted as the desk plans them: planned at SWEEP_AT, by clocks started at OPENED,
due once a random working time left (up to 160 working hours) has elapsed on the calendar with the
closure. The planted tickets have no ticket row: a re-plan that read one would find it gone.

Targets: the re-plan sends no request to ``Tickets`` (every checkpoint was planned before the
closure, so the rows alone place them), and afterwards every checkpoint falls due where the
calendar without the closure puts it. Requests are counted on the wire (retry attempts included),
by kind; time is perf_counter around the re-plan.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from azure.data.tables import TableServiceClient

from benchmarks.harness import TRANSACTION_LIMIT, CountingTransport, EscalationsAs
from shared.adapters.storage_layout import ESCALATIONS_TABLE, TICKETS_TABLE
from shared.adapters.stores.schedule import EscalationSchedule
from shared.adapters.stores.schedule import _row as schedule_row  # the schedule's own row layout, as plan writes it
from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.escalation import DEFAULT_MATRIX, Checkpoint
from shared.domain.sla.policy import Clock
from shared.domain.ticket import format_ticket_id
from shared.usecases.desk import Desk
from shared.usecases.replanning import ReplanReport, replan_from

WITHDRAWN = (date(2027, 12, 6), date(2027, 12, 10))  # a week inside the planted checkpoints' four weeks
OPEN_TICKETS = (100, 10_000)
REPLAN_PREFIX = "REPL"  # the planted tickets' ids (no ticket row)


@dataclass(frozen=True)
class Replanned:
    """One measured re-plan: the size, its report, its requests by kind, its wall time, and whether
    every checkpoint fell due where the calendar without the closure puts it."""

    open_tickets: int
    report: ReplanReport
    requests: Counter[str]
    seconds: float
    placed: bool


def plant(plain: TableServiceClient, table: str, customer_id: str, tickets: int, at: tuple[datetime, datetime]) -> int:
    """Write two checkpoints for each of ``tickets`` open tickets into ``table`` (planned at
    ``at[1]`` by clocks started at ``at[0]``, on the calendar with the closure), in transactions of
    up to 100 rows of one bucket; the number of rows written."""
    opened, planned_at = at
    calendar = default_calendar(closures=[WITHDRAWN])
    rng = random.Random(tickets)
    by_partition: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for number in range(1, tickets + 1):
        ticket_id = format_ticket_id(REPLAN_PREFIX, opened.year, number)
        for clock in Clock:
            left = timedelta(minutes=rng.randint(1, 160 * 60))
            due = calendar.add_working_time(planned_at, left)
            level = rng.choice(DEFAULT_MATRIX.levels)
            row = schedule_row(Checkpoint(customer_id, ticket_id, clock, level, due, planned_at, left, opened))
            by_partition[row["PartitionKey"]].append(("create", row))
    batches = [
        operations[start : start + TRANSACTION_LIMIT]
        for operations in by_partition.values()
        for start in range(0, len(operations), TRANSACTION_LIMIT)
    ]
    client = plain.get_table_client(table)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(client.submit_transaction, batches))
    return sum(len(batch) for batch in batches)


def all_placed(schedule: EscalationSchedule, tickets: int, start: datetime) -> bool:
    """Whether the table holds exactly two checkpoints per ticket, each due where the calendar
    without the closure puts it."""
    calendar = default_calendar()
    rows = [stored.checkpoint for stored in schedule.planned_from(start - timedelta(days=1))]
    return len(rows) == 2 * tickets and all(
        row.planned_at is not None
        and row.left is not None
        and row.due == calendar.add_working_time(row.planned_at, row.left)
        for row in rows
    )


def measure(
    desk: Desk,
    services: tuple[TableServiceClient, TableServiceClient],
    transport: CountingTransport,
    suffix: str,
    at: tuple[datetime, datetime],
) -> list[Replanned]:
    """Plant and re-plan at each size of OPEN_TICKETS, each in a table of its own (dropped at the
    end): ``services`` are a plain client (planting, checking) and the counting one whose requests
    ``transport`` records (the re-plan); ``at`` is when the clocks started and the checkpoints were
    planned."""
    plain, counted = services
    without = default_calendar()
    customer_id = f"bench-{suffix}"
    results = []
    for tickets in OPEN_TICKETS:
        table = f"BenchReplan{suffix}{tickets}"
        plain.create_table_if_not_exists(table)
        try:
            plant(plain, table, customer_id, tickets, at)
            schedule = EscalationSchedule(EscalationsAs(counted, table))
            first = len(transport.sent)
            began = time.perf_counter()
            report = replan_from(replace(desk, schedule=schedule, calendar=lambda: without), schedule, *WITHDRAWN)
            seconds = time.perf_counter() - began
            kinds = Counter(request.label.replace(table, ESCALATIONS_TABLE) for request in transport.sent[first:])
            placed = all_placed(EscalationSchedule(EscalationsAs(plain, table)), tickets, at[1])
            results.append(Replanned(tickets, report, kinds, seconds, placed))
        finally:
            plain.delete_table(table)
    return results


def print_report(results: list[Replanned]) -> bool:
    """The table; whether every re-plan read no ticket and placed every checkpoint right."""
    print(
        f"Re-plan after the closure {WITHDRAWN[0]}–{WITHDRAWN[1]} is withdrawn (checkpoints planned before it, "
        "two per open ticket):"
    )
    header = (
        f"{'open tickets':>12} {'rows':>7} {'moved':>7} {'requests':>9} {'queries':>8} {'$batch':>7} "
        f"{'Tickets':>8} {'other':>6} {'re-plan ms':>10} {'placed':>7}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for result in results:
        queries = result.requests[f"GET {ESCALATIONS_TABLE}"]
        batches = result.requests[f"$batch {ESCALATIONS_TABLE}"]
        tickets = sum(n for kind, n in result.requests.items() if kind.endswith(f" {TICKETS_TABLE}"))
        total = sum(result.requests.values())
        print(
            f"{result.open_tickets:>12,} {result.report.read:>7,} {result.report.moved:>7,} {total:>9,} "
            f"{queries:>8,} {batches:>7,} {tickets:>8} {total - queries - batches - tickets:>6} "
            f"{result.seconds * 1e3:>10.0f} {'yes' if result.placed else 'NO':>7}"
        )
        ok = ok and result.placed and tickets == 0 and result.report.from_ledger == 0 and result.report.failed == 0
    print()
    print(
        f"{'PASS' if ok else 'FAIL'}: every re-plan read no ticket and left every checkpoint where the calendar "
        "without the closure puts it"
    )
    return ok
