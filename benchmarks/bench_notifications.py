"""Benchmark of outgoing notifications against Azurite: storage requests and time per mail, stage by stage.

Run from the repository root: ``python benchmarks/bench_notifications.py [--repetitions R] [--left-behind N]``.
It drives the desk directly (``shared.usecases.desk.Desk`` built as tests/integration/conftest.py builds it:
the stores over one Table client, a ``Notifier`` and a ``Dispatcher`` on a clock the run sets, mail
dropped as files into a temporary folder), not the HTTP handlers: token checks and JSON are
bench_api.py's, and only the desk lets the run stop the clock and crash a sender.

Stages of one notification:
  render    ``shared.adapters.mail.render.render`` of its kind, language and context (pure: no request);
  enqueue   its intent (one ``OutboxIndex`` transaction per change, shared by the change's mails); its
            row is the ticket store's, built for and carried by the ticket's transaction (no
            request of its own);
  dispatch  right after the commit: the read of its row, a token of the shared mail budget (a read
            and a conditional write of the budget's row), the claim (ETag), the send (a file drop;
            the dispatcher renders the mail again for it), the outcome, the delete of its intent.

Scenarios:
  customer mail  R tickets opened by their customer with no team address set: one ``received`` each;
  ticket walk    R tickets walked through open, accept, clarification, the customer's reply, resolve
                 and close with the team address set: the customer's receipt, acceptance, question,
                 resolution and closure and the team's news (the reply sends no mail);
  sweep          N tickets opened while the sender raises RuntimeError on each mail's first attempt
                 (a worker dying mid-send: the mail stays pending under its claim, its intent stays),
                 then the clock passes the lease and one ``Dispatcher.sweep`` recovers them.

What is counted: every HTTP request the Table client puts on the wire, retry attempts included, and
whose it is by the URLs it addresses (benchmarks/harness.py, as bench_api.py counts). The designed
counts are docs/outbox.md's: one intent transaction per change, then read, the budget's read and
write, claim, outcome and intent delete per mail; the sweep reads rows, claims, records and deletes
per mail, and per sweep adds its query (one per 1,000 intents), a look at the budget, one take for
as many tokens as the budget has (here all), and the budget's update at the end (the customer
served last). The budget is the run's own row, with limits the run never reaches. Time: perf_counter around
each stage; a change's enqueue time is shared equally among its mails; the sweep's time is one
figure, divided by the mails it recovered; "storage p50" is the part of a mail's time its requests
spent on the wire (a transaction's until its answer's headers: the SDK reads and parses the rest
afterwards, so building and parsing a ``$batch`` count outside it). What the rows add to the
ticket's transaction is not a stage of its own: the transaction is timed with them and in a
control run without a notifier.

The run's clock starts on EPOCH, a year before the tests' clock: a sweep takes every intent older
than its moment, so the run keeps its intents in minutes nobody else writes, and checks before it
sweeps that the intents it would touch are all its own. It uses the Azurite listening on the usual
ports, or starts one for the run; what it wrote into an Azurite it did not start is deleted at the
end. Nothing is gated: the exit status is non-zero only when the run itself fails.
"""

from __future__ import annotations

import argparse
import logging
import math
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the app's packages, from the repository root

from azure.data.tables import TableServiceClient

from benchmarks.harness import Clock, CountingTransport, SentRequest, bench_customer, clean_up, counting_service
from devhost.azurite import ensure_azurite
from shared.adapters.language_detection import detect_language
from shared.adapters.mail.render import render
from shared.adapters.mail.senders.file_drop import FileDropSender
from shared.adapters.storage import azurite_connection_string
from shared.adapters.storage_layout import TABLES, TICKETS_TABLE
from shared.adapters.stores.audit import AuditTrail
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.outbox import OutboxStore
from shared.adapters.stores.tickets import TicketStore
from shared.domain.access import Principal
from shared.domain.customers import Customer
from shared.domain.lifecycle import Action, Role
from shared.domain.notifications import Notification
from shared.domain.outgoing_mail import OutgoingMail
from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.policy import SlaPolicy
from shared.usecases.desk import Desk, NewTicket
from shared.usecases.dispatch import Dispatcher, MailIdentity, Timing
from shared.usecases.notifier import Notifier
from shared.usecases.ports import Sender
from tests.run_storage import ROOMY

