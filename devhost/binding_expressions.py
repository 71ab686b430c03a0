"""App-setting references in binding properties: ``%NAME%`` stands for the setting's value."""

from __future__ import annotations

import re
from collections.abc import Mapping

_REFERENCE = re.compile(r"%([^%]+)%")


def expand_settings(text: str, environ: Mapping[str, str]) -> str:
    """``text`` with every ``%NAME%`` replaced by the value of setting ``NAME``.

    Raises KeyError naming the first setting that is not set, as the real host refuses to
    index a function whose binding refers to a missing setting.
    """

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise KeyError(f"app setting {name!r} (referenced as %{name}%) is not set")
        return environ[name]

    return _REFERENCE.sub(value_of, text)
