"""The app's HTTP routes as the host registers them, for the tests that go over every route."""

from __future__ import annotations

from types import ModuleType

import azure.functions as func

import function_app
from devhost.http_dispatch import HttpDispatcher, HttpRoute, http_routes


def registered_routes() -> list[HttpRoute]:
    """The HTTP routes of every blueprint ``function_app`` registers, read from a throwaway app
    (``get_functions`` may be called only once per app object), most specific first."""
    fresh = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    for value in vars(function_app).values():
        blueprint = getattr(value, "bp", None) if isinstance(value, ModuleType) else None
        if isinstance(blueprint, func.Blueprint):
            fresh.register_functions(blueprint)
    functions = [function for function in fresh.get_functions() if function.is_http_function()]
    return HttpDispatcher(http_routes(functions), route_prefix="").routes
