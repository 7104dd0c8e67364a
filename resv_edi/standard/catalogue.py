"""The issue catalogue: every code with its kind, severity, return code and texts.

Loaded once from ``mappings/rules/catalogue.toml``. Reporters never write message texts
themselves; they call :func:`issue` with a code and the placeholders.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from resv_edi.errors import Issue, Location, Severity
from resv_edi.privacy import redact
from resv_edi.standard.paths import mappings_dir


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    kind: str
    severity: Severity
    return_code: str
    nl: str
    en: str


class _Blank(dict[str, Any]):
    """Leaves unknown placeholders visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def catalogue() -> dict[str, CatalogueEntry]:
    """All entries by code."""
    with (mappings_dir() / "rules" / "catalogue.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    raw.pop("meta", None)
    return {
        code: CatalogueEntry(
            code=code,
            kind=entry["kind"],
            severity=Severity(entry["severity"]),
            return_code=entry["return_code"],
            nl=entry["nl"],
            en=entry["en"],
        )
        for code, entry in raw.items()
    }


def text(code: str, lang: str = "en", **params: Any) -> str:
    """The message of ``code`` in ``lang`` (``en`` or ``nl``) with placeholders filled."""
    entry = catalogue()[code]
    template = entry.en if lang == "en" else entry.nl
    return template.format_map(_Blank(params))


def issue(code: str, location: Location | None = None, **params: Any) -> Issue:
    """Build the :class:`Issue` for ``code`` at ``location``.

    Text placeholders are passed through the BSN guard (:func:`resv_edi.privacy.redact`):
    an issue never repeats a possible citizen service number, whatever a file held.
    """
    entry = catalogue()[code]
    params = {k: redact(v) if isinstance(v, str) else v for k, v in params.items()}
    return Issue(
        code=code,
        message=entry.en.format_map(_Blank(params)),
        severity=entry.severity,
        location=location or Location(),
        return_code=entry.return_code,
    )
