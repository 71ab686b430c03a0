"""``local.settings.json``: the app settings of a local run, as Core Tools reads them."""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
from collections.abc import Mapping, MutableMapping
from pathlib import Path

LOG = logging.getLogger(__name__)

SETTINGS_FILE = "local.settings.json"
SAMPLE_FILE = "local.settings.sample.json"
#: Secrets the app needs that a local run makes for itself when the settings leave them empty.
LOCAL_SECRETS = ("MAIL_REPLY_TOKEN_KEY",)


def ensure_settings_file(root: Path) -> Path | None:
    """The path of ``local.settings.json`` under ``root``, first copied from the sample when
    it is missing; None when neither file exists."""
    settings = root / SETTINGS_FILE
    if settings.is_file():
        return settings
    sample = root / SAMPLE_FILE
    if not sample.is_file():
        return None
    shutil.copyfile(sample, settings)
    LOG.info("created %s from %s", SETTINGS_FILE, SAMPLE_FILE)
    return settings


def read_values(path: Path) -> dict[str, str]:
    """The ``Values`` section of a settings file, every value as a string (JSON booleans and
    numbers are written out as JSON, ``null`` as an empty string)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    values = document.get("Values") or {}
    if not isinstance(values, dict):
        raise ValueError(f"{path.name}: 'Values' must be an object")
    return {str(name): _as_setting(value) for name, value in values.items()}


def apply_values(values: Mapping[str, str], environ: MutableMapping[str, str]) -> list[str]:
    """Put ``values`` into ``environ`` without overriding a variable that is already set, as
    Core Tools does; returns the names it set."""
    applied = [name for name in values if name not in environ]
    for name in applied:
        environ[name] = values[name]
    return applied


def load_local_settings(root: Path, environ: MutableMapping[str, str] = os.environ) -> list[str]:
    """Read ``local.settings.json`` under ``root`` (made from the sample when missing) into
    ``environ``; returns the names it set. Without either file nothing is set.

    Settings the sample gained after ``local.settings.json`` was made apply with the sample's
    values (the local file wins where it has the name). A secret of :data:`LOCAL_SECRETS` the
    settings list but leave empty is filled with one made for this machine and kept under
    ``.local/secrets/``, so no secret ever sits in a settings file of the repository."""
    path = ensure_settings_file(root)
    if path is None:
        LOG.warning("no %s nor %s in %s: using the environment only", SETTINGS_FILE, SAMPLE_FILE, root)
        return []
    sample = root / SAMPLE_FILE
    values = {**(read_values(sample) if sample.is_file() else {}), **read_values(path)}
    for name in LOCAL_SECRETS:
        if name in values and not values[name] and not environ.get(name):
            values[name] = local_secret(root, name)
    return apply_values(values, environ)


def local_secret(root: Path, name: str) -> str:
    """The machine's own value of secret ``name``: made on first use (random, 256 bits) under
    ``root/.local/secrets/`` with mode 0600, the same afterwards."""
    path = root / ".local" / "secrets" / name
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def _as_setting(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value)
