"""Outgoing-mail senders: one :class:`~shared.domain.outgoing_mail.Sender` per way out (ACS, SMTP, a
local file drop)."""
