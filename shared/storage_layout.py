"""The storage resources the desk needs: one list that provisioning and the templates follow.

The local host creates exactly these on Azurite at start; the Bicep templates create the same
names in the storage account. A module that needs a new table, container or queue adds it here.
"""

#: Azure Table Storage tables (their design: docs/storage.md).
TABLES: tuple[str, ...] = (
    "Tickets",
    "TicketIds",
    "Customers",
    "CustomerAddresses",
    "Closures",
    "Audit",
    "OutboxIndex",
    "Escalations",
)

#: Blob containers: raw inbound mail as the mailbox connector writes it, and mail set aside.
BLOB_CONTAINERS: tuple[str, ...] = ("inbound-email", "inbound-quarantine")

#: Storage queues.
QUEUES: tuple[str, ...] = ()
