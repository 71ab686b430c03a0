"""``python -m devhost serve``: run the function app locally, as ``func start`` would.

Start-up order: app settings from ``local.settings.json``, Azurite, the storage layout, the
app, the HTTP listener, timers, blob and queue pollers. SIGINT or SIGTERM stops them in reverse
order, the Azurite this command started last.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType

from devhost import PROJECT_ROOT, blob_triggers, queue_triggers
from devhost.app_loader import FunctionCatalog, catalog_functions, load_app
from devhost.azurite import AzuriteError, ensure_azurite
from devhost.background import ThreadGroup
from devhost.blob_receipts import ReceiptStore
from devhost.blob_triggers import blob_jobs, start_blob_pollers
from devhost.connections import MissingConnectionError, resolve_connection
from devhost.demo import demo_users, seed_demo
from devhost.demo_replies import seed_replies
from devhost.demo_staff import DEMO_STAFF
from devhost.host_config import HostConfig, load_host_config
from devhost.http_dispatch import HttpDispatcher, LocalHandler, http_routes
from devhost.http_server import DevHostServer
from devhost.invocation import name_of
from devhost.local_identity import Issuer
from devhost.local_sign_in import LocalSignIn, customer_sign_ins, staff_sign_ins
from devhost.polling import poll_interval
from devhost.provision import provision_layout
from devhost.queue_triggers import queue_jobs, start_queue_pollers
from devhost.settings_file import load_local_settings
from devhost.timers import start_timers, timer_jobs

LOG = logging.getLogger(__name__)

AZURITE_DATA_DIR = PROJECT_ROOT / ".local" / "azurite"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the function app locally (HTTP, timer, blob and queue triggers)",
        description=(
            "Run the function app locally, as `func start` would: settings from local.settings.json, "
            "Azurite, the storage layout, then HTTP, timer, blob and queue triggers until Ctrl-C."
        ),
    )
    parser.add_argument("--app", default="function_app:app", help="the FunctionApp as module:attribute")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=7071, help="port to listen on")
    parser.add_argument("--no-azurite", action="store_true", help="neither look for nor start Azurite")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="seed the demo customers and tickets (idempotent) and offer the local sign-in for their users",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; 0 after a clean stop, 1 when start-up fails for want of
    storage, a setting, the port, or because a setting or ``--app`` is malformed."""
    with _signals_interrupt():
        try:
            _serve(args)
        except KeyboardInterrupt as interrupt:
            LOG.info("stopped by %s", interrupt.args[0] if interrupt.args else "SIGINT")
        except (AzuriteError, MissingConnectionError, OSError, ValueError) as error:
            LOG.error("cannot start: %s", error)
            return 1
    return 0


def _serve(args: argparse.Namespace) -> None:
    if args.demo and not is_loopback(args.host):
        raise ValueError(f"--demo signs anyone in without a password: listen on loopback only, not --host {args.host}")
    load_local_settings(PROJECT_ROOT)
    config = load_host_config(PROJECT_ROOT)
    with ExitStack() as stack:
        if not args.no_azurite:
            stack.enter_context(ensure_azurite(AZURITE_DATA_DIR))
        provision_layout(os.environ)
        catalog = catalog_functions(load_app(args.app), os.environ)
        if args.demo:
            _seed_demo()
        dispatcher = HttpDispatcher(http_routes(catalog.http), config.route_prefix)
        server = DevHostServer((args.host, args.port), dispatcher)
        stack.callback(server.server_close)
        if args.demo:
            # Mounted once the port is bound: the provider's issuer and redirect URI are the bound address.
            dispatcher.mounts.update(_local_sign_in(os.environ, server.base_url, config.route_prefix))
        threads = ThreadGroup()
        stack.callback(threads.stop)
        _start_triggers(catalog, config, threads)
        listener = threading.Thread(target=server.serve_forever, name="http", daemon=True)
        listener.start()
        stack.callback(server.shutdown)
        _log_routes(server, config)
        if dispatcher.mounts:
            LOG.info("portal: %s/%s/portal/, console: %s/%s/console/ (local sign-in at %s)", server.base_url,
                     config.route_prefix, server.base_url, config.route_prefix,
                     ", ".join(server.base_url + mount for mount in dispatcher.mounts))  # fmt: skip
        LOG.info("host ready on %s (Ctrl-C stops it)", server.base_url)
        listener.join()


