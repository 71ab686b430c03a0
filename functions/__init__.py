"""The function edges: each module holds one blueprint that turns its trigger into a call of a use
case and the result into a response. ``dependencies`` plugs the adapters into the use cases (the
only module here that builds them), ``http`` is the HTTP kit and ``schemas`` the API's documents."""
