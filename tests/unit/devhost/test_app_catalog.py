"""Which of an app's functions the local host serves, and which it leaves out saying why."""

from __future__ import annotations

import logging

import azure.functions as func
import pytest

from devhost.app_loader import catalog_functions, is_disabled, load_app


def names(functions: list[func.decorators.function_app.Function]) -> list[str]:
    return [str(function.get_function_name()) for function in functions]


def build_app() -> func.FunctionApp:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="ping")
    def ping(req: func.HttpRequest) -> str:
        return "pong"

    @app.route(route="off")
    def switched_off(req: func.HttpRequest) -> str:
        return "off"

    @app.timer_trigger(schedule="0 0 * * * *", arg_name="timer")
    def hourly(timer: func.TimerRequest) -> None:
        """A timer."""

    @app.blob_trigger(arg_name="blob", path="inbound/{name}", connection="AzureWebJobsStorage")
    def on_blob(blob: func.InputStream) -> None:
        """A blob trigger."""

    @app.queue_trigger(arg_name="message", queue_name="work", connection="AzureWebJobsStorage")
    def on_message(message: func.QueueMessage) -> None:
        """A queue trigger."""

    @app.service_bus_queue_trigger(arg_name="message", queue_name="work", connection="SERVICE_BUS")
    def on_bus_message(message: func.ServiceBusMessage) -> None:
        """A Service Bus trigger: not served locally."""

    @app.route(route="needs-table")
    @app.table_input(arg_name="rows", table_name="tickets", connection="TABLES_CONNECTION_STRING")
    def needs_table(req: func.HttpRequest, rows: str) -> str:
        return rows

    return app


def test_functions_are_sorted_by_trigger_and_the_rest_logged_as_not_served(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    catalog = catalog_functions(build_app(), {"AzureWebJobs.switched_off.Disabled": "true"})
    assert (names(catalog.http), names(catalog.timers), names(catalog.blobs), names(catalog.queues)) == (
        ["ping"],
        ["hourly"],
        ["on_blob"],
        ["on_message"],
    )
    assert "switched_off: disabled" in caplog.text
    assert "on_bus_message: serviceBusTrigger is not served" in caplog.text
    assert "needs_table: not served, it needs bindings the local host lacks: rows" in caplog.text


@pytest.mark.parametrize(
    ("environ", "disabled"),
    [
        ({"AzureWebJobs.f.Disabled": "true"}, True),
        ({"AzureWebJobs_f_Disabled": "1"}, True),
        ({"AzureWebJobs.f.Disabled": "false"}, False),
        ({"AzureWebJobs.g.Disabled": "true"}, False),
        ({}, False),
    ],
)
def test_a_function_is_disabled_by_its_app_setting(environ: dict[str, str], disabled: bool) -> None:
    assert is_disabled("f", environ) is disabled


def test_the_app_is_named_as_module_and_attribute() -> None:
    assert isinstance(load_app("tests.e2e.sample_app:app"), func.FunctionApp)


@pytest.mark.parametrize(
    ("spec", "error"),
    [("function_app", ValueError), (":app", ValueError), ("tests.e2e.sample_app:TIMER_LOG_SETTING", TypeError)],
)
def test_an_app_spec_that_names_no_function_app_is_refused(spec: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        load_app(spec)
