"""Clients for Azure Storage, built from app settings, for Azure and for Azurite alike.

A connection is either a connection string (``UseDevelopmentStorage=true`` included, which
means the local Azurite emulator) or an account endpoint reached with the app's managed identity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from azure.data.tables import TableServiceClient
    from azure.storage.blob import BlobServiceClient

    from shared.config.app import TableStorageSettings
    from shared.usecases.health import Probe

#: The emulator's well-known development account. Its key is public and documented; it opens
#: nothing but a local Azurite.
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
AZURITE_HOST = "127.0.0.1"
AZURITE_PORTS = {"blob": 10000, "queue": 10001, "table": 10002}

DEVELOPMENT_STORAGE = "UseDevelopmentStorage=true"


def azurite_connection_string(host: str = AZURITE_HOST) -> str:
    """The full connection string of the local emulator's development account."""
    endpoints = ";".join(
        f"{service.capitalize()}Endpoint=http://{host}:{port}/{AZURITE_ACCOUNT}"
        for service, port in AZURITE_PORTS.items()
    )
    return f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};{endpoints}"


def connection_string(value: str) -> str:
    """A usable connection string: the shorthand for development storage is expanded, the rest
    is returned unchanged (the Azure SDKs do not understand the shorthand themselves)."""
    if value.strip().rstrip(";").lower() == DEVELOPMENT_STORAGE.lower():
        return azurite_connection_string()
    return value


def table_service(settings: TableStorageSettings) -> TableServiceClient:
    """A Table service client: by connection string when one is set, else by the account
    endpoint with the managed identity (``DefaultAzureCredential``)."""
    from azure.data.tables import TableServiceClient

    timeout = settings.timeout_seconds
    if settings.connection_string:
        return TableServiceClient.from_connection_string(
            connection_string(settings.connection_string), connection_timeout=timeout, read_timeout=timeout
        )
    if not settings.endpoint:
        raise ValueError("a Table Storage endpoint or connection string is required")
    from azure.identity import DefaultAzureCredential

    credential = DefaultAzureCredential(managed_identity_client_id=settings.client_id)
    return TableServiceClient(
        endpoint=settings.endpoint, credential=credential, connection_timeout=timeout, read_timeout=timeout
    )


def blob_service(connection: str, environ: Mapping[str, str], *, timeout: float = 30.0) -> BlobServiceClient:
    """A Blob service client for the app connection ``connection``, resolved as the Functions host
    resolves a binding's: the setting ``connection`` holding a connection string, else
    ``<connection>__blobServiceUri`` (or ``__serviceUri``) reached with the managed identity
    (``<connection>__clientId`` for a user-assigned one)."""
    from azure.storage.blob import BlobServiceClient

    value = environ.get(connection, "").strip()
    if value:
        return BlobServiceClient.from_connection_string(
            connection_string(value), connection_timeout=timeout, read_timeout=timeout
        )
    endpoint = (
        environ.get(f"{connection}__blobServiceUri", "").strip() or environ.get(f"{connection}__serviceUri", "").strip()
    )
    if not endpoint:
        raise ValueError(f"the connection {connection} needs {connection} or {connection}__blobServiceUri")
    from azure.identity import DefaultAzureCredential

    client_id = environ.get(f"{connection}__clientId", "").strip() or None
    credential = DefaultAzureCredential(managed_identity_client_id=client_id)
    return BlobServiceClient(endpoint, credential=credential, connection_timeout=timeout, read_timeout=timeout)


def table_storage_probe(service_factory: Callable[[], TableServiceClient]) -> Probe:
    """A probe (:mod:`shared.usecases.health`) that lists one table page, without retries, so a
    dead endpoint fails fast."""

    def probe() -> None:
        service = service_factory()
        pages = service.list_tables(results_per_page=1, retry_total=0).by_page()
        next(iter(pages), None)

    return probe
