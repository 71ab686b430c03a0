"""Benchmark of fair delivery: one customer opens 100 tickets in six seconds, then another opens one;
how late does the second customer's receipt leave?

Run from the repository root: ``python benchmarks/bench_fairness.py [--flooding N]``.

The scenario is ``tests/mail_flood.py``'s (the integration test runs it smaller): the desk, the
outbox, the app's one mail budget (``MAIL_MAX_PER_MINUTE`` 30 and ``MAIL_MAX_PER_HOUR`` 100, a
custom ACS domain's limits to start) and the outbox timer's sweeps (every minute, the default grace
of 60 s) on a **simulated clock**: the dispatcher's waits for the budget move the clock instead of
sleeping, so the two hours the budget needs for the flood's 200 mails run in seconds. The flooding
customer's N tickets (100) open 60 ms apart, **opened by staff on the customer's behalf** (phone
requests): a limit on the tickets a customer may open itself would otherwise cut the flood short,
and what is measured here is the mail path behind it. The other customer then opens one ticket
itself (web). The sweeps run until every mail is out. Storage is Azurite, in tables of the run's
own (every table of the app under a name with the run's suffix, deleted at the end), so the sweeps
see only the run's mail; it uses the Azurite listening on the usual ports, or starts one.

Printed: the other customer's receipt delay against the design's bound
(``shared.usecases.dispatch.receipt_delay_bound``: grace + sweep period + two budget intervals + the gap
between sweeps, 210 s here), the most mails in any sliding minute and hour against the limits,
whether every customer's mail left before any staff mail among those the sweeps sent, the sweeps
run, simulated and wall time, and the budget row's storage requests. Exit status: non-zero when the
receipt is later than the bound, a limit is exceeded, or staff mail went before a customer's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the app's packages, from the repository root

from azure.core.pipeline.transport import RequestsTransport
from azure.storage.blob import BlobServiceClient

from benchmarks.harness import counting_service
from devhost.azurite import ensure_azurite
from shared.adapters.storage import azurite_connection_string
from shared.adapters.storage_layout import OUTBOX_INDEX_TABLE
from shared.adapters.stores.mail_budget import BUDGET_ROW
from shared.domain.mail_budget import MailLimits
from shared.usecases.dispatch import SWEEP_GRACE, SWEEP_PERIOD, receipt_delay_bound
from tests.mail_flood import Flood, flood
from tests.run_storage import run_storage

LIMITS = MailLimits(per_minute=30, per_hour=100)  # a custom ACS domain's to start (the app's defaults)
START = datetime(2026, 11, 26, 9, 0, 0, 500_000, tzinfo=UTC)  # half a second after a sweep
LONGEST = timedelta(hours=6)  # of simulated time, ample for the flood's mails at 100 an hour
STORAGE_TIMEOUT = 5.0


def most_in_any_window(instants: list[datetime], length: timedelta) -> int:
    """The most instants any half-open stretch [t, t + length) holds."""
    ordered = sorted(instants)
    return max((bisect_left(ordered, at + length) - index for index, at in enumerate(ordered)), default=0)


def report(run: Flood, budget_requests: int, wall: float) -> bool:
    """Print the figures; whether every target held."""
    bound = receipt_delay_bound(LIMITS, SWEEP_GRACE, SWEEP_PERIOD)
    delay = run.receipt_delay
    held = delay <= bound
    sent = sorted((n for n in run.notifications if n.sent_at is not None), key=lambda n: (n.sent_at, n.created_at))
    instants = [n.sent_at for n in sent if n.sent_at is not None]
    by_sweeps = [n for n in sent if n.sent_at is not None and n.sent_at - n.created_at > timedelta(seconds=1)]
    ordered = [n.staff for n in by_sweeps] == sorted(n.staff for n in by_sweeps)
    minute, hour = most_in_any_window(instants, timedelta(minutes=1)), most_in_any_window(instants, timedelta(hours=1))
    span = (max(instants) - START) if instants else timedelta(0)
    print(f"Flood: {len(run.notifications) - 2} mails of one customer, then the other customer's ticket (2 mails).")
    print(
        f"Limits: {LIMITS.per_minute} a minute, {LIMITS.per_hour} an hour (a burst of {LIMITS.burst}, then one mail "
        f"every {LIMITS.interval.total_seconds():.0f} s); a sweep every {SWEEP_PERIOD.total_seconds():.0f} s, "
        f"after a grace of {SWEEP_GRACE.total_seconds():.0f} s."
    )
    print()
    print(
        f"{'HELD' if held else 'MISSED'}  the other customer's receipt left {delay.total_seconds():.1f} s after it was "
        f"created; bound {bound.total_seconds():.0f} s"
    )
    print(
        f"{'HELD' if minute <= LIMITS.per_minute else 'MISSED'}  most mails in any sliding minute: {minute} "
        f"(limit {LIMITS.per_minute})"
    )
    print(
        f"{'HELD' if hour <= LIMITS.per_hour else 'MISSED'}  most mails in any sliding hour: {hour} "
        f"(limit {LIMITS.per_hour})"
    )
    print(
        f"{'HELD' if ordered else 'MISSED'}  of the {len(by_sweeps)} mails the sweeps sent, every customer's mail "
        "before any staff mail"
    )
    print(f"{'HELD' if len(sent) == len(run.notifications) else 'MISSED'}  every mail sent: {len(sent)}")
    flooded = [n.sent_at - n.created_at for n in sent if n.customer_id != run.receipt.customer_id and not n.staff]
    if flooded:
        print(
            f"      (the flooding customer's own receipts left after {min(flooded).total_seconds():.1f} s to "
            f"{max(flooded).total_seconds():.0f} s: its backlog delays itself)"
        )
    print()
    print(
        f"{run.sweeps} sweeps over {span.total_seconds() / 3600:.2f} h of simulated time in {wall:.1f} s of wall time; "
        f"the budget row's requests: {budget_requests} ({budget_requests / max(len(sent), 1):.2f} per mail sent)"
    )
    return (
        held
        and minute <= LIMITS.per_minute
        and hour <= LIMITS.per_hour
        and ordered
        and len(sent) == len(run.notifications)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flooding", type=int, default=100, help="tickets of the flooding customer (default 100)")
    args = parser.parse_args()
    if args.flooding < 1:
        parser.error("need at least one flooding ticket")
    with tempfile.TemporaryDirectory() as scratch, ensure_azurite(Path(scratch) / "azurite") as started:
        print(f"Azurite: {'started for this run' if started else 'already listening (the run uses tables of its own)'}")
        counted, transport = counting_service(azurite_connection_string(), STORAGE_TIMEOUT)
        blobs = BlobServiceClient.from_connection_string(
            azurite_connection_string(), transport=RequestsTransport(connection_timeout=STORAGE_TIMEOUT)
        )
        began = time.perf_counter()
        with run_storage(counted, blobs, f"fair{uuid.uuid4().hex[:8]}") as (tables, _):
            first = len(transport.sent)
            run = flood(tables, LIMITS, START, args.flooding, LONGEST)
            requests = transport.sent[first:]
        wall = time.perf_counter() - began
    budget = sum(1 for r in requests if r.table.startswith(OUTBOX_INDEX_TABLE) and r.row_key == BUDGET_ROW)
    return 0 if report(run, budget, wall) else 1


if __name__ == "__main__":
    sys.exit(main())
