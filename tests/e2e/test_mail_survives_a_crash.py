"""Killing the host mid-dispatch loses no mail and sends none twice.

The first host hands its mail to an SMTP server that accepts the connection and never answers,
so the request that opened the ticket hangs in the dispatch right after its commit; the host is
killed there (SIGKILL, no clean-up). A second host, with the file drop, sweeps the outbox: each
of the ticket's mails lands once, and each is logged as sent exactly once across both hosts.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devhost.local_identity import local_auth_environment, mint_token
from tests.e2e.devhost_process import DevHost, running_devhost, wait_until


@contextmanager
def silent_smtp_server() -> Iterator[int]:
    """A TCP server that accepts connections and never says a word; its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def test_killing_the_host_mid_dispatch_loses_and_duplicates_no_mail(azurite: bool, tmp_path: Path) -> None:
    company = f"crash-{uuid.uuid4().hex[:8]}"
    auth = local_auth_environment(tmp_path)
    admin = mint_token(["admin"], root=tmp_path)
    customer = mint_token(["customer"], company, subject=f"anna@{company}.example", root=tmp_path)
    body = {"subject": "Login broken", "description": "Nobody can sign in since this morning."}
    headers = {"Authorization": f"Bearer {customer}", "Content-Type": "application/json"}

    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    with silent_smtp_server() as smtp_port:
        hanging = {**auth, "MAIL_SENDER_KIND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port)}
        hanging |= {"SMTP_STARTTLS": "false", "OUTBOX_LEASE_SECONDS": "3"}
        with running_devhost("function_app:app", tmp_path / "first", hanging) as host:
            document = {
                "name": "Crash",
                "entitled": True,
                "email_domains": [f"{company}.example"],
                "contacts": [],
                "language": "en",
            }
            reply = host.request(
                "PUT",
                f"/api/admin/customers/{company}",
                json.dumps(document).encode(),
                {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"},
            )
            assert reply.status == 200, host.output()
            opening = threading.Thread(
                target=_post_ignoring_errors, args=(host.port, json.dumps(body).encode(), headers), daemon=True
            )
            opening.start()
            assert wait_until(lambda: _tickets_of(host, customer) == 1, 30), host.output()  # committed
            time.sleep(1)  # the first mail is claimed and its SMTP session hangs
            host.process.kill()
            host.process.wait()
            first_log = host.output()
    assert "sent after" not in first_log

    recovering = {
        **auth,
        "MAIL_SENDER_KIND": "file",
        "OUTBOX_SCHEDULE": "*/1 * * * * *",
        "OUTBOX_SWEEP_GRACE_SECONDS": "1",
        "OUTBOX_LEASE_SECONDS": "3",
    }
    with running_devhost("function_app:app", tmp_path / "second", recovering) as host:
        drop = tmp_path / "second" / "mail"
        assert wait_until(
            lambda: len(list(drop.glob("*received*.eml"))) >= 1 and _sent_lines(host.output()) >= 2, 30
        ), host.output()
        time.sleep(3)  # more sweeps: nothing more may be sent
        second_log = host.output()
        assert host.stop() == 0
    mails = sorted(path.name for path in drop.glob("*.eml"))
    received = [name for name in mails if ".received@" in name]
    queued = [name for name in mails if ".new_in_queue@" in name]
    assert len(received) == 1
    assert len(queued) == 1
    for notification in {name.split(".")[0] + "." + name.split(".")[1] for name in received + queued}:
        assert (first_log + second_log).count(f"notification {notification}") <= 2
    assert _sent_lines(first_log + second_log) == 2


def _post_ignoring_errors(port: int, body: bytes, headers: dict[str, str]) -> None:
    """POST a ticket; the host is killed before it answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/tickets", body=body, headers=headers)
        connection.getresponse().read()
    except OSError:
        return
    finally:
        connection.close()


def _tickets_of(host: DevHost, token: str) -> int:
    reply = host.request("GET", "/api/tickets", None, {"Authorization": f"Bearer {token}"})
    return len(json.loads(reply.body)["items"]) if reply.status == 200 else -1


def _sent_lines(log: str) -> int:
    return sum(1 for line in log.splitlines() if ": sent after" in line)
