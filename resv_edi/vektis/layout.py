"""EI record layouts, loaded from ``mappings/ei/*.json`` and compiled once into fast slicers.

A layout file describes one standard + version (see ``tools/convert_vektis_layouts.py`` for
how the Vektis files are converted). The engine knows nothing about any particular standard:
record roles (``header``, ``trailer``, ``comment``), which record belongs under which
(``parent``), and which trailer field counts or sums what (``trailer``) all come from the data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from resv_edi.standard.paths import mappings_dir

# Field kinds, as small ints so that the reader's hot loop compares cheaply.
AN, N, DATE, AMOUNT, DC = range(5)
_KINDS = {"AN": AN, "N": N, "date": DATE, "amount": AMOUNT, "dc": DC}

#: The Vektis data element NUM040, the second field of every detail record: the sequence
#: number of the detail records within the file (see :attr:`RecordLayout.detail_id`).
DETAIL_ID_NAME = "IDENTIFICATIE DETAILRECORD"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record. ``start`` is 1-based, as in the Vektis specifications."""

    id: str
    name: str
    key: str
    start: int
    length: int
    type: str
    mandatory: bool = False
    patient: bool = False
    pattern: str | None = None
    values: tuple[str, ...] | None = None
    kind: int = AN
    regex: re.Pattern[str] | None = None
    allowed: frozenset[str] | None = None

    @property
    def slice(self) -> slice:
        return slice(self.start - 1, self.start - 1 + self.length)

    @property
    def checked(self) -> bool:
        """Whether reading this field needs more than slicing and stripping."""
        return (
            self.kind != AN or self.mandatory or self.regex is not None or self.allowed is not None
        )

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"


@dataclass(frozen=True, slots=True)
class RecordLayout:
    """One record type. ``getter(text)`` returns the raw text of every field, in order."""

    type: str
    name: str
    role: str
    parent: str | None
    max_per_parent: int | None
    order: int
    fields: tuple[FieldSpec, ...]
    getter: Any = field(repr=False, compare=False, default=None)
    by_key: dict[str, FieldSpec] = field(repr=False, compare=False, default_factory=dict)
    by_id: dict[str, FieldSpec] = field(repr=False, compare=False, default_factory=dict)
    #: every field's key, in order, and (position, field) of those that need more than
    #: slicing and stripping: the reader's hot path treats the rest in one C-level step
    keys: tuple[str, ...] = field(repr=False, compare=False, default=())
    checked: tuple[tuple[int, FieldSpec], ...] = field(repr=False, compare=False, default=())
    #: the record's IDENTIFICATIE DETAILRECORD (Vektis NUM040) field, an N field, when it has
    #: one (detail records only): the reader checks that it is unique and ascending
    detail_id: FieldSpec | None = field(repr=False, compare=False, default=None)

    def field_at(self, column: int) -> FieldSpec | None:
        """The field covering 1-based ``column``."""
        for f in self.fields:
            if f.start <= column < f.start + f.length:
                return f
        return None


@dataclass(frozen=True, slots=True)
class TrailerCount:
    field: FieldSpec
    records: frozenset[str]


@dataclass(frozen=True, slots=True)
class TrailerTotal:
    """``field`` (with D/C ``dc``) must equal the net sum of ``sums``: (record type, amount
    key, D/C key or ``None``)."""

    field: FieldSpec
    dc: FieldSpec | None
    sums: tuple[tuple[str, str, str | None], ...]


@dataclass(frozen=True, slots=True)
class Layout:
    """A compiled EI layout: one standard, one version."""

    standard: str
    message_code: int
    version: int
    subversion: int
    description: str
    kind: str
    declaration_standard: str | None
    record_length: int
    source: str
    records: dict[str, RecordLayout]
    counts: tuple[TrailerCount, ...]
    totals: tuple[TrailerTotal, ...]
    path: Path | None = None
    #: whether any field holds patient data (the claim standards; not the RESV forms)
    carries_patient_data: bool = False

    @property
    def name(self) -> str:
        return f"{self.standard} v{self.version}.{self.subversion}"

    @property
    def header(self) -> RecordLayout:
        return self._by_role("header")

    @property
    def trailer(self) -> RecordLayout:
        return self._by_role("trailer")

    def _by_role(self, role: str) -> RecordLayout:
        return next(r for r in self.records.values() if r.role == role)

    def role_type(self, role: str) -> str | None:
        """The record type of the first record with ``role``, if any."""
        return next((r.type for r in self.records.values() if r.role == role), None)

    @property
    def message_codes(self) -> frozenset[int]:
        """The message code plus any alternatives the header's code field allows."""
        codes = {self.message_code}
        code_field = self.header.field_at(3)  # COD002 starts at position 3
        if code_field is not None and code_field.values:
            codes.update(int(v) for v in code_field.values if v.isdigit())
        return frozenset(codes)


