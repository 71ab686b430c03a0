"""The clients and services the functions share, built on first use and kept for the life of the
worker.

Nothing is built at import time: Flex Consumption gives an app 30 seconds to start, and a cold
start should not wait on storage. The SLA calendar is rebuilt from the closure periods at most
every ``CALENDAR_REFRESH_SECONDS`` (and at once in the worker where an administrator changed them).
Whether a staff caller is an active member is asked of the staff directory at most every
:data:`STAFF_REFRESH_SECONDS` per caller (and at once in the worker where an administrator changed
the member).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from shared.adapters.auth.tokens import TokenVerifier, key_source
from shared.adapters.language_detection import detect_language
from shared.adapters.mail.catalogues import instant_in
from shared.adapters.mail.parse import parse_message
from shared.adapters.mail.render import render
from shared.adapters.mail.senders.acs import AcsSender, email_client
from shared.adapters.mail.senders.file_drop import FileDropSender
from shared.adapters.mail.senders.smtp import SmtpSender
from shared.adapters.storage import blob_service, table_service, table_storage_probe
from shared.adapters.stores.attachments import AttachmentStore
from shared.adapters.stores.audit import AuditTrail
from shared.adapters.stores.canned import CannedReplyStore
from shared.adapters.stores.closures import ClosureRegistry
from shared.adapters.stores.creation_limits import CreationLimits
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.inbound_log import InboundLog
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.mailbox import RawMailStore
from shared.adapters.stores.outbox import OutboxStore
from shared.adapters.stores.presence import PresenceStore
from shared.adapters.stores.report_queries import ReportQueries
from shared.adapters.stores.schedule import EscalationSchedule
from shared.adapters.stores.search_index import SearchIndexStore
from shared.adapters.stores.staff import StaffStore
from shared.adapters.stores.tickets import TicketStore
from shared.adapters.stores.views import ViewIndexStore
from shared.config.app import settings
from shared.config.auth import load_auth_settings
from shared.config.inbound import load_inbound_settings, load_mail_storage
from shared.config.mail import MailSettings, load_mail_settings
from shared.config.presence import PresenceSettings, load_presence_settings
from shared.domain.creation_limit import CreationLimit
from shared.domain.sla.calendar import SlaCalendar, default_calendar
from shared.domain.sla.escalation import EscalationMatrix
from shared.domain.sla.policy import SlaPolicy
from shared.usecases.admin import Administration
from shared.usecases.canned import ReplyAdministration, ReplyComposer
from shared.usecases.desk import Desk, EscalationPolicy
from shared.usecases.dispatch import Dispatcher, MailIdentity, Timing
from shared.usecases.files import TicketFiles
from shared.usecases.health import Probe
from shared.usecases.intake import MailIntake
from shared.usecases.notifier import Notifier
from shared.usecases.ports import Sender
from shared.usecases.presence import Presence
from shared.usecases.replanning import ReplanReport, replan_from
from shared.usecases.reports import Reports
from shared.usecases.search import IndexedTickets, IndexRepair, Search
from shared.usecases.staff import ActiveStaff, StaffAdministration
from shared.usecases.switchboard import CustomerLookup
from shared.usecases.views import ConsoleViews, ViewKeeper

if TYPE_CHECKING:
    from azure.data.tables import TableServiceClient
    from azure.storage.blob import BlobServiceClient


#: How long a worker trusts what the staff directory said of a caller: a member deactivated in
#: another worker can go on calling for at most this long.
STAFF_REFRESH_SECONDS = 60.0


@cache
def tables() -> TableServiceClient:
    """The Table service client of the app's storage."""
    return table_service(settings().tables, settings().identity_client_id)


@cache
def mail_blobs() -> BlobServiceClient:
    """The Blob service client of the account that holds raw mail and attachments (``MailStorage``)."""
    return blob_service(load_mail_storage(os.environ))


@cache
def verifier() -> TokenVerifier:
    """The bearer-token verifier, trusting the customers' issuer and the staff issuer, each with
    its own keys."""
    auth = load_auth_settings(os.environ)
    return TokenVerifier(auth, key_source(auth.customers), key_source(auth.staff))


@cache
def customers() -> CustomerRegistry:
    return CustomerRegistry(tables())


@cache
def customer_lookup() -> CustomerLookup:
    return CustomerLookup(customers())


@cache
def staff_directory() -> StaffStore:
    return StaffStore(tables())


@cache
def active_staff() -> ActiveStaff:
    """The per-worker check that a staff caller is not an inactive member of the directory."""
    return ActiveStaff(staff_directory(), STAFF_REFRESH_SECONDS, time.monotonic)


@cache
def staff_administration() -> StaffAdministration:
    """The administrators' use cases on the staff directory; a change is seen at once here."""
    return StaffAdministration(staff_directory(), active_staff().forget)


@cache
def closures() -> ClosureRegistry:
    return ClosureRegistry(tables())


