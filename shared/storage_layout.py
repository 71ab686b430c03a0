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

#: Blob containers: raw inbound mail as the mailbox connector writes it, mail set aside, and the
#: files that came with customers' mail.
BLOB_CONTAINERS: tuple[str, ...] = ("inbound-email", "inbound-quarantine", "ticket-attachments")

#: Storage queues: where the host reports a blob it gave up on (read by ``quarantine_poisoned_mail``).
QUEUES: tuple[str, ...] = ("webjobs-blobtrigger-poison",)
