"""The desk's ways out to the world: Table and Blob Storage, MIME in, Jinja2 and mail
senders out, bearer tokens. They implement the use cases' ports."""