def _compile_field(raw: dict[str, Any]) -> FieldSpec:
    values = tuple(raw["values"]) if raw.get("values") else None
    pattern = raw.get("pattern")
    return FieldSpec(
        id=raw["id"],
        name=raw["name"],
        key=raw["key"],
        start=int(raw["start"]),
        length=int(raw["length"]),
        type=raw["type"],
        mandatory=bool(raw.get("mandatory")),
        patient=bool(raw.get("patient")),
        pattern=pattern,
        values=values,
        kind=_KINDS[raw["type"]],
        regex=re.compile(pattern) if pattern else None,
        allowed=frozenset(values) if values else None,
    )


def _compile_record(raw: dict[str, Any], order: int) -> RecordLayout:
    fields = tuple(_compile_field(f) for f in raw["fields"])
    slices = [f.slice for f in fields]
    # itemgetter with one item returns the item itself: keep a tuple in every case.
    getter = itemgetter(*slices) if len(slices) > 1 else (lambda text, s=slices[0]: (text[s],))
    role = raw.get("role", "detail")
    detail_id = None
    if role not in ("header", "trailer"):
        detail_id = next((f for f in fields if f.name == DETAIL_ID_NAME and f.kind == N), None)
    return RecordLayout(
        type=raw["type"],
        name=raw["name"],
        role=role,
        parent=raw.get("parent"),
        max_per_parent=raw.get("max_per_parent"),
        order=order,
        fields=fields,
        getter=getter,
        by_key={f.key: f for f in fields},
        by_id={f.id: f for f in fields},
        keys=tuple(f.key for f in fields),
        checked=tuple((i, f) for i, f in enumerate(fields) if f.checked),
        detail_id=detail_id,
    )


def compile_layout(data: dict[str, Any], path: Path | None = None) -> Layout:
    """Build a :class:`Layout` from the parsed JSON of a layout file."""
    records = {r["type"]: _compile_record(r, order) for order, r in enumerate(data["records"])}
    trailer = next(r for r in records.values() if r.role == "trailer")
    spec = data.get("trailer", {})
    counts = tuple(
        TrailerCount(trailer.by_id[c["field"]], frozenset(c["records"]))
        for c in spec.get("counts", [])
    )
    totals = []
    for t in spec.get("totals", []):
        sums = []
        for s in t["sums"]:
            rec = records[s["record"]]
            dc_key = rec.by_id[s["dc"]].key if s.get("dc") else None
            sums.append((rec.type, rec.by_id[s["amount"]].key, dc_key))
        totals.append(
            TrailerTotal(
                trailer.by_id[t["field"]],
                trailer.by_id[t["dc"]] if t.get("dc") else None,
                tuple(sums),
            )
        )
    return Layout(
        standard=data["standard"],
        message_code=int(data["message_code"]),
        version=int(data["version"]),
        subversion=int(data["subversion"]),
        description=data.get("description", ""),
        kind=data.get("kind", "declaration"),
        declaration_standard=data.get("declaration_standard"),
        record_length=int(data["record_length"]),
        source=data.get("source", ""),
        records=records,
        counts=counts,
        totals=tuple(totals),
        path=path,
        carries_patient_data=any(f.patient for r in records.values() for f in r.fields),
    )


def layouts_dir() -> Path:
    return mappings_dir() / "ei"


@cache
def _load_path(path: Path) -> Layout:
    return compile_layout(json.loads(path.read_text(encoding="utf-8")), path)


@cache
def all_layouts() -> tuple[Layout, ...]:
    """Every layout in ``mappings/ei``, sorted by standard and version."""
    layouts = [_load_path(p) for p in sorted(layouts_dir().glob("*.json"))]
    return tuple(sorted(layouts, key=lambda la: (la.standard, la.version, la.subversion)))


def load_layout(standard: str, version: str | None = None) -> Layout:
    """The layout of ``standard`` (e.g. ``"HA304"``) at ``version`` (``"4.2"``), or its latest.

    Raises :class:`KeyError` when there is none.
    """
    candidates = [la for la in all_layouts() if la.standard.upper() == standard.upper()]
    if version is not None:
        wanted = str(version).lstrip("v")
        candidates = [la for la in candidates if f"{la.version}.{la.subversion}" == wanted]
    if not candidates:
        raise KeyError(f"no EI layout for {standard} {version or ''}".strip())
    return candidates[-1]


def find_layout(message_code: int, version: int, subversion: int) -> Layout | None:
    """The layout for a header's message code and version; the nearest version of the same
    code when there is no exact match; ``None`` for an unknown code."""
    same_code = [la for la in all_layouts() if message_code in la.message_codes]
    if not same_code:
        return None
    return min(
        same_code,
        key=lambda la: (
            la.message_code != message_code,
            abs(la.version * 100 + la.subversion - (version * 100 + subversion)),
            -la.version,
        ),
    )


def header_ids(first_record: bytes) -> tuple[int, int, int] | None:
    """(message code, version, subversion) from the first bytes of a 01 record, if numeric."""
    head = first_record[2:9]
    if len(head) < 7 or not head.isdigit():
        return None
    return int(head[0:3]), int(head[3:5]), int(head[5:7])


def detect_layout(first_record: bytes) -> Layout | None:
    """The layout named by a header record (COD002 at 3-5, version 6-7, subversion 8-9)."""
    ids = header_ids(first_record)
    return find_layout(*ids) if ids else None
