"""Return codes in the return messages of the existing Vektis EI standards (HA305, AW320 ...).

Which fields hold return codes is read from the layout (fields named RETOURCODE or FOUTCODE);
their texts come from ``mappings/codelists/vektis_retourcodes.toml``, and a code not listed
there is explained by its Vektis range.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from resv_edi.formats.ei.layout import Layout
from resv_edi.standard.codelists import codelist
from resv_edi.standard.paths import mappings_dir

_MARKERS = ("RETOURCODE", "FOUTCODE")
LIST_NAME = "vektis_retourcodes"


@dataclass(frozen=True, slots=True)
class CodeText:
    code: str
    nl: str
    en: str
    listed: bool  # False: explained by its range only


def return_code_keys(layout: Layout) -> dict[str, tuple[str, ...]]:
    """Per record type, the keys of the fields that hold return codes."""
    keys: dict[str, tuple[str, ...]] = {}
    for rtype, record in layout.records.items():
        found = tuple(f.key for f in record.fields if any(m in f.name for m in _MARKERS))
        if found:
            keys[rtype] = found
    return keys


@cache
def _ranges() -> tuple[tuple[str, str, str, str], ...]:
    with (mappings_dir() / "codelists" / f"{LIST_NAME}.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    return tuple((r["first"], r["last"], r["nl"], r["en"]) for r in raw.get("range", []))


def explain(code: str) -> CodeText:
    """The Dutch and English text of a Vektis return code (or of its range)."""
    listed = codelist(LIST_NAME).get(code)
    if listed is not None:
        return CodeText(code, listed.text("nl"), listed.text("en"), True)
    for first, last, nl, en in _ranges():
        if first <= code <= last:
            return CodeText(
                code, f"Niet in de lijst; bereik: {nl}", f"Not listed; range: {en}", False
            )
    return CodeText(code, "Onbekende code", "Unknown code", False)
