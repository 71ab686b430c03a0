"""Calling a user function with its trigger's value, sync and async functions alike."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import Any, TypeVar

from azure.functions.decorators.core import Trigger
from azure.functions.decorators.function_app import Function

LOG = logging.getLogger(__name__)

TriggerType = TypeVar("TriggerType", bound=Trigger)


def name_of(function: Function) -> str:
    """The function's name (its Python name unless the app gave it another)."""
    return str(function.get_function_name())


def trigger_of(function: Function) -> Trigger:
    """The function's trigger (the library refuses to build a function without one)."""
    trigger = function.get_trigger()
    if trigger is None:
        raise ValueError(f"function {name_of(function)} has no trigger")
    return trigger


def typed_trigger(function: Function, kind: type[TriggerType]) -> TriggerType:
    """The function's trigger, which must be a ``kind``."""
    trigger = trigger_of(function)
    if not isinstance(trigger, kind):
        raise TypeError(f"function {name_of(function)} has a {type(trigger).__name__}, not a {kind.__name__}")
    return trigger


def unbound_parameters(function: Function) -> list[str]:
    """The parameters of the user function, other than its trigger's, that have no default:
    the local host binds nothing but the trigger, so a function with any cannot be served."""
    trigger_name = trigger_of(function).name
    signature = inspect.signature(function.get_user_function())
    return [
        name
        for name, parameter in signature.parameters.items()
        if name != trigger_name and parameter.default is inspect.Parameter.empty
    ]


def invoke(function: Function, trigger_value: Any) -> Any:
    """Call the user function with ``trigger_value`` bound to its trigger's parameter and
    return what it returns; a coroutine it returns is run to completion on a fresh event
    loop. Exceptions from the function propagate."""
    result = function.get_user_function()(**{trigger_of(function).name: trigger_value})
    if inspect.isawaitable(result):
        return asyncio.run(_awaited(result))
    return result


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def run_logged(function: Function, trigger_value: Any, reason: str) -> bool:
    """Invoke a function for a non-HTTP trigger and log the outcome, with the traceback when
    it raised; returns whether it succeeded. ``reason`` says what triggered it."""
    name = name_of(function)
    started = time.perf_counter()
    try:
        invoke(function, trigger_value)
    except Exception:
        LOG.exception("%s failed (%s)", name, reason)
        return False
    LOG.info("%s succeeded (%s) in %.0f ms", name, reason, (time.perf_counter() - started) * 1000)
    return True
