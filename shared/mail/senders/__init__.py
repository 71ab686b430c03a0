"""Outgoing-mail senders: one :class:`~shared.mail.senders.base.Sender` per way out (ACS, SMTP, a local file drop)."""
