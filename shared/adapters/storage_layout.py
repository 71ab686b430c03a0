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
    "InboundMail",
)

#: Blob containers: raw inbound mail as the mailbox connector writes it, mail set aside, the
#: attachments kept with tickets, and the Event Grid deliveries to the blob trigger that ran out of
#: retries (Azure only: Event Grid dead-letters ``BlobCreated`` events there; locally it stays empty).
BLOB_CONTAINERS: tuple[str, ...] = (
    "inbound-email",
    "inbound-quarantine",
    "ticket-attachments",
    "inbound-email-deadletter",
)

#: The Event Grid subscription's dead-letter container (one of ``BLOB_CONTAINERS``).
EVENT_GRID_DEAD_LETTER_CONTAINER = "inbound-email-deadletter"

#: Storage queues: where the blob trigger's host puts a blob that failed ``poisonBlobThreshold``
#: times (host.json); ``quarantine_poisoned_mail`` takes them from there.
QUEUES: tuple[str, ...] = ("webjobs-blobtrigger-poison",)