ROME = ZoneInfo("Europe/Rome")
EPOCH = datetime(2025, 11, 24, 10, 0, tzinfo=ROME)  # a Monday, a year before the tests' 2026-11-26
TICKET_PREFIX = "NOTIF"  # a numbering of its own (TicketIds partition NOTIF-<year>)
TEAM_ADDRESS = "team@desk.example"
PORTAL_URL = "https://portal.example"
TIMING = Timing()  # the app's default sweep grace and lease
STORAGE_TIMEOUT = 5.0  # seconds, the app's default STORAGE_TIMEOUT_SECONDS
DELIVERY_REQUESTS = 6  # per mail after the commit: read, budget read and write, claim, outcome, intent delete
SWEEP_REQUESTS = 4  # per mail of a sweep: read, claim, outcome, intent delete
BUDGET_PER_SWEEP = 5  # per sweep: the budget looked at, one take (read, write), the end's update (read, write)
SWEEP_PAGE = 1_000  # intents per page of the sweep's query (the service's page)
WALK_MAILS = 6  # the customer's receipt, acceptance, question, resolution, closure, and the team's news


class Stage(StrEnum):
    """A notification's stages (the module's doc says what each covers)."""

    RENDER = "render"
    ENQUEUE = "enqueue"
    DISPATCH = "dispatch"
    SWEEP = "sweep"


@dataclass(frozen=True)
class Sample:
    """One measured stage: the mails it served, its wall time, the requests it sent."""

    mails: int
    seconds: float
    requests: tuple[SentRequest, ...]


@dataclass
class Meter:
    """Records stages as samples, their requests read off the counting transport."""

    transport: CountingTransport
    samples: dict[Stage, list[Sample]] = field(default_factory=lambda: defaultdict(list))
    _open: tuple[Stage, int, int, float] | None = None

    @contextmanager
    def measure(self, stage: Stage, mails: int) -> Iterator[None]:
        """Record what the ``with`` block sends and how long it takes as one ``stage`` sample."""
        self.begin(stage, mails)
        yield
        self.end()

    def begin(self, stage: Stage, mails: int) -> None:
        """Open a ``stage`` sample serving ``mails``; :meth:`end` closes it."""
        self._open = (stage, mails, len(self.transport.sent), time.perf_counter())

    def end(self) -> None:
        """Close the open sample, if any."""
        if self._open is None:
            return
        stage, mails, first, began = self._open
        elapsed = time.perf_counter() - began
        self.samples[stage].append(Sample(mails, elapsed, tuple(self.transport.sent[first:])))
        self._open = None


@dataclass
class MeteredNotifier(Notifier):
    """The app's notifier with its stages measured. Enqueue spans the intents' transaction
    (:meth:`record`, before the ticket's transaction; the rows are the ticket store's, built for
    that transaction). Dispatch hands the mails to the dispatcher one at a time, as its
    ``deliver`` does, each after a render of its own."""

    meter: Meter = field(kw_only=True)

    def record(self, notifications: list[Notification]) -> None:
        """Record the intents as the change's enqueue sample."""
        if not notifications:
            return
        with self.meter.measure(Stage.ENQUEUE, len(notifications)):
            super().record(notifications)

    def dispatch(self, notifications: list[Notification]) -> None:
        """Render each mail, then deliver it, each measured on its own."""
        for notification in notifications:
            with self.meter.measure(Stage.RENDER, 1):
                render(notification.kind, notification.language, notification.context)
            with self.meter.measure(Stage.DISPATCH, 1):
                self.dispatcher.deliver([notification])


class CrashOnFirstAttempt:
    """A sender that raises RuntimeError, as a worker dying mid-send would leave things, on each
    mail's first attempt, and hands every later attempt to ``then``."""

    def __init__(self, then: Sender) -> None:
        self._then = then
        self._tried: set[str] = set()

    def send(self, mail: OutgoingMail) -> None:
        """Crash the first time ``mail``'s Message-ID is seen, else send it through ``then``."""
        if mail.message_id not in self._tried:
            self._tried.add(mail.message_id)
            raise RuntimeError("the worker died while sending")
        self._then.send(mail)


