"""Import the function app and sort its functions by the trigger that runs them."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from azure.functions import FunctionApp
from azure.functions.decorators.function_app import Function

from devhost import PROJECT_ROOT
from devhost.invocation import name_of, trigger_of, unbound_parameters

LOG = logging.getLogger(__name__)

HTTP_TRIGGER = "httpTrigger"
TIMER_TRIGGER = "timerTrigger"
BLOB_TRIGGER = "blobTrigger"
QUEUE_TRIGGER = "queueTrigger"


@dataclass(frozen=True)
class FunctionCatalog:
    """The app's functions that the local host serves, by trigger type."""

    http: list[Function] = field(default_factory=list)
    timers: list[Function] = field(default_factory=list)
    blobs: list[Function] = field(default_factory=list)
    queues: list[Function] = field(default_factory=list)


def load_app(spec: str) -> FunctionApp:
    """The FunctionApp named by ``spec`` as ``module:attribute`` (``function_app:app``),
    imported with the project root on ``sys.path``."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"--app must look like module:attribute, not {spec!r}")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    app = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(app, FunctionApp):
        raise TypeError(f"{spec} is a {type(app).__name__}, not an azure.functions.FunctionApp")
    return app


def is_disabled(name: str, environ: Mapping[str, str]) -> bool:
    """Whether the app setting ``AzureWebJobs.<name>.Disabled`` (or, as Linux environments
    spell it, ``AzureWebJobs_<name>_Disabled``) is ``true`` or ``1``."""
    for setting in (f"AzureWebJobs.{name}.Disabled", f"AzureWebJobs_{name}_Disabled"):
        if environ.get(setting, "").strip().lower() in {"true", "1"}:
            return True
    return False


def catalog_functions(app: FunctionApp, environ: Mapping[str, str]) -> FunctionCatalog:
    """The app's functions by trigger type. Reads ``app.get_functions()``, which the library
    allows once per app object. Disabled functions, triggers the local host does not run and
    functions needing bindings other than their trigger are logged as not served."""
    catalog = FunctionCatalog()
    by_type = {
        HTTP_TRIGGER: catalog.http,
        TIMER_TRIGGER: catalog.timers,
        BLOB_TRIGGER: catalog.blobs,
        QUEUE_TRIGGER: catalog.queues,
    }
    for function in app.get_functions():
        name = name_of(function)
        trigger_type = trigger_of(function).type
        if is_disabled(name, environ):
            LOG.info("%s: disabled by app setting, not served", name)
        elif trigger_type not in by_type:
            LOG.warning("%s: %s is not served by the local host", name, trigger_type)
        elif needs := unbound_parameters(function):
            LOG.warning("%s: not served, it needs bindings the local host lacks: %s", name, ", ".join(needs))
        else:
            by_type[trigger_type].append(function)
    return catalog
