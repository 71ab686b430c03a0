"""Fixtures of the integration layer: app settings pointed at Azurite, with the app's cached
settings and clients rebuilt for each test."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import azure.functions as func
import pytest
from azure.core.exceptions import ResourceExistsError
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from devhost.demo_staff import DEMO_STAFF
from devhost.local_identity import LOCAL_STAFF_ISSUER, local_auth_environment, mint_token
from functions import dependencies
from shared.adapters.language_detection import detect_language
from shared.adapters.storage import AZURITE_ACCOUNT, AZURITE_KEY, DEVELOPMENT_STORAGE, azurite_connection_string
from shared.adapters.storage_layout import BLOB_CONTAINERS, TABLES
from shared.adapters.stores.audit import AuditTrail
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.staff import StaffStore
from shared.adapters.stores.tickets import TicketStore
from shared.domain.access import Principal
from shared.domain.customers import Contact, Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.policy import SlaPolicy
from shared.domain.staff import staff_member
from shared.usecases.desk import Desk
from tests.run_storage import ROOMY, ROOMY_SETTINGS

ROME = ZoneInfo("Europe/Rome")

AppSettings = Callable[..., None]

#: The staff the API tests assign tickets to, as the staff directory lists them (active).
DIRECTORY: tuple[tuple[str, frozenset[Role]], ...] = (
    ("olga@desk.example", frozenset({Role.OPERATOR})),
    ("otto@desk.example", frozenset({Role.OPERATOR})),
    ("sara@desk.example", frozenset({Role.SUPERVISOR})),
    ("sue@desk.example", frozenset({Role.SUPERVISOR})),
    ("sam@desk.example", frozenset({Role.SECURITY, Role.OPERATOR})),
    ("piero@desk.example", frozenset({Role.OPERATOR})),
)


def seed_directory(table_service: TableServiceClient) -> None:
    """Put :data:`DIRECTORY` in the staff directory, each keyed as its local token names it (the
    subject), except the demo staff, put as the demo seeding would put them (object id, name and
    language): the demo seeding then finds them as it made them and adds no second member with the
    same address."""
    store = StaffStore(table_service)
    demo = {person.email: person for person in DEMO_STAFF}
    for email, roles in DIRECTORY:
        person = demo.get(email)
        object_id, name, language = (
            (person.object_id, person.name, person.language) if person else (email, email.split("@")[0].title(), "en")
        )
        store.put(
            staff_member(
                LOCAL_STAFF_ISSUER, object_id, name=name, email=email, roles=roles, language=language, active=True
            )
        )


@pytest.fixture
def app_settings(monkeypatch: pytest.MonkeyPatch, azurite: object) -> Iterator[AppSettings]:
    """Set app settings (``TABLES_CONNECTION_STRING`` defaults to Azurite) as the host would."""

    def apply(**values: str) -> None:
        for name, value in {"TABLES_CONNECTION_STRING": DEVELOPMENT_STORAGE, **values}.items():
            monkeypatch.setenv(name, value)
        dependencies.forget()

    apply()
    yield apply
    dependencies.forget()


class Api:
    """Calls the app's HTTP functions as the host does, with tokens from a local signing key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def token(self, *roles: Role, customer: str | None = None, subject: str = "dev@example.test") -> str:
        return mint_token([role.value for role in roles], customer, subject=subject, root=self.root)

    def call(
        self,
        function: object,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: object = None,
        route_params: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> func.HttpResponse:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
        request = func.HttpRequest(
            method,
            f"http://127.0.0.1:7071/api/{path}",
            headers=sent,
            params=params or {},
            route_params=route_params or {},
            body=raw,
        )
        return function.build().get_user_function()(request)  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(scope="session")
def signing_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's local signing key lives (made once: an RSA key takes a while)."""
    root = tmp_path_factory.mktemp("identity")
    local_auth_environment(root)
    return root


@pytest.fixture
def api(app_settings: AppSettings, table_service: TableServiceClient, signing_root: Path, tmp_path: Path) -> Api:
    """The app configured for Azurite and for tokens signed by the session's local key."""
    app_settings(
        **local_auth_environment(signing_root),
        MAIL_SENDER_KIND="file",
        MAIL_DROP_DIR=str(tmp_path / "mail"),
        MAIL_REPLY_TOKEN_KEY=secrets.token_urlsafe(32),
        SUPPORT_TEAM_ADDRESS="team@desk.example",
        **ROOMY_SETTINGS,
    )
    seed_directory(table_service)
    return Api(signing_root)


def unreachable_tables() -> str:
    """A connection string for a Table endpoint where nothing listens."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"TableEndpoint=http://127.0.0.1:9/{AZURITE_ACCOUNT}"
    )


class Clock:
    """A clock the test sets: the desk reads the time from it."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def set(self, text: str) -> None:
        """``'2026-11-26 10:00'`` in Rome time."""
        self.at = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)


@pytest.fixture(scope="session")
def table_service(azurite: object) -> TableServiceClient:
    """The Table service of Azurite with every table of the app created."""
    service = TableServiceClient.from_connection_string(azurite_connection_string())
    for table in TABLES:
        service.create_table_if_not_exists(table)
    return service


@pytest.fixture(scope="session")
def blob_service(azurite: object) -> BlobServiceClient:
    """The Blob service of Azurite with every container of the app created."""
    service = BlobServiceClient.from_connection_string(azurite_connection_string())
    for container in BLOB_CONTAINERS:
        with suppress(ResourceExistsError):
            service.create_container(container)
    return service


@pytest.fixture
def mail_budget(table_service: TableServiceClient) -> MailBudgetStore:
    """A mail budget of the test's own (a row of its own) with limits it never reaches: no other
    test's spending, hold or pause reaches it."""
    return MailBudgetStore(table_service, ROOMY, name=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 26, 10, 0, tzinfo=ROME))


def desk_on(table_service: TableServiceClient, clock: Clock) -> Desk:
    """The desk's use cases on ``table_service`` and ``clock``, without mail or escalation."""
    calendar = default_calendar()
    return Desk(
        tickets=TicketStore(table_service),
        customers=CustomerRegistry(table_service),
        audit=AuditTrail(table_service),
        calendar=lambda: calendar,
        policy=SlaPolicy(),
        now=clock,
        detect_language=detect_language,
        ticket_prefix="IT",
    )


@pytest.fixture
def desk(table_service: TableServiceClient, clock: Clock) -> Desk:
    return desk_on(table_service, clock)


@pytest.fixture
def customer(desk: Desk) -> Customer:
    """A new entitled customer with one contact, unique to the test."""
    suffix = uuid.uuid4().hex[:10]
    return desk.customers.put(
        Customer(
            id=f"acme-{suffix}",
            name="ACME S.p.A.",
            entitled=True,
            email_domains=(f"acme-{suffix}.example",),
            contacts=(Contact(f"anna@acme-{suffix}.example", "Anna Bianchi"),),
            language=Language.ITALIAN,
        )
    )


def customer_caller(customer: Customer) -> Principal:
    return Principal(
        customer.contacts[0].email, customer.contacts[0].email, "Anna", frozenset({Role.CUSTOMER}), customer.id
    )


def staff_caller(email: str, *roles: Role) -> Principal:
    return Principal(email, email, email.split("@")[0], frozenset(roles), None)