@dataclass
class Bench:
    """The desk without a notifier over the counting client, the run's people, clock and mail."""

    desk: Desk
    service: TableServiceClient
    transport: CountingTransport
    clock: Clock
    customer: Customer
    customer_caller: Principal
    operator: Principal
    identity: MailIdentity
    drop: Path

    def dispatcher(self, sender: Sender) -> Dispatcher:
        """A dispatcher over the counting client, on the run's clock, sending through ``sender``."""
        budget = MailBudgetStore(self.service, ROOMY, name=f"{self.customer.id}|budget")  # clean_up's range
        return Dispatcher(OutboxStore(self.service), sender, render, self.identity, self.clock, budget, TIMING)

    def open_ticket(self, desk: Desk) -> str:
        """Open a ticket as the customer; its id."""
        request = NewTicket(
            subject="Cannot sign in",
            description="Since this morning nobody in the office can sign in to the portal.",
            customer_id=self.customer.id,
            contact_email=self.customer.contacts[0].email,
        )
        return desk.open(self.customer_caller, request).ticket.id

    def walk(self, desk: Desk) -> None:
        """One ticket's walk: open, accept, clarification, the customer's reply, resolve, close."""
        ticket_id = self.open_ticket(desk)
        desk.act(self.operator, ticket_id, Action.ACCEPT, {}, None)
        desk.act(self.operator, ticket_id, Action.REQUEST_CLARIFICATION, {"message": "Which browser is it?"}, None)
        desk.write(self.customer_caller, ticket_id, "Firefox 132 on Windows 11.", internal=False)
        desk.act(self.operator, ticket_id, Action.RESOLVE, {"resolution": "The certificate was renewed."}, None)
        desk.act(self.operator, ticket_id, Action.CLOSE, {}, None)


# --- scenarios ---------------------------------------------------------------------------------------


@dataclass
class Scenario:
    """One scenario's stages, the times (ms) of the ticket transactions of its measured run and of
    its control run (the same changes on the desk without a notifier), and notes to print."""

    name: str
    meter: Meter
    transactions: list[float] = field(default_factory=list)
    control_transactions: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def ticket_transactions(requests: list[SentRequest]) -> list[float]:
    """The durations in ms of the ``Tickets`` transactions among ``requests`` (the ticket's own
    request, until its answer's headers: the SDK reads a transaction's answer as a stream)."""
    return [request.seconds * 1e3 for request in requests if request.table == TICKETS_TABLE and request.transaction]


def sent_during(transport: CountingTransport, run: Callable[[], object]) -> list[SentRequest]:
    """What ``run`` sends."""
    first = len(transport.sent)
    run()
    return transport.sent[first:]


def measure_changes(
    bench: Bench,
    name: str,
    folder: str,
    team_address: str | None,
    change: Callable[[Desk], object],
    repetitions: int,
    mails: int,
) -> Scenario:
    """Run ``change`` ``repetitions`` times on the measured desk (each run sending ``mails`` mails
    into ``folder`` under the run's drop) and on the control desk; check the folder holds every mail."""
    drop = bench.drop / folder
    meter = Meter(bench.transport)
    dispatcher = bench.dispatcher(FileDropSender(drop))
    notifier = MeteredNotifier(OutboxStore(bench.service), dispatcher, team_address, PORTAL_URL, meter=meter)
    desk = replace(bench.desk, notifier=notifier)
    change(bench.desk)  # warm-up of both desks' connections and code paths, not measured
    change(desk)
    meter.samples.clear()
    measured: list[SentRequest] = []
    control: list[SentRequest] = []
    for _ in range(repetitions):  # interleaved, so both see the same partition and the same Azurite
        measured += sent_during(bench.transport, lambda: change(desk))
        control += sent_during(bench.transport, lambda: change(bench.desk))
    dropped = len(list(drop.glob("*.eml"))) - mails  # the warm-up's mails are there too
    if dropped != mails * repetitions:
        raise RuntimeError(f"{name}: {dropped} mails dropped, {mails * repetitions} expected")
    return Scenario(name, meter, ticket_transactions(measured), ticket_transactions(control))


