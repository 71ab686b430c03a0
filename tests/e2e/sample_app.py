"""A throwaway function app that only the tests serve, one function per behaviour of the host.

The timer and the blob trigger write to files whose paths come from app settings, so that a
test can watch them from outside the host's process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import azure.functions as func

TIMER_LOG_SETTING = "SAMPLE_TIMER_LOG"
BLOB_LOG_SETTING = "SAMPLE_BLOB_LOG"

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


def append_line(setting: str, line: str) -> None:
    with Path(os.environ[setting]).open("a", encoding="utf-8") as log:
        log.write(line + "\n")


@app.route(route="items/{id:int}", methods=["GET"])
def get_item(req: func.HttpRequest) -> func.HttpResponse:
    """Echo the route value and the query."""
    document = {"id": req.route_params["id"], "query": dict(req.params)}
    return func.HttpResponse(json.dumps(document), mimetype="application/json")


@app.route(route="echo", methods=["POST"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    """Echo the body with its content type."""
    return func.HttpResponse(req.get_body(), mimetype=req.headers.get("content-type", "application/octet-stream"))


@app.route(route="boom", methods=["GET"])
def boom(req: func.HttpRequest) -> func.HttpResponse:
    """Fail with a message that must not reach the client."""
    raise RuntimeError("connection string AccountKey=do-not-leak")


@app.timer_trigger(schedule="*/1 * * * * *", arg_name="timer")
def every_second(timer: func.TimerRequest) -> None:
    """Note each run."""
    append_line(TIMER_LOG_SETTING, f"past_due={timer.past_due}")


@app.blob_trigger(arg_name="blob", path="%SAMPLE_CONTAINER%/{name}", connection="AzureWebJobsStorage")
def on_blob(blob: func.InputStream) -> None:
    """Note each blob: its name, length and content."""
    append_line(BLOB_LOG_SETTING, json.dumps({"name": blob.name, "length": blob.length, "data": blob.read().decode()}))
