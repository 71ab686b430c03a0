"""infra/hooks/postdeploy.sh run for real against a stand-in ``az`` on PATH: it fails loudly, with
its documented exit code and message, when the Azure CLI is missing or logged out, when the app
never lists the blob-triggered function, when the key never appears and when the Event Grid
deployment keeps failing; it retries the lookups and the deployment; it never shows the key; and
only POSTDEPLOY_SKIP_EVENT_GRID=true skips the step.

PowerShell cannot be installed here, so postdeploy.ps1 (the same steps, the same exit codes) is
held to the same structure by tests/unit/infra/test_infra.py only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

HOOK = Path(__file__).resolve().parents[3] / "infra" / "hooks" / "postdeploy.sh"
KEY = "s3cr3t-blobs-extension-key=="

#: The stand-in Azure CLI: answers the commands the hook runs, as STUB_* variables say, and logs
#: each call (arguments, one line) to $STUB_STATE/calls.
STUB_AZ = r"""#!/bin/sh
state="$STUB_STATE"
printf '%s\n' "$*" >>"$state/calls"
bump() { n=$(cat "$state/$1" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" >"$state/$1"; echo "$n"; }
case "$1 $2" in
  "account show")
    [ "$STUB_LOGGED_IN" = yes ] || { echo "ERROR: Please run 'az login' to setup account." >&2; exit 1; }
    ;;
  "functionapp function")
    n=$(bump function)
    [ "$n" -gt "$STUB_FUNCTION_MISSING" ] || { echo "ERROR: Function ingest_inbound_mail not found" >&2; exit 3; }
    ;;
  "functionapp show")
    echo "func-test.azurewebsites.net"
    ;;
  "functionapp keys")
    n=$(bump keys)
    [ "$n" -gt "$STUB_KEY_MISSING" ] && echo "$STUB_KEY"
    ;;
  "deployment group")
    n=$(bump deployment)
    for argument in "$@"; do
      case "$argument" in @*) cp "${argument#@}" "$state/parameters-$n.json" ;; esac
    done
    if [ "$n" -le "$STUB_DEPLOY_FAILURES" ]; then
      webhook="https://func-test.azurewebsites.net/runtime/webhooks/blobs"
      echo "ERROR: Webhook validation handshake failed for $webhook?functionName=Host.Functions.x&code=$STUB_KEY" >&2
      exit 1
    fi
    ;;
  *)
    echo "stub az: unexpected command: $*" >&2
    exit 99
    ;;