def measure_sweep(bench: Bench, left_behind: int) -> Scenario:
    """Open ``left_behind`` tickets while each mail's first attempt crashes, move the clock past the
    lease and the sweep's grace, check the intents the sweep would touch are all the run's, and
    measure one sweep."""
    folder = bench.drop / "sweep"
    outbox = OutboxStore(bench.service)
    dispatcher = bench.dispatcher(CrashOnFirstAttempt(FileDropSender(folder)))
    desk = replace(bench.desk, notifier=Notifier(outbox, dispatcher, None, PORTAL_URL))
    dispatch_log = logging.getLogger("shared.usecases.dispatch")
    level = dispatch_log.level
    dispatch_log.setLevel(logging.CRITICAL)  # the crashes are intended: no traceback for each
    try:
        opening = sent_during(bench.transport, lambda: [bench.open_ticket(desk) for _ in range(left_behind)])
    finally:
        dispatch_log.setLevel(level)
    bench.clock.at += TIMING.lease + 2 * TIMING.grace  # every claim expired, every intent past the grace
    waiting = list(outbox.intents_before(bench.clock.at - TIMING.grace))
    foreign = [intent for intent in waiting if intent.customer_id != bench.customer.id]
    if foreign:
        raise RuntimeError(f"{len(foreign)} intents of others before {bench.clock.at}: the run does not sweep them")
    meter = Meter(bench.transport)
    with meter.measure(Stage.SWEEP, left_behind):
        report = dispatcher.sweep()
    opening_mail = [request for request in opening if request.mail]
    scenario = Scenario(f"sweep ({left_behind} crashed)", meter)
    scenario.notes += [
        f"left behind: {len(waiting)} intents of the run pending before the sweep; the opening's mail requests "
        f"per mail {len(opening_mail) / left_behind:.2f} ({breakdown(opening_mail, left_behind)})",
        f"Dispatcher.sweep reported looked_at={report.looked_at}, sent={report.sent}, orphans={report.orphans}; "
        f"{len(list(folder.glob('*.eml')))} mails dropped",
    ]
    return scenario


# --- reporting ---------------------------------------------------------------------------------------


def breakdown(requests: Sequence[SentRequest], mails: int) -> str:
    """``GET Tickets O| 1.00, PUT Tickets O| 2.00, …``: each kind of request per mail."""
    counts = Counter(request.label for request in requests)
    return ", ".join(f"{label} {count / mails:.2f}" for label, count in counts.items()) or "none"


def designed(stage: Stage, samples: list[Sample], mails: int) -> float:
    """The requests per mail docs/outbox.md's design foresees for ``stage``."""
    if stage is Stage.ENQUEUE:
        return len(samples) / mails  # one intent transaction per change that notifies
    if stage is Stage.DISPATCH:
        return DELIVERY_REQUESTS
    if stage is Stage.SWEEP:
        return SWEEP_REQUESTS + (math.ceil(mails / SWEEP_PAGE) + BUDGET_PER_SWEEP) / mails
    return 0


def per_mail_millis(samples: list[Sample], seconds: Callable[[Sample], float]) -> list[float]:
    """Each mail's share of ``seconds`` of its sample, in ms."""
    return [seconds(sample) * 1e3 / sample.mails for sample in samples for _ in range(sample.mails)]


def storage_seconds(sample: Sample) -> float:
    """The time the sample's requests took on the wire, one after another (a transaction's until
    its answer's headers)."""
    return sum(request.seconds for request in sample.requests)


