"""The clients the functions share, built on first use and kept for the life of the worker.

Nothing is built at import time: Flex Consumption gives an app 30 seconds to start, and a cold
start should not wait on storage.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from shared.settings import settings
from shared.storage import table_service

if TYPE_CHECKING:
    from azure.data.tables import TableServiceClient


@cache
def tables() -> TableServiceClient:
    """The Table service client of the app's storage."""
    return table_service(settings().tables)
