"""``python -m devhost token``: mint an access token for calling the local API.

The token is the last line of standard output, alone, so that a shell can take it:

    curl -H "Authorization: Bearer $(python -m devhost token --role operator)" http://127.0.0.1:7071/api/...

What it holds goes to standard error. The role picks the local issuer, as in production: a
customer's token comes from the customers' issuer, signed with its key and accepted only by an
app whose ``AUTH_LOCAL_JWKS_FILE`` names that key's set; any staff role's from the staff issuer,
signed with the staff key (``AUTH_STAFF_LOCAL_JWKS_FILE``). The keys are made on first use, see
:mod:`devhost.local_identity`. A token cannot mix the customer role with staff roles: no issuer
grants both.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from devhost import PROJECT_ROOT
from devhost.local_identity import DEFAULT_MINUTES, DEFAULT_SUBJECT, ensure_signing_key, issuer_for, mint_token
from shared.domain.lifecycle import Role

LOG = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``token`` subcommand."""
    parser = subparsers.add_parser(
        "token",
        help="mint a local access token (printed alone on the last line)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        choices=[role.value for role in Role],
        help="an app role the token holds (repeat for more)",
    )
    parser.add_argument("--customer", help="the customer's company id (required with --role customer)")
    parser.add_argument("--subject", default=DEFAULT_SUBJECT, metavar="EMAIL", help="who the token is for")
    parser.add_argument("--name", help="the display name")
    parser.add_argument("--minutes", type=_positive_int, default=DEFAULT_MINUTES, help="how long the token is valid")
    parser.add_argument(
        "--root", type=Path, default=PROJECT_ROOT, help="the project root whose .local/auth holds the signing key"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the token as the last line of standard output; 2 when the roles need --customer or
    mix the customer role with staff roles."""
    if Role.CUSTOMER in args.roles and not args.customer:
        LOG.error("--role customer requires --customer")
        return 2
    if Role.CUSTOMER in args.roles and len(set(args.roles)) > 1:
        LOG.error("--role customer cannot be combined with staff roles: no issuer grants both")
        return 2
    issuer = issuer_for(args.roles)
    key = ensure_signing_key(args.root, issuer)
    token = mint_token(
        args.roles,
        args.customer,
        subject=args.subject,
        name=args.name,
        minutes=args.minutes,
        root=args.root,
    )
    LOG.info(
        "token for %s from the %s issuer, roles %s%s, valid %d minutes, key %s (%s)",
        args.subject,
        issuer,
        ",".join(args.roles),
        f", customer {args.customer}" if args.customer else "",
        args.minutes,
        key.kid,
        key.jwks_path,
    )
    sys.stdout.write(token + "\n")
    return 0


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {raw}")
    return value
