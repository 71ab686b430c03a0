"""Storage of a run's own on the shared Azurite, and a mail intake built on it.

The stores take a service client and ask it only for table or container clients by the app's
names; :class:`RenamedTables` and :class:`RenamedContainers` hand out the run's copies instead
(``Tickets<run>``, ``<run>-inbound-email``), so a corpus run or a benchmark sees none of what other
runs left (Message-ID claims, domains claimed by other customers, blobs a running host would take).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import cast

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient
from azure.storage.blob import BlobServiceClient, ContainerClient

from shared.adapters.language_detection import detect_language
from shared.adapters.mail.parse import parse_message
from shared.adapters.mail.render import render
from shared.adapters.storage_layout import BLOB_CONTAINERS, TABLES
from shared.adapters.stores.attachments import AttachmentStore
from shared.adapters.stores.audit import AuditTrail
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.inbound_log import InboundLog
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.mailbox import RawMailStore
from shared.adapters.stores.outbox import OutboxStore
from shared.adapters.stores.schedule import EscalationSchedule
from shared.adapters.stores.tickets import TicketStore
from shared.config.inbound import InboundSettings
from shared.domain.mail_budget import MailLimits
from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.policy import SlaPolicy
from shared.usecases.desk import Desk
from shared.usecases.dispatch import Dispatcher, MailIdentity
from shared.usecases.intake import MailIntake
from shared.usecases.notifier import Notifier
from shared.usecases.ports import Sender

#: Mail limits no test and no benchmark reaches: their mail never waits for the budget unless they ask.
ROOMY = MailLimits(per_minute=1_000_000, per_hour=10_000_000)
#: The same as app settings, for the app built by ``functions.dependencies`` (a local host, a CLI).
ROOMY_SETTINGS = {"MAIL_MAX_PER_MINUTE": str(ROOMY.per_minute), "MAIL_MAX_PER_HOUR": str(ROOMY.per_hour)}


class RenamedTables:
    """A Table service whose tables are the app's under the run's names."""

    def __init__(self, service: TableServiceClient, run: str) -> None:
        self._service, self._run = service, run

    def name(self, table: str) -> str:
        return f"{table}{self._run}"

    def get_table_client(self, table: str) -> TableClient:
        return self._service.get_table_client(self.name(table))


class RenamedContainers:
    """A Blob service whose containers are the app's under the run's names."""

    def __init__(self, service: BlobServiceClient, run: str) -> None:
        self._service, self._run = service, run

    def name(self, container: str) -> str:
        return f"{self._run}-{container}"

    def get_container_client(self, container: str) -> ContainerClient:
        return self._service.get_container_client(self.name(container))


@contextmanager
def run_storage(
    tables: TableServiceClient, blobs: BlobServiceClient, run: str
) -> Iterator[tuple[TableServiceClient, BlobServiceClient]]:
    """Every table and container of the app under ``run``'s names, created for the block and
    deleted after it; ``tables``/``blobs`` may be counting clients (only names are changed)."""
    renamed_tables, renamed_blobs = RenamedTables(tables, run), RenamedContainers(blobs, run)
    for table in TABLES:
        tables.create_table(renamed_tables.name(table))
    for container in BLOB_CONTAINERS:
        blobs.create_container(renamed_blobs.name(container))
    try:
        yield cast(TableServiceClient, renamed_tables), cast(BlobServiceClient, renamed_blobs)
    finally:
        for table in TABLES:
            tables.delete_table(renamed_tables.name(table))
        for container in BLOB_CONTAINERS:
            with suppress(ResourceNotFoundError):
                blobs.delete_container(renamed_blobs.name(container))


def mail_intake(
    tables: TableServiceClient,
    blobs: BlobServiceClient,
    *,
    clock: Callable[[], datetime],
    sender: Sender,
    identity: MailIdentity,
    settings: InboundSettings,
    team: str | None = None,
) -> MailIntake:
    """The intake and its desk (outbox through ``sender`` under limits it never reaches,
    escalation schedule) on these services."""
    outbox = OutboxStore(tables)
    dispatcher = Dispatcher(outbox, sender, render, identity, clock, MailBudgetStore(tables, ROOMY))
    desk = desk_on(tables, clock, Notifier(outbox, dispatcher, team, None), "IZ")
    return MailIntake(
        desk=desk,
        tickets=desk.tickets,
        customers=desk.customers,
        log=InboundLog(tables),
        mailbox=RawMailStore(blobs),
        files=AttachmentStore(blobs),
        parse=parse_message,
        identity=identity,
        settings=settings,
        now=clock,
    )


def desk_on(tables: TableServiceClient, clock: Callable[[], datetime], notifier: Notifier, prefix: str) -> Desk:
    """The desk on these tables and this clock (the vendor's calendar, the default policy, the
    escalation schedule), its mail through ``notifier``, its tickets numbered ``prefix``."""
    calendar = default_calendar()
    return Desk(
        tickets=TicketStore(tables),
        customers=CustomerRegistry(tables),
        audit=AuditTrail(tables),
        calendar=lambda: calendar,
        policy=SlaPolicy(),
        now=clock,
        detect_language=detect_language,
        ticket_prefix=prefix,
        notifier=notifier,
        schedule=EscalationSchedule(tables),
    )
