"""On the local host, a sweep run forward in time escalates a ticket once per level and mails the
right people: ``python -m devhost sweep --now ...`` as an operator would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from devhost.local_identity import local_auth_environment, mint_token
from shared.domain.sla.calendar import default_calendar
from tests.e2e.devhost_process import PROJECT_ROOT, DevHost, running_devhost
from tests.run_storage import ROOMY_SETTINGS


def call(host: DevHost, method: str, path: str, token: str, body: object = None) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    reply = host.request(method, path, None if body is None else json.dumps(body).encode(), headers)
    assert reply.status in {200, 201}, (path, reply.status, reply.body)
    return json.loads(reply.body)  # type: ignore[no-any-return]


def sweep_at(moment: datetime, settings: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "devhost", "sweep", "--now", moment.isoformat()],
        cwd=PROJECT_ROOT,
        env={**os.environ, **settings},
        capture_output=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_sweeping_forward_escalates_a_blocking_ticket_once_per_level(azurite: bool, tmp_path: Path) -> None:
    settings = {
        **local_auth_environment(tmp_path),
        "MAIL_DROP_DIR": str(tmp_path / "mail"),
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
        "TABLES_CONNECTION_STRING": "UseDevelopmentStorage=true",
        "ESCALATION_SUPERVISORS_ADDRESS": "supervisors@desk.example",
        "ESCALATION_MANAGEMENT_ADDRESS": "management@desk.example",
        **ROOMY_SETTINGS,  # the sweeps' mail budget, the same as the host's
    }
    company = f"late-{uuid.uuid4().hex[:8]}"
    admin = mint_token(["admin"], root=tmp_path)
    customer = mint_token(["customer"], company, subject=f"anna@{company}.example", root=tmp_path)
    supervisor = mint_token(["supervisor"], subject="sara@desk.example", root=tmp_path)
    with running_devhost("function_app:app", tmp_path, settings) as host:
        document = {
            "name": "Late",
            "entitled": True,
            "email_domains": [f"{company}.example"],
            "contacts": [],
            "language": "en",
        }
        call(host, "PUT", f"/api/admin/customers/{company}", admin, document)
        ticket = call(
            host, "POST", "/api/tickets", customer,
            {"subject": "Down", "description": "The whole platform is down for everybody.", "priority": 1},
        )  # fmt: skip
        opened = datetime.fromisoformat(str(ticket["created_at"]).replace("Z", "+00:00"))
        calendar = default_calendar()
        for share in (0.75, 1.0, 1.5):  # each level's working instant, and a minute past it
            due = calendar.add_working_time(opened, timedelta(hours=share))
            report = sweep_at(due + timedelta(minutes=1), settings)
            assert report["failed"] == 0, report
        sweep_at(calendar.add_working_time(opened, timedelta(hours=2)), settings)  # nothing more to do
        seen = call(host, "GET", f"/api/tickets/{ticket['id']}", supervisor)
        assert seen["sla"]["escalation_level"] == 3  # type: ignore[index]
        assert seen["sla"]["breached"] is True  # type: ignore[index]
        events = call(host, "GET", f"/api/tickets/{ticket['id']}/events?limit=100", supervisor)["items"]
        escalated = [e["data"] for e in events if e["type"] == "escalated"]  # type: ignore[attr-defined, index]
        assert [(e["clock"], e["level"]) for e in escalated if e["clock"] == "take_charge"] == [
            ("take_charge", 1),
            ("take_charge", 2),
            ("take_charge", 3),
        ]
        assert host.stop() == 0
    mails = sorted((tmp_path / "mail").glob(f"*{str(ticket['id']).lower()}*.escalation@*.eml"))
    recipients = sorted(
        line.split(":", 1)[1].strip()
        for path in mails
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.startswith("To:")
    )
    assert recipients == ["management@desk.example", "supervisors@desk.example", "team@desk.localhost"]
