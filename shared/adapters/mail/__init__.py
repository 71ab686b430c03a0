"""Mail as bytes and words: parsing raw messages, rendering notifications from
catalogues and templates, and the senders (ACS, SMTP, a local file drop)."""