class CalendarProvider:
    """The SLA calendar with the current closure periods, re-read after ``ttl`` seconds."""

    def __init__(self, registry: ClosureRegistry, ttl: float) -> None:
        self._registry, self._ttl = registry, ttl
        self._lock = threading.Lock()
        self._calendar: SlaCalendar | None = None
        self._read_at = 0.0

    def __call__(self) -> SlaCalendar:
        with self._lock:
            if self._calendar is None or time.monotonic() - self._read_at > self._ttl:
                periods = [(closure.first_day, closure.last_day) for closure in self._registry.list()]
                self._calendar = default_calendar(closures=periods)
                self._read_at = time.monotonic()
            return self._calendar

    def invalidate(self) -> None:
        """Read the closures again on the next call (after an administrator changed them)."""
        with self._lock:
            self._calendar = None


@cache
def calendar() -> CalendarProvider:
    return CalendarProvider(closures(), settings().desk.calendar_refresh_seconds)


def utc_now() -> datetime:
    """The desk's clock in production: the system time, in UTC."""
    return datetime.now(UTC)


@cache
def mail_settings() -> MailSettings:
    return load_mail_settings(os.environ)


@cache
def sender() -> Sender:
    """The way mail leaves, as ``MAIL_SENDER_KIND`` says."""
    mail = mail_settings()
    if mail.sender_kind == "acs":
        client = email_client(
            endpoint=mail.acs_endpoint,
            connection_string=mail.acs_connection_string,
            client_id=settings().identity_client_id,
        )
        return AcsSender(client)
    if mail.sender_kind == "smtp" and mail.smtp_host:
        return SmtpSender(
            mail.smtp_host, mail.smtp_port, mail.smtp_username, mail.smtp_password, starttls=mail.smtp_starttls
        )
    return FileDropSender(mail.drop_dir)


@cache
def mail_identity() -> MailIdentity:
    """Who the desk's mail is from and where replies go (the outbox's and the intake's)."""
    mail = mail_settings()
    return MailIdentity(
        sender=mail.sender,
        sender_name=mail.sender_name,
        support_address=mail.support_address,
        reply_token_key=mail.reply_token_key,
        message_domain=mail.message_domain,
    )


def dispatcher_at(now: Callable[[], datetime]) -> Dispatcher:
    """A dispatcher whose clock is ``now``, spending the app's one mail budget."""
    mail = mail_settings()
    timing = Timing(grace=timedelta(seconds=mail.sweep_grace_seconds), lease=timedelta(seconds=mail.lease_seconds))
    budget = MailBudgetStore(tables(), mail.limits)
    return Dispatcher(OutboxStore(tables()), sender(), render, mail_identity(), now, budget, timing)


@cache
def dispatcher() -> Dispatcher:
    """The dispatcher on the system clock."""
    return dispatcher_at(utc_now)


@cache
def schedule() -> EscalationSchedule:
    return EscalationSchedule(tables())


@cache
def policy() -> SlaPolicy:
    """The SLA policy: the vendor's contract, resolution days counted as ``RESOLUTION_RULE`` says."""
    return SlaPolicy(resolution_rule=settings().desk.resolution_rule)


def desk_at(now: Callable[[], datetime], mail: Dispatcher | None = None) -> Desk:
    """The use cases, bound to storage, the calendar, the policy, the outbox, the escalation
    schedule, the creation limit and the clock ``now`` (``python -m devhost sweep --now``
    travels in time with it)."""
    desk_settings = settings().desk
    mail_config = mail_settings()
    matrix = EscalationMatrix(desk_settings.escalation_percentages)
    tickets = TicketStore(tables())
    notifying = Notifier(
        OutboxStore(tables()),
        mail or dispatcher_at(now),
        mail_config.team_address,
        mail_config.portal_url,
        mail_config.staff_language,
        mail_config.security_address,
    )
    return Desk(
        tickets=IndexedTickets(tickets, search_index(), now),
        customers=customers(),
        audit=AuditTrail(tables()),
        calendar=calendar(),
        policy=policy(),
        now=now,
        detect_language=detect_language,
        ticket_prefix=desk_settings.ticket_prefix,
        notifier=notifying,
        schedule=schedule(),
        escalation=EscalationPolicy(
            matrix,
            desk_settings.escalation_supervisors,
            desk_settings.escalation_management,
        ),
        creation_limits=CreationLimits(
            tables(), CreationLimit(desk_settings.creation_burst, desk_settings.creation_per_hour)
        ),
        staff=staff_directory(),
        views=ViewKeeper(ViewIndexStore(tables()), tickets, calendar(), now, matrix),
    )


@cache
def desk() -> Desk:
    """The desk on the system clock."""
    return desk_at(utc_now, dispatcher())


# --- search: its index kept with each ticket change (the desk's ticket store above), its repair, its reads


@cache
def search_index() -> SearchIndexStore:
    return SearchIndexStore(tables())


@cache
def search() -> Search:
    """Staff search over the index, on the system clock."""
    return Search(search_index(), AuditTrail(tables()), calendar(), policy(), utc_now)


