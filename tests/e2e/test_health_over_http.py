"""The real app behind the local host: ``GET /api/health`` over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

from shared import __version__
from tests.e2e.devhost_process import running_devhost


def test_health_answers_ok_with_the_version_over_http(azurite: bool, tmp_path: Path) -> None:
    with running_devhost("function_app:app", tmp_path) as host:
        reply = host.request("GET", "/api/health")
        assert reply.status == 200, host.output()
        assert reply.headers["Content-Type"].startswith("application/json")
        document = json.loads(reply.body)
        assert document["status"] == "ok"
        assert document["version"] == __version__
        assert host.stop() == 0, host.output()
