"""What the desk does: open, act, write, ingest, dispatch, sweep, report, administer.

Each use case is handed what it uses (the ports in :mod:`shared.usecases.ports`); none imports an
adapter or a cloud SDK."""