esac
"""

STUB_CURL = '#!/bin/sh\nprintf \'curl %s\\n\' "$*" >>"$STUB_STATE/calls"\n'

#: What the hook and the stand-ins run besides az and curl.
TOOLS = ("sh", "cat", "cp", "dirname", "mktemp", "rm", "sed", "sleep", "echo")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    calls: list[str]
    state: Path

    def count(self, command: str) -> int:
        return sum(call.startswith(command) for call in self.calls)


def _run(tmp_path: Path, *, with_az: bool = True, **settings: str) -> Run:
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir()
    state.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is needed to run the hook"
        (bin_dir / tool).symlink_to(found)
    stubs = {"curl": STUB_CURL, **({"az": STUB_AZ} if with_az else {})}
    for name, text in stubs.items():
        (bin_dir / name).write_text(text, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    environment = {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path),
        "STUB_STATE": str(state),
        "STUB_KEY": KEY,
        "STUB_LOGGED_IN": "yes",
        "STUB_FUNCTION_MISSING": "0",
        "STUB_KEY_MISSING": "0",
        "STUB_DEPLOY_FAILURES": "0",
        "AZURE_RESOURCE_GROUP": "rg-desk-test",
        "AZURE_FUNCTION_APP_NAME": "func-test",
        "AZURE_STORAGE_ACCOUNT_NAME": "sttest",
        "EVENT_GRID_SYSTEM_TOPIC_NAME": "evgt-test",
        "POSTDEPLOY_PAUSE_SECONDS": "0",
        "POSTDEPLOY_DEPLOY_PAUSE_SECONDS": "0",
        **settings,
    }
    completed = subprocess.run(
        [str(bin_dir / "sh"), str(HOOK)], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    calls_file = state / "calls"
    calls = calls_file.read_text(encoding="utf-8").splitlines() if calls_file.exists() else []
    return Run(completed.returncode, completed.stdout, completed.stderr, calls, state)


def _assert_the_key_never_shows(run: Run) -> None:
    assert KEY not in run.out
    assert KEY not in run.err
    assert all(KEY not in call for call in run.calls), "the key went on a command line"


def test_a_missing_azure_cli_fails_the_hook(tmp_path: Path) -> None:
    run = _run(tmp_path, with_az=False)
    assert run.code == 2
    assert "the Azure CLI (az) is not installed" in run.err


def test_a_logged_out_azure_cli_fails_the_hook_before_anything_else(tmp_path: Path) -> None:
    run = _run(tmp_path, STUB_LOGGED_IN="no")
    assert run.code == 3
    assert "not logged in: run az login" in run.err
    assert run.calls == ["account show --only-show-errors --output none"]


def test_the_function_lookup_is_retried_and_fails_the_hook_when_it_never_appears(tmp_path: Path) -> None:
    run = _run(tmp_path, STUB_FUNCTION_MISSING="1000", POSTDEPLOY_FUNCTION_ATTEMPTS="3")
    assert run.code == 4
    assert run.count("functionapp function show") == 3
    assert "lists no ingest_inbound_mail function after 3 tries" in run.err
    assert "Function ingest_inbound_mail not found" in run.err, "the last az error is shown"
    assert "waiting for func-test to list ingest_inbound_mail (2/3)" in run.out
    assert run.count("deployment group create") == 0


def test_a_key_that_never_appears_fails_the_hook(tmp_path: Path) -> None:
    run = _run(tmp_path, STUB_KEY_MISSING="1000", BLOBS_KEY_ATTEMPTS="2")
    assert run.code == 5
    assert run.count("functionapp keys list") == 2
    assert "no blobs_extension key on func-test after 2 reads" in run.err
    assert run.count("deployment group create") == 0


def test_a_deployment_that_keeps_failing_is_retried_then_fails_the_hook(tmp_path: Path) -> None:
    run = _run(tmp_path, STUB_DEPLOY_FAILURES="1000", POSTDEPLOY_DEPLOY_ATTEMPTS="3")
    assert run.code == 6
    assert run.count("deployment group create") == 3
    assert "failed to deploy 3 times" in run.err
    assert "Webhook validation handshake failed" in run.err, "Event Grid's error is shown"
    assert "code=***" in run.err, "the key in the error is masked"
    assert "again in 0s" in run.out
    _assert_the_key_never_shows(run)
    assert not any(Path(line.split("@", 1)[1].split()[0]).exists() for line in run.calls if " @" in line)


def test_the_hook_waits_for_the_function_and_the_key_and_retries_the_handshake_then_succeeds(tmp_path: Path) -> None:
    run = _run(tmp_path, STUB_FUNCTION_MISSING="2", STUB_KEY_MISSING="1", STUB_DEPLOY_FAILURES="1")
    assert run.code == 0, run.err
    assert run.out.strip().endswith("postdeploy: Event Grid subscription in place")
    assert (run.count("functionapp function show"), run.count("functionapp keys list")) == (3, 2)
    assert run.count("deployment group create") == 2
    assert run.count("curl ") == 1, "the host is woken once"
    # The key reached the deployment only through its parameters file, which is gone afterwards.
    assert (run.state / "parameters-2.json").read_text(encoding="utf-8").strip() == (
        '{"blobsExtensionKey": {"value": "' + KEY + '"}}'
    )
    [deployment] = [call for call in run.calls if call.startswith("deployment group create")][-1:]
    assert "functionName=ingest_inbound_mail" in deployment
    parameters_file = Path(deployment.split("@", 1)[1].split()[0])
    assert not parameters_file.exists()
    _assert_the_key_never_shows(run)


def test_only_the_explicit_setting_skips_the_step_and_it_says_so(tmp_path: Path) -> None:
    run = _run(tmp_path, with_az=False, POSTDEPLOY_SKIP_EVENT_GRID="true")
    assert run.code == 0
    assert "the Event Grid subscription is NOT created" in run.err
    assert run.calls == []


@pytest.mark.parametrize(
    ("setting", "value"),
    [("POSTDEPLOY_SKIP_EVENT_GRID", "maybe"), ("POSTDEPLOY_DEPLOY_ATTEMPTS", "five"), ("BLOBS_KEY_ATTEMPTS", "-1")],
)
def test_a_wrong_setting_fails_the_hook_naming_it(tmp_path: Path, setting: str, value: str) -> None:
    run = _run(tmp_path, **{setting: value})
    assert run.code == 7
    assert setting in run.err
    assert run.count("deployment group create") == 0


def test_a_missing_azd_variable_fails_the_hook(tmp_path: Path) -> None:
    run = _run(tmp_path, EVENT_GRID_SYSTEM_TOPIC_NAME="")
    assert run.code != 0
    assert "EVENT_GRID_SYSTEM_TOPIC_NAME" in run.err


def test_the_hook_is_executable_posix_sh() -> None:
    assert HOOK.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    assert os.access(HOOK, os.X_OK)
