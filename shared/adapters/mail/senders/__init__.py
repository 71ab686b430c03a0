"""Outgoing-mail senders: one :class:`~shared.usecases.ports.Sender` per way out (ACS, SMTP, a
local file drop)."""
