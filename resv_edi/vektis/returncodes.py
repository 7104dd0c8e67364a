"""Return codes in the return messages of the existing Vektis EI standards (HA305, PM305 ...).

Which fields hold return codes is read from the layout (fields named RETOURCODE or FOUTCODE).
Everything about the codes is data in ``mappings/codelists/vektis_retourcodes.toml``:

- ``[[list]]``: the Vektis code lists (families) with their width in digits, e.g. COD954-VEKT
  (4-digit RETOURCODE of AP305, PM305 ...) and COD957-VEKT (3-digit FOUTCODE of HA305). Each
  width belongs to one list, so a code's width tells its list.
- ``[[code]]``: the codes held, each with its ``list``, its Dutch (Vektis) and English text.
- ``[[range]]``: per list, what an unlisted code of a range is about.

A code that is not held is never given a made-up text: :func:`explain` says that it is not in
the bundled list, which Vektis list its width belongs to and, where the data has one, its range.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from resv_edi.standard.codelists import codelist
from resv_edi.standard.paths import mappings_dir
from resv_edi.vektis.layout import Layout

_MARKERS = ("RETOURCODE", "FOUTCODE")
LIST_NAME = "vektis_retourcodes"

#: How an answer for a code that is not held begins (Dutch, English).
NOT_LISTED = ("Niet in de meegeleverde lijst", "Not in the bundled list")
#: How an answer for a code of no known Vektis list begins (Dutch, English).
UNKNOWN = ("Onbekende code", "Unknown code")


@dataclass(frozen=True, slots=True)
class VektisList:
    """One Vektis return-code list (a code family) as described by a ``[[list]]`` table."""

    id: str
    name: str
    kind_nl: str
    kind_en: str
    width: int
    fields: tuple[str, ...]
    standards: tuple[str, ...]
    source: str
    complete: bool


@dataclass(frozen=True, slots=True)
class CodeRange:
    list_id: str
    first: str
    last: str
    nl: str
    en: str


@dataclass(frozen=True, slots=True)
class CodeText:
    code: str
    nl: str
    en: str
    listed: bool  # True: the code and its texts are in the bundled list
    list_id: str | None = None  # the Vektis list the code belongs to (held, or by its width)


def return_code_keys(layout: Layout) -> dict[str, tuple[str, ...]]:
    """Per record type, the keys of the fields that hold return codes."""
    keys: dict[str, tuple[str, ...]] = {}
    for rtype, record in layout.records.items():
        found = tuple(f.key for f in record.fields if any(m in f.name for m in _MARKERS))
        if found:
            keys[rtype] = found
    return keys


@cache
def _raw() -> dict[str, Any]:
    with (mappings_dir() / "codelists" / f"{LIST_NAME}.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def lists() -> dict[str, VektisList]:
    """The Vektis return-code lists by id, checked against the codes and ranges that name them."""
    raw = _raw()
    found: dict[str, VektisList] = {}
    for entry in raw.get("list", []):
        item = VektisList(
            id=str(entry["id"]),
            name=str(entry["name"]),
            kind_nl=str(entry["kind_nl"]),
            kind_en=str(entry["kind_en"]),
            width=int(entry["width"]),
            fields=tuple(entry.get("fields", ())),
            standards=tuple(entry.get("standards", ())),
            source=str(entry.get("source", "")),
            complete=bool(entry.get("complete", False)),
        )
        if item.id in found:
            raise ValueError(f"{LIST_NAME}: list {item.id} described twice")
        if any(other.width == item.width for other in found.values()):
            raise ValueError(f"{LIST_NAME}: two lists of width {item.width}; one per width")
        found[item.id] = item
    for entry in raw.get("code", []):
        code, list_id = str(entry["code"]), entry.get("list")
        if list_id not in found:
            raise ValueError(f"{LIST_NAME}: code {code} names no known list ({list_id!r})")
        if len(code) != found[list_id].width or not code.isdigit():
            raise ValueError(f"{LIST_NAME}: code {code} is not {found[list_id].width} digits")
    for entry in raw.get("range", []):
        list_id = entry.get("list")
        if list_id not in found:
            raise ValueError(f"{LIST_NAME}: range {entry.get('first')} names no known list")
        width = found[list_id].width
        if not (len(entry["first"]) == len(entry["last"]) == width):
            raise ValueError(
                f"{LIST_NAME}: range {entry['first']}-{entry['last']} is not {width} digits"
            )
    return found


def list_for_width(width: int) -> VektisList | None:
    """The Vektis list whose codes have ``width`` digits, if the data describes one."""
    return next((item for item in lists().values() if item.width == width), None)


@cache
def _ranges() -> tuple[CodeRange, ...]:
    lists()  # checks the data first
    return tuple(
        CodeRange(str(r["list"]), str(r["first"]), str(r["last"]), str(r["nl"]), str(r["en"]))
        for r in _raw().get("range", [])
    )


def explain(code: str) -> CodeText:
    """The Dutch and English text of a Vektis return code, or an honest account of its absence.

    A held code gives its listed texts. Any other code of a known width is reported as not in
    the bundled list, naming the list its width belongs to and, where known, its range; a code of
    no known width (or not all digits) as an unknown code.
    """
    key = code.strip()
    held = codelist(LIST_NAME).get(key)
    if held is not None:
        return CodeText(key, held.text("nl"), held.text("en"), True, held.attributes.get("list"))
    if not key.isdigit():
        return CodeText(
            key,
            f"{UNKNOWN[0]}: een Vektis-retourcode bestaat uit cijfers",
            f"{UNKNOWN[1]}: a Vektis return code consists of digits",
            False,
        )
    family = list_for_width(len(key))
    if family is None:
        return CodeText(
            key,
            f"{UNKNOWN[0]}: geen Vektis-retourcodelijst met codes van {len(key)} cijfers",
            f"{UNKNOWN[1]}: no Vektis return-code list has codes of {len(key)} digits",
            False,
        )
    nl = (
        f"{NOT_LISTED[0]}: {family.width}-cijferige Vektis-{family.kind_nl} van lijst "
        f"{family.id}; tekst niet beschikbaar"
    )
    en = (
        f"{NOT_LISTED[1]}: {family.width}-digit Vektis {family.kind_en} of list "
        f"{family.id}; text not available"
    )
    for r in _ranges():
        if r.list_id == family.id and r.first <= key <= r.last:
            nl, en = f"{nl}; bereik: {r.nl}", f"{en}; range: {r.en}"
            break
    return CodeText(key, nl, en, False, family.id)