@cache
def index_repair() -> IndexRepair:
    """The search index's safety net, on the system clock."""
    return IndexRepair(TicketStore(tables()), search_index(), utc_now)


def intake_at(now: Callable[[], datetime], desk_now: Desk | None = None) -> MailIntake:
    """The mail intake on the clock ``now`` (its desk on the same clock unless ``desk_now``). It
    reads the desk's own ticket store and registry, so a ticket it locates is not located again
    by the desk's change."""
    changes = desk_now or desk_at(now)
    return MailIntake(
        desk=changes,
        tickets=changes.tickets,
        customers=changes.customers,
        log=InboundLog(tables()),
        mailbox=RawMailStore(mail_blobs()),
        files=AttachmentStore(mail_blobs()),
        parse=parse_message,
        identity=mail_identity(),
        settings=load_inbound_settings(os.environ),
        now=now,
    )


@cache
def intake() -> MailIntake:
    """The mail intake on the system clock."""
    return intake_at(utc_now, desk())


@cache
def files() -> TicketFiles:
    """Downloads of tickets' files."""
    return TicketFiles(desk(), desk().tickets, AttachmentStore(mail_blobs()))


@cache
def reports() -> Reports:
    """The supervisors' views on the system clock."""
    return Reports(TicketStore(tables()), ReportQueries(tables()), AuditTrail(tables()), calendar(), policy(), utc_now)


@cache
def report_queries() -> ReportQueries:
    """The SLA report's query over the tickets opened in a period."""
    return ReportQueries(tables())


@cache
def administration() -> Administration:
    """The administrators' use cases, on the desk's registries, calendar, schedule and outbox."""
    return Administration(
        customers=customers(),
        closures=closures(),
        reread_calendar=calendar().invalidate,
        replan=replan_closures,
        audit=AuditTrail(tables()),
        inbound=InboundLog(tables()),
        tickets=TicketStore(tables()),
        outbox=OutboxStore(tables()),
        dispatcher=dispatcher(),
    )


@cache
def presence_settings() -> PresenceSettings:
    return load_presence_settings(os.environ)


@cache
def presence() -> Presence:
    """Presence on the ticket screen, on the desk's own ticket store (a ticket the desk located
    is not located again) and the system clock."""
    return Presence(desk().tickets, PresenceStore(tables()), policy(), presence_settings().interval, utc_now)


# --- the console's views ------------------------------------------------------------------------------


@cache
def console_views() -> ConsoleViews:
    """Pages of the console's views on the system clock."""
    return ConsoleViews(ViewIndexStore(tables()), AuditTrail(tables()), calendar(), utc_now)


def view_keeper() -> ViewKeeper:
    """The view index's keeper of the desk on the system clock (its repair sweep and re-key)."""
    keeper = desk().views
    if not isinstance(keeper, ViewKeeper):
        raise RuntimeError("the desk keeps no view index")
    return keeper


def backfill_views() -> int:
    """Place the open tickets the view index does not hold yet (a desk that had tickets before
    it): a scan of the tickets, once; how many it placed."""
    return view_keeper().backfill()


def replan_closures(first_day: date, last_day: date) -> ReplanReport:
    """After a change of closures: re-plan the escalations it moves, and have the view index's
    repair sweep re-key the rows of the open tickets whose deadline it may move."""
    report = replan_from(desk(), schedule(), first_day, last_day)
    view_keeper().rekey_later(first_day)
    return report


# --- canned replies ------------------------------------------------------------------------------------


@cache
def canned_replies() -> CannedReplyStore:
    return CannedReplyStore(tables())


@cache
def reply_administration() -> ReplyAdministration:
    """The administrators' use cases on the canned replies; a reply made without an id gets a random one."""
    return ReplyAdministration(canned_replies(), lambda: f"r-{uuid.uuid4().hex[:12]}")


@cache
def reply_composer() -> ReplyComposer:
    """The composer's search and filling of canned replies, reading tickets through the desk."""
    return ReplyComposer(canned_replies(), desk(), instant_in)


def health_probes() -> Mapping[str, Probe]:
    """What ``GET /api/health`` checks: that Table Storage answers (its client built, and so its
    settings read, inside the probe: a missing setting is a finding, not an error)."""
    return {"table_storage": table_storage_probe(tables)}


def forget() -> None:
    """Drop every setting and client built so far, so the next call reads the environment anew
    (for tests and benchmarks that change the settings within one process)."""
    settings.cache_clear()
    builders = (tables, mail_blobs, verifier, customers, customer_lookup, closures, calendar, mail_settings)
    mail = (mail_identity, sender)
    staff = (staff_directory, active_staff, staff_administration)
    desks = (policy, dispatcher, schedule, desk, intake, files, reports, administration)
    views = (console_views,)
    replies = (canned_replies, reply_administration, reply_composer)
    for built in (*builders, *mail, *staff, *views, *replies, search_index, search, index_repair, *desks):
        built.cache_clear()
    presence_settings.cache_clear()
    presence.cache_clear()
