"""Mail coming in: parsing raw RFC 5322 messages, telling robots from people, and the values the
intake works with (:mod:`shared.mail.inbound.message`)."""
