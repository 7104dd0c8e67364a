"""What to do about an issue, from ``mappings/rules/advice.toml``: by code, else by its letter."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from resv_edi.standard.paths import mappings_dir


@cache
def _advice() -> dict[str, Any]:
    with (mappings_dir() / "rules" / "advice.toml").open("rb") as fh:
        return tomllib.load(fh)


def advice(code: str, lang: str = "nl") -> str:
    """The advice for ``code`` in ``lang`` (``nl`` or ``en``); empty when there is none."""
    data = _advice()
    entry = data.get("code", {}).get(code) or data.get("letter", {}).get(code[:1])
    if not entry:
        return ""
    return str(entry.get(lang) or entry.get("nl", ""))


def advised_codes() -> set[str]:
    """The codes that have advice of their own."""
    return set(_advice().get("code", {}))
