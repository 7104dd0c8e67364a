"""The issue catalogue: every code with its kind, severity, return code and texts.

Loaded once from ``mappings/rules/catalogue.toml``. Reporters never write message texts
themselves; they call :func:`issue` with a code and the placeholders.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from resv_edi.errors import Issue, Location, Severity
from resv_edi.privacy import redact
from resv_edi.standard.paths import mappings_dir
from resv_edi.standard.wording import Money, Phrase, fill, translated


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    kind: str
    severity: Severity
    return_code: str
    nl: str
    en: str
    money: tuple[str, ...] = ()  # placeholders that hold signed cents (shown in euros)
    folds: tuple[str, ...] = ()  # codes of the same record that follow from this one


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
            money=tuple(entry.get("money", ())),
            folds=tuple(entry.get("folds", ())),
        )
        for code, entry in raw.items()
    }


def text(code: str, lang: str = "en", **params: Any) -> str:
    """The message of ``code`` in ``lang`` (``en`` or ``nl``) with placeholders filled."""
    entry = catalogue()[code]
    return fill(entry.en if lang == "en" else entry.nl, params, lang)


def render(found: Issue, lang: str) -> str:
    """The text of ``found`` in ``lang`` (``nl`` or ``en``), from the catalogue and its params.

    >>> render(issue("R001", found=-1250, expected=0), "nl")
    'Totaalbedrag € -12,50 is niet gelijk aan de som van de prestaties (debet min credit) € 0,00'
    """
    entry = catalogue().get(found.code)
    if entry is None or lang == "en":
        return found.message
    if found.params is None:
        return found.message  # built by hand, without its values: its text is all there is
    return fill(entry.nl, found.params, lang)


def render_data(data: Mapping[str, Any], lang: str) -> str:
    """The text of an issue given as data (:meth:`Issue.as_dict`) in ``lang``."""
    entry = catalogue().get(str(data.get("code")))
    params = data.get("params")
    if entry is None or params is None or lang == "en":
        return str(data.get("message", ""))
    values = {
        k: Money(v) if k in entry.money and isinstance(v, int) else v for k, v in params.items()
    }
    return fill(entry.nl, values, lang)


def issue(code: str, location: Location | None = None, **params: Any) -> Issue:
    """Build the :class:`Issue` for ``code`` at ``location``.

    Text placeholders are passed through the BSN guard (:func:`resv_edi.privacy.redact`):
    an issue never repeats a possible citizen service number, whatever a file held.
    """
    entry = catalogue()[code]
    params = {k: _guarded(k, v, entry) for k, v in params.items()}
    return Issue(
        code=code,
        message=fill(entry.en, params, "en"),
        severity=entry.severity,
        location=location or Location(),
        return_code=entry.return_code,
        params=params,
    )


def _guarded(name: str, value: Any, entry: CatalogueEntry) -> Any:
    if isinstance(value, str):
        return translated(redact(value))
    if isinstance(value, Phrase):
        return Phrase(nl=redact(value.nl), en=redact(value.en))
    if name in entry.money and isinstance(value, int) and not isinstance(value, bool):
        return Money(value)
    return value