def percentile(values: list[float], share: int) -> float:
    """The ``share``-th percentile (inclusive interpolation); the value itself when there is one."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def print_report(scenarios: list[Scenario]) -> None:
    """The table, then what the requests were, the design's verdicts and the ticket transactions."""
    header = (
        f"{'scenario':<30} {'stage':<9} {'mails':>6} {'requests':>9} {'per mail':>9} {'designed':>9} "
        f"{'p50 ms/mail':>12} {'p95 ms/mail':>12} {'storage p50':>12}"
    )
    print(header)
    print("-" * len(header))
    verdicts: list[str] = []
    for scenario in scenarios:
        for stage in Stage:
            samples = scenario.meter.samples.get(stage)
            if not samples:
                continue
            mails = sum(sample.mails for sample in samples)
            requests = [request for sample in samples for request in sample.requests]
            expected = designed(stage, samples, mails)
            millis = per_mail_millis(samples, lambda sample: sample.seconds)
            storage = per_mail_millis(samples, storage_seconds)
            print(
                f"{scenario.name:<30} {stage.value:<9} {mails:>6} {len(requests):>9} {len(requests) / mails:>9.2f} "
                f"{expected:>9.2f} {percentile(millis, 50):>12.2f} {percentile(millis, 95):>12.2f} "
                f"{percentile(storage, 50):>12.2f}"
            )
            same = math.isclose(len(requests) / mails, expected)
            tickets = sum(1 for request in requests if not request.mail)
            verdicts.append(
                f"  {'same' if same else 'DIFFERENT':<9} {scenario.name}, {stage.value}: "
                f"{breakdown(requests, mails)}" + (f"; {tickets} of them the ticket's by URL" if tickets else "")
            )
    print()
    print("What the requests were, per mail, against the design (reported, not gated):")
    print("\n".join(verdicts))
    print()
    print("The ticket's transaction, which carries the notification rows (p50 / p95 ms; control: no notifier):")
    for scenario in scenarios:
        if scenario.transactions:
            print(
                f"  {scenario.name}: {percentile(scenario.transactions, 50):.2f} / "
                f"{percentile(scenario.transactions, 95):.2f} with the rows, "
                f"{percentile(scenario.control_transactions, 50):.2f} / "
                f"{percentile(scenario.control_transactions, 95):.2f} without "
                f"({len(scenario.transactions)} transactions each)"
            )
    for scenario in scenarios:
        for note in scenario.notes:
            print(f"{scenario.name}: {note}")


# --- the run -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=50, help="tickets per scenario (default 50)")
    parser.add_argument("--left-behind", type=int, default=50, help="crashed deliveries the sweep finds (50)")
    parser.add_argument("--threads", type=int, default=8, help="threads that clean up (default 8)")
    args = parser.parse_args()
    if args.repetitions < 2 or args.left_behind < 1:
        parser.error("need repetitions ≥ 2 and left-behind ≥ 1")

    with tempfile.TemporaryDirectory() as scratch, ensure_azurite(Path(scratch) / "azurite") as started:
        plain = TableServiceClient.from_connection_string(azurite_connection_string())
        for table in TABLES:
            plain.create_table_if_not_exists(table)
        service, transport = counting_service(azurite_connection_string(), STORAGE_TIMEOUT)
        suffix = uuid.uuid4().hex[:10]
        customer = bench_customer(plain, suffix)
        contact = customer.contacts[0].email
        operator = f"olga-{suffix}@desk.example"
        calendar = default_calendar()
        clock = Clock(EPOCH)
        bench = Bench(
            desk=Desk(
                tickets=TicketStore(service),
                customers=CustomerRegistry(service),
                audit=AuditTrail(service),
                calendar=lambda: calendar,
                policy=SlaPolicy(),
                now=clock,
                detect_language=detect_language,
                ticket_prefix=TICKET_PREFIX,
            ),
            service=service,
            transport=transport,
            clock=clock,
            customer=customer,
            customer_caller=Principal(contact, contact, "Anna", frozenset({Role.CUSTOMER}), customer.id),
            operator=Principal(operator, operator, "Olga", frozenset({Role.OPERATOR}), None),
            identity=MailIdentity(
                "donotreply@desk.example", "Support", "support@desk.example", secrets.token_bytes(32), "desk.example"
            ),
            drop=Path(scratch) / "mail",
        )
        print(f"Azurite: {'started for this run' if started else 'already listening (what the run writes is deleted)'}")
        print(
            f"python {sys.version.split()[0]}; the desk driven directly (not the HTTP handlers); "
            f"{args.repetitions} tickets per scenario after one warm-up; the clock from {EPOCH:%Y-%m-%d %H:%M %Z}."
        )
        print("Mail: file drop into a temporary folder (fsync per mail); time is perf_counter.")
        print()
        try:
            scenarios = [
                measure_changes(
                    bench, "customer mail (received)", "received", None, bench.open_ticket, args.repetitions, 1
                ),
                measure_changes(
                    bench, "walk (5 customer + 1 team)", "walk", TEAM_ADDRESS, bench.walk, args.repetitions, WALK_MAILS
                ),
                measure_sweep(bench, args.left_behind),
            ]
        finally:
            if not started:
                began = time.perf_counter()
                deleted = clean_up(plain, customer.id, operator, args.threads)
                print(f"Deleted the run's {deleted:,} rows in {time.perf_counter() - began:.1f} s.")
        print()
        print_report(scenarios)
        print()
        return 0


if __name__ == "__main__":
    sys.exit(main())
