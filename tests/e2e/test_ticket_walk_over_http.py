"""A ticket's whole walk over real HTTP through the local host, as the README shows it with curl."""

from __future__ import annotations

import email
import json
import uuid
from email import policy
from pathlib import Path

from devhost.local_identity import local_auth_environment, mint_token
from tests.e2e.devhost_process import DevHost, running_devhost


def call(host: DevHost, method: str, path: str, token: str, body: object = None) -> tuple[int, dict[str, object]]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    reply = host.request(method, path, None if body is None else json.dumps(body).encode(), headers)
    return reply.status, json.loads(reply.body) if reply.body else {}


def test_a_customer_and_an_operator_walk_a_ticket_over_http(azurite: bool, tmp_path: Path) -> None:
    settings = local_auth_environment(tmp_path)
    company = f"acme-{uuid.uuid4().hex[:8]}"
    admin = mint_token(["admin"], root=tmp_path)
    customer = mint_token(["customer"], company, subject=f"anna@{company}.example", root=tmp_path)
    operator = mint_token(["operator"], subject="olga@desk.example", root=tmp_path)
    with running_devhost("function_app:app", tmp_path, settings) as host:
        status, _ = call(
            host,
            "PUT",
            f"/api/admin/customers/{company}",
            admin,
            {
                "name": "ACME",
                "entitled": True,
                "email_domains": [f"{company}.example"],
                "contacts": [],
                "language": "it",
            },
        )
        assert status == 200, host.output()
        status, ticket = call(
            host,
            "POST",
            "/api/tickets",
            customer,
            {"subject": "Il portale è lento", "description": "Da ieri ogni pagina impiega trenta secondi ad aprirsi."},
        )
        assert status == 201, host.output()
        ticket_id = ticket["id"]
        assert ticket["language"] == "it"

        status, listed = call(host, "GET", "/api/tickets?limit=10", customer)
        assert status == 200
        assert [item["id"] for item in listed["items"]] == [ticket_id]  # type: ignore[union-attr]

        steps = [
            (operator, "accept", {}, "accepted"),
            (operator, "request-clarification", {"message": "Da quale sede?"}, "waiting_customer"),
        ]
        for token, action, body, expected in steps:
            status, changed = call(host, "POST", f"/api/tickets/{ticket_id}/{action}", token, body)
            assert (status, changed.get("status")) == (200, expected), changed
        status, _ = call(host, "POST", f"/api/tickets/{ticket_id}/messages", customer, {"body": "Da Pescara."})
        assert status == 201
        for body in ({"body": "Grazie, stiamo verificando."}, {"body": "Indice da ricostruire", "internal": True}):
            status, _ = call(host, "POST", f"/api/tickets/{ticket_id}/messages", operator, body)
            assert status == 201, host.output()
        for action, body, expected in (
            ("resolve", {"resolution": "Indice ricostruito."}, "resolved"),
            ("close", {}, "closed"),
        ):
            status, changed = call(host, "POST", f"/api/tickets/{ticket_id}/{action}", operator, body)
            assert (status, changed.get("status")) == (200, expected), changed

        mails = {
            path.name.split("@")[0].rsplit(".", 1)[1]: email.message_from_bytes(
                path.read_bytes(), policy=policy.default
            )
            for path in (tmp_path / "mail").glob(f"*{str(ticket_id).lower()}*.eml")
        }
        assert sorted(mails) == sorted(
            ["received", "new_in_queue", "accepted", "clarification_requested", "reply", "resolved", "closed"]
        )  # the reply mailed, the internal note not
        reply = mails["reply"].get_body(preferencelist=("plain",))
        assert reply is not None
        assert "Grazie, stiamo verificando." in reply.get_content()
        assert "Indice da ricostruire" not in reply.get_content()
        for kind, mail in mails.items():
            assert f"[{ticket_id}]" in str(mail["Subject"])
            if kind != "new_in_queue":
                assert (
                    str(mail["To"]).endswith(f"anna@{company}.example>") or str(mail["To"]) == f"anna@{company}.example"
                )
                body = mail.get_body(preferencelist=("plain",))
                assert body is not None
                assert "Gentile" in body.get_content(), kind  # the ticket was written in Italian

        stranger = mint_token(["customer"], "someone-else", root=tmp_path)
        status, problem = call(host, "GET", f"/api/tickets/{ticket_id}", stranger)
        assert (status, problem["status"]) == (404, 404)
        assert host.stop() == 0, host.output()
