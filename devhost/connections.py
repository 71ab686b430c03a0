"""Storage connections named by app settings, resolved the way the Functions host does."""

from __future__ import annotations

from collections.abc import Mapping

from shared.adapters.storage import connection_string

#: The host's own storage: blob receipts, and the default connection of storage bindings.
HOST_STORAGE_SETTING = "AzureWebJobsStorage"


class MissingConnectionError(LookupError):
    """No app setting holds the connection string a binding names."""


def resolve_connection(name: str | None, environ: Mapping[str, str]) -> str:
    """The connection string behind a binding's ``connection`` property.

    The setting ``name`` is looked up, then ``AzureWebJobs<name>``; an empty name means
    ``AzureWebJobsStorage``. ``UseDevelopmentStorage=true`` is expanded for Azurite.
    Identity-based connections (``<name>__serviceUri``) are not supported by the local host.
    """
    candidates = [name, f"AzureWebJobs{name}"] if name else [HOST_STORAGE_SETTING]
    for setting in candidates:
        value = environ.get(setting, "").strip()
        if value:
            return connection_string(value)
    raise MissingConnectionError(
        f"no connection string in app setting {' or '.join(candidates)} "
        "(identity-based connections are not supported locally)"
    )
