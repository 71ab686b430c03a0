"""Mail in through the app's functions: the blob trigger, the poison queue, the admin routes and
attachment downloads, with the app's own settings and clients on Azurite."""

from __future__ import annotations

import json
import uuid
from email.message import EmailMessage

import azure.functions as func
import pytest
from azure.functions.blob import InputStream
from azure.storage.blob import BlobServiceClient

from functions import attachments, inbound, tickets
from functions.dependencies import intake
from shared.adapters.storage import DEVELOPMENT_STORAGE
from shared.domain.lifecycle import Role
from tests.integration.conftest import Api, AppSettings
from tests.integration.test_tickets_api import company, document

__all__ = ["company"]


@pytest.fixture
def mail_api(api: Api, app_settings: AppSettings, blob_service: BlobServiceClient) -> Api:
    """The app with its mail connection on Azurite."""
    app_settings(MailStorage=DEVELOPMENT_STORAGE)
    return api


def arrive(raw: bytes) -> str:
    """Write a raw message into ``inbound-email`` and run the blob trigger on it, as the host
    does; the blob's name."""
    name = f"2026/11/26/{uuid.uuid4().hex}.eml"
    intake().mailbox.put(name, raw)
    stream = InputStream(data=raw, name=f"inbound-email/{name}", uri=f"http://127.0.0.1/inbound-email/{name}")
    inbound.ingest_inbound_mail.build().get_user_function()(stream)  # type: ignore[attr-defined]
    return name


def request_mail(sender: str, *, attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@desk.localhost"
    message["Subject"] = "Stampa delle fatture bloccata"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.example>"
    message.set_content("Buongiorno, la stampa delle fatture si blocca al 50%. Potete aiutarci?")
    if attachment is not None:
        message.add_attachment(attachment, maintype="text", subtype="html", filename="report<1>.html")
    return bytes(message)


def test_admins_list_outcomes_and_release_a_held_mail(mail_api: Api, company: str) -> None:
    admin = mail_api.token(Role.ADMIN)
    stranger = f"someone-{uuid.uuid4().hex[:6]}@unknown.example"
    blob = arrive(request_mail(stranger))

    listed = mail_api.call(inbound.inbound_mail, "GET", "admin/inbound", token=admin, params={"outcome": "held"})
    assert listed.status_code == 200
    held = [item for item in document(listed)["items"] if item["blob"] == blob]  # type: ignore[attr-defined]
    assert [(item["outcome"], item["sender"], item["reason"]) for item in held] == [
        ("held", stranger, "unknown sender")
    ]
    mail_id = held[0]["id"]

    released = mail_api.call(
        inbound.release_inbound_mail,
        "POST",
        f"admin/inbound/{mail_id}/release",
        token=admin,
        route_params={"id": mail_id},
        body={"customer_id": company},
    )
    assert released.status_code == 200, released.get_body()
    body = document(released)
    assert (body["outcome"], body["customer_id"], body["released_by"]) == ("created", company, "dev@example.test")
    assert str(body["ticket_id"]).startswith("IZ-")


@pytest.mark.parametrize(
    ("params", "route", "body", "role", "status", "field"),
    [
        ({"outcome": "lost"}, None, None, Role.ADMIN, 422, "outcome"),
        ({}, None, None, Role.OPERATOR, 403, None),
        ({}, "0" * 24, {"customer_id": "acme-x1"}, Role.ADMIN, 404, None),
        ({}, "not-an-id", {"customer_id": "acme-x1"}, Role.ADMIN, 404, None),
    ],
)
def test_bad_admin_requests_are_problem_documents(
    mail_api: Api,
    params: dict[str, str],
    route: str | None,
    body: object,
    role: Role,
    status: int,
    field: str | None,
) -> None:
    token = mail_api.token(role)
    if route is None:
        response = mail_api.call(inbound.inbound_mail, "GET", "admin/inbound", token=token, params=params)
    else:
        response = mail_api.call(
            inbound.release_inbound_mail,
            "POST",
            f"admin/inbound/{route}/release",
            token=token,
            route_params={"id": route},
            body=body,
        )
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    if field is not None:
        assert document(response)["field"] == field


def test_a_release_body_without_the_customer_names_the_field(mail_api: Api) -> None:
    blob = arrive(request_mail(f"x-{uuid.uuid4().hex[:6]}@unknown.example"))
    mail_id = next(r.id for r in intake().log.list(None, limit=100, cursor=None).items if r.blob == blob)
    response = mail_api.call(
        inbound.release_inbound_mail,
        "POST",
        f"admin/inbound/{mail_id}/release",
        token=mail_api.token(Role.ADMIN),
        route_params={"id": mail_id},
        body={"customer": "acme-x1"},
    )
    assert response.status_code == 422
    assert document(response)["field"] == "customer_id"


def test_an_attachment_downloads_for_its_customer_only_and_never_renders(mail_api: Api, company: str) -> None:
    arrive(request_mail(f"anna@{company}.example", attachment=b"<script>alert(1)</script>"))
    own = mail_api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    ticket = document(mail_api.call(tickets.list_tickets, "GET", "tickets", token=own))["items"][0]  # type: ignore[index]
    events = mail_api.call(
        tickets.ticket_events, "GET", f"tickets/{ticket['id']}/events", token=own, route_params={"id": ticket["id"]}
    )
    files = document(events)["items"][0]["data"]["attachments"]  # type: ignore[index]
    assert [item["name"] for item in files] == ["report_1_.html"]
    route = {"id": ticket["id"], "attachment_id": files[0]["id"]}
    path = f"tickets/{ticket['id']}/attachments/{files[0]['id']}"

    mine = mail_api.call(attachments.download_attachment, "GET", path, token=own, route_params=route)
    assert mine.status_code == 200
    assert mine.get_body() == b"<script>alert(1)</script>"
    assert mine.headers["Content-Disposition"].startswith("attachment;")
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in mine.headers["Content-Security-Policy"]

    other = mail_api.token(Role.CUSTOMER, customer="other-company", subject="eve@other.example")
    theirs = mail_api.call(attachments.download_attachment, "GET", path, token=other, route_params=route)
    assert theirs.status_code == 404


def test_a_poisoned_blob_is_recorded_as_quarantined(mail_api: Api) -> None:
    name = f"2026/11/26/{uuid.uuid4().hex}.eml"
    intake().mailbox.put(name, b"whatever")
    report = {"FunctionId": "Host.Functions.ingest_inbound_mail", "BlobType": "BlockBlob",
              "ContainerName": "inbound-email", "BlobName": name, "ETag": "\"0x1\""}  # fmt: skip
    message = func.QueueMessage(id="1", body=json.dumps(report).encode())
    inbound.quarantine_poisoned_mail.build().get_user_function()(message)  # type: ignore[attr-defined]

    record = next(r for r in intake().log.list(None, limit=100, cursor=None).items if r.blob == name)
    assert (record.outcome.value, record.reason) == ("quarantined", "failed every try")