def _seed_demo() -> None:
    from functions.dependencies import canned_replies, customers, desk

    seed_demo(desk(), customers())
    seed_replies(canned_replies())


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a ``--host`` value) is the loopback interface."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _local_sign_in(environ: Mapping[str, str], base_url: str, route_prefix: str) -> dict[str, LocalHandler]:
    """The local OpenID Connect providers of ``base_url`` (the bound address): the customers'
    issuer at ``/local-issuer`` for the portal under ``route_prefix``, when the app trusts its
    local key set (``AUTH_LOCAL_JWKS_FILE``) and the portal has a client id; the staff issuer at
    ``/local-staff-issuer`` for the console, when the app trusts the staff key set
    (``AUTH_STAFF_LOCAL_JWKS_FILE``) and the console has a client id. Each is left out otherwise."""
    prefix = route_prefix.strip("/")
    providers: tuple[tuple[Issuer, str, str, str], ...] = (
        ("customers", "AUTH_LOCAL_JWKS_FILE", "PORTAL_OIDC_CLIENT_ID", f"{prefix}/portal/"),
        ("staff", "AUTH_STAFF_LOCAL_JWKS_FILE", "CONSOLE_OIDC_CLIENT_ID", f"{prefix}/console/"),
    )
    mounts: dict[str, LocalHandler] = {}
    for issuer, jwks_name, client_name, app_path in providers:
        key_root, client_id = _key_root(environ, jwks_name), environ.get(client_name)
        if key_root is None or not client_id:
            LOG.info(
                "local %s sign-in off: %s (a .local/auth key set) or %s is not set", issuer, jwks_name, client_name
            )
            continue
        users = customer_sign_ins(demo_users()) if issuer == "customers" else staff_sign_ins(DEMO_STAFF)
        provider = LocalSignIn(
            users, client_id, base_url=base_url, app_path=app_path, issuer=issuer, key_root=key_root, environ=environ
        )
        mounts[provider.mount] = provider.respond
    return mounts


def _key_root(environ: Mapping[str, str], jwks_name: str) -> Path | None:
    """The project root whose ``.local/auth`` holds the key set the setting ``jwks_name`` names,
    or None when it names none (or a file ``devhost token`` did not write)."""
    jwks_setting = environ.get(jwks_name)
    if not jwks_setting:
        return None
    jwks = Path(jwks_setting) if Path(jwks_setting).is_absolute() else PROJECT_ROOT / jwks_setting
    local_auth = jwks.parent
    if (local_auth.name, local_auth.parent.name) != ("auth", ".local"):
        LOG.warning("%s is not a key set of devhost token under .local/auth", jwks_name)
        return None
    return local_auth.parent.parent


def _start_triggers(catalog: FunctionCatalog, config: HostConfig, threads: ThreadGroup) -> None:
    start_timers(timer_jobs(catalog.timers, os.environ), threads)
    jobs = blob_jobs(catalog.blobs, os.environ)
    if jobs:
        receipts = ReceiptStore(resolve_connection(None, os.environ))
        start_blob_pollers(
            jobs,
            receipts,
            config.poison_blob_threshold,
            config.queues.message_encoding,
            poll_interval(blob_triggers.POLL_SECONDS_SETTING),
            threads,
        )
    start_queue_pollers(
        queue_jobs(catalog.queues, os.environ),
        config.queues,
        poll_interval(queue_triggers.POLL_SECONDS_SETTING),
        threads,
    )


def _log_routes(server: DevHostServer, config: HostConfig) -> None:
    prefix = f"/{config.route_prefix}" if config.route_prefix else ""
    for route in server.dispatcher.routes:
        methods = ",".join(sorted(route.methods)) or "any"
        LOG.info(
            "%s: [%s] %s%s/%s",
            name_of(route.function),
            methods,
            server.base_url,
            prefix,
            route.template.template.strip("/"),
        )


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM interrupts the main thread as SIGINT (Ctrl-C) does, so that
    both unwind through the same clean-up."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
