"""Settings, read from the environment, failing fast with the name of what is missing or wrong.

One module per part of the app, each with its own loader, so that a part answers without the
settings of another (health needs neither mail nor authentication): ``app`` (Table Storage and the
desk), ``portal`` (the portal's sign-in), ``mail`` (mail out), ``inbound`` (mail in) and ``auth``
(bearer tokens). ``env`` holds :class:`~shared.config.env.SettingsError` and the one reader per
kind of value they all use. This floor imports the domain and the standard library only.
"""
