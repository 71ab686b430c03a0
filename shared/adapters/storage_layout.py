"""The storage resources the desk needs, each name written once: the stores, the edges, the local
host, provisioning and the templates all take theirs from here (``tests/unit/adapters/test_storage_names.py``
fails on a name written anywhere else; ``tests/unit/infra/test_infra.py`` checks the Bicep templates
create the same ones).

The local host creates exactly these on Azurite at start; the Bicep templates create the same
names in the storage account. A module that needs a new table, container or queue adds it here.
"""

# -- Azure Table Storage tables (what each holds, and why so: docs/storage.md) -------------------

#: A customer's tickets, their history, the outbox's notifications and the claims of mail that
#: changed them, one partition per customer.
TICKETS_TABLE = "Tickets"
TICKET_IDS_TABLE = "TicketIds"
CUSTOMERS_TABLE = "Customers"
#: The customers' contact addresses and mail domains.
ADDRESSES_TABLE = "CustomerAddresses"
CLOSURES_TABLE = "Closures"
#: The staff directory: who a member of staff is, by issuer and directory object id.
STAFF_TABLE = "StaffDirectory"
#: The canned replies operators insert into a reply, in Italian and English.
CANNED_REPLIES_TABLE = "CannedReplies"
AUDIT_TABLE = "Audit"
#: The outbox's index of mail to send and of mail that failed, and the app's one mail budget.
OUTBOX_INDEX_TABLE = "OutboxIndex"
ESCALATIONS_TABLE = "Escalations"
#: Received mail and its outcome.
INBOUND_TABLE = "InboundMail"
#: Who has which ticket's screen open in the console, one partition per ticket.
PRESENCE_TABLE = "Presence"
#: The search index: a row per term of a ticket (id, contact, subject and customer words), newest
#: first, and the intents of rows about to be written.
SEARCH_INDEX_TABLE = "SearchIndex"
#: The console's view index: each view's rows in the order it shows them, where each ticket's
#: rows are, and the intents of the changes whose rows may lag behind.
CONSOLE_VIEWS_TABLE = "ConsoleViews"

TABLES: tuple[str, ...] = (
    TICKETS_TABLE,
    TICKET_IDS_TABLE,
    CUSTOMERS_TABLE,
    ADDRESSES_TABLE,
    CLOSURES_TABLE,
    STAFF_TABLE,
    CANNED_REPLIES_TABLE,
    AUDIT_TABLE,
    OUTBOX_INDEX_TABLE,
    ESCALATIONS_TABLE,
    INBOUND_TABLE,
    PRESENCE_TABLE,
    SEARCH_INDEX_TABLE,
    CONSOLE_VIEWS_TABLE,
)

# -- Blob containers ----------------------------------------------------------------------------------

#: Raw inbound mail as the mailbox connector writes it (the blob trigger's container).
INBOUND_CONTAINER = "inbound-email"
#: Mail set aside, with the reason, for an administrator.
QUARANTINE_CONTAINER = "inbound-quarantine"
#: The attachments kept with tickets.
ATTACHMENTS_CONTAINER = "ticket-attachments"
#: The Event Grid deliveries to the blob trigger that ran out of retries (Azure only: Event Grid
#: dead-letters ``BlobCreated`` events there; locally it stays empty).
EVENT_GRID_DEAD_LETTER_CONTAINER = "inbound-email-deadletter"

BLOB_CONTAINERS: tuple[str, ...] = (
    INBOUND_CONTAINER,
    QUARANTINE_CONTAINER,
    ATTACHMENTS_CONTAINER,
    EVENT_GRID_DEAD_LETTER_CONTAINER,
)

# -- Storage queues -----------------------------------------------------------------------------------

#: Where the blob trigger's host puts a blob that failed ``poisonBlobThreshold`` times
#: (host.json); ``quarantine_poisoned_mail`` takes them from there.
BLOB_POISON_QUEUE = "webjobs-blobtrigger-poison"

QUEUES: tuple[str, ...] = (BLOB_POISON_QUEUE,)
