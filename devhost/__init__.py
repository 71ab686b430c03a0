"""A small local host for the function app: a development tool that is never deployed.

Azure Functions Core Tools cannot be installed here, so ``python -m devhost serve`` stands in
for ``func start``: it loads ``local.settings.json``, makes sure Azurite runs, provisions the
storage the app needs and serves the app's HTTP, timer, blob and queue triggers;
``python -m devhost ingest`` drops raw mail into the inbound container as the mailbox connector
would.
"""

from pathlib import Path

#: The repository root: where ``host.json``, ``local.settings.json`` and the app live.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
