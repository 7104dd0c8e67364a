"""Lump-sum mappings: which claim fields feed lump-sum records, loaded from ``mappings/lumpsum``.

A mapping is data (TOML, see ``mappings/lumpsum/ha304_oi.toml``): the source EI standard and
versions, the **allowlist** of field ids read per record type, which allowlisted fields carry
the code, date, amount, debit/credit indicator, insurer and provider, a date-effective code list
that says which source codes count and to which RESV hoofdtaak each maps, and the grouping.

Loading refuses any mapping that could let patient data through: an allowlisted record whose
layout role is ``insured``, ``debtor`` (EI 02/03) or ``comment`` (free text, EI 98), a field the
layout marks ``patient``, a field whose name names a person attribute, or a field that is
otherwise client-linked (a number that leads back to one client or one claim line: indication
request and decision numbers, client numbers, claim-line references, care trajectory and
prescription numbers, ...), whatever the layout's ``patient`` flag says. Each role must also be
bound to a field of a kind and length that fits it (the provider an 8-digit N field for an AGB
code, the insurer a 4-digit N field for a UZOVI number, ...), so that no value read for a role
can fail the lump-sum record. The engine reads nothing outside the allowlist, so these checks
are what the no-leak guarantee rests on.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from resv_edi.model.types import TEXT_PATTERN
from resv_edi.standard.codelists import Code, CodeList, codelist
from resv_edi.standard.paths import mappings_dir
from resv_edi.vektis.layout import (
    AMOUNT,
    AN,
    DATE,
    DC,
    FieldSpec,
    Layout,
    N,
    RecordLayout,
    load_layout,
)

PERIODS = ("month", "quarter", "year")
GROUP_KEYS = ("provider", "insurer", "hoofdtaak", "code")
#: layout roles whose records are never read (insured person, debtor)
PATIENT_ROLES = frozenset({"insured", "debtor"})
#: layout roles of free text, which may hold anything (a name, a BSN): never read either
FREE_TEXT_ROLES = frozenset({"comment"})
#: names of fields that identify a person: refused even where the layout does not flag them
PERSON_FIELD = re.compile(
    r"BURGERSERVICENUMMER|\bBSN\b|VERZEKERDENNUMMER|PATI[EË]NT|GEBOORTE|NAAM|VOORLETTERS|"
    r"VOORVOEGSEL|POSTCODE|HUISNUMMER|STRAAT|WOONPLAATS|DEBITEUR|TELEFOON|E-MAIL|"
    r"BANKREKENING|GESLACHT|CLI[EË]NTNUMMER|MACHTIGINGSNUMMER"
)
#: names of fields linked to one client or one claim line (not a person attribute, but a key
#: back to one): refused even where the layout does not flag them ``patient``. E.g. the
#: indication request and decision numbers of AW319 (0410/0411), a client's status, an
#: authorisation, a prescription, a care trajectory, a claim-line reference or free text.
CLIENT_LINKED_FIELD = re.compile(
    r"INDICATIE-?\s?AANVRAAG|AANVRAAGNUMMER|INDICATIEBESLUIT|BESLUITNUMMER|CLI[EË]NT|"
    r"VERZEKERDE(?!NRECORDS)|MACHTIGING|RECEPT|TRAJECT|ZORGACTIVITEITNUMMER|"
    r"PRESTATIEVOLGNUMMER|PRESTATIEKOPPELNUMMER|ZORGCONTRACTNUMMER|REFERENTIE|"
    r"IDENTIFICATIE DETAILRECORD|VRIJE TEKST"
)


@dataclass(frozen=True, slots=True)
class RoleFit:
    """The field kinds and lengths a role can be bound to, and how to say it."""

    kinds: frozenset[int]
    min_length: int
    max_length: int
    text: str

    def fits(self, spec: FieldSpec) -> bool:
        return spec.kind in self.kinds and self.min_length <= spec.length <= self.max_length


#: what each role needs of its field(s); the lump-sum record (``records.py``) decides the
#: provider (AGB, 8 digits), insurer (UZOVI, 4 digits) and code (text of at most 10)
ROLE_FIT = {
    "provider": RoleFit(frozenset({N}), 8, 8, "an AGB code: a numeric (N) field of length 8"),
    "insurer": RoleFit(frozenset({N}), 4, 4, "a UZOVI number: a numeric (N) field of length 4"),
    "code": RoleFit(frozenset({N, AN}), 1, 10, "a code: an N or AN field of length 1 to 10"),
    "code_list": RoleFit(frozenset({N, AN}), 1, 10, "a code list: an N or AN field up to 10"),
    "date": RoleFit(frozenset({DATE}), 8, 8, "a date field (CCYYMMDD)"),
    "amount": RoleFit(frozenset({AMOUNT}), 1, 15, "an amount field"),
    "debit_credit": RoleFit(frozenset({DC}), 1, 1, "a debit/credit indicator field"),
    "quantity": RoleFit(frozenset({N}), 1, 9, "a count: a numeric (N) field of length 1 to 9"),
}
#: lengths of the lump-sum record's text elements (``records.py``: Text40, Text10)
MAX_NAME, MAX_STANDARD, MAX_CODE = 40, 10, 10
_TEXT = re.compile(TEXT_PATTERN)
_SINGLE = ("code", "date", "amount", "debit_credit")
_OPTIONAL = ("quantity", "code_list")
_MULTI = ("insurer", "provider")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message says why (never a claim value)."""


@dataclass(frozen=True, slots=True)
class Selected:
    """The allowlisted fields of one record type, for one layout version."""

    record_type: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True, slots=True)
class Mapping:
    """A validated lump-sum mapping. ``allowlist`` maps record type -> field ids."""

    name: str
    category: str
    title_nl: str
    title_en: str
    standard: str
    versions: tuple[str, ...]
    line_records: frozenset[str]
    allowlist: dict[str, tuple[str, ...]]
    fields: dict[str, tuple[str, ...]]  # role -> field ids (one for single roles)
    codes: CodeList
    period: str
    keys: tuple[str, ...]
    check_trailer: bool
    path: Path

    def layouts(self) -> tuple[Layout, ...]:
        """The EI layouts of every supported version."""
        return tuple(load_layout(self.standard, v) for v in self.versions)

    def field(self, role: str) -> str | None:
        ids = self.fields.get(role)
        return ids[0] if ids else None

    def required(self, role: str) -> str:
        """The field id of a role every mapping fills (``code``, ``date``, ``amount``,
        ``debit_credit``: loading refuses a mapping without them)."""
        fid = self.field(role)
        if fid is None:
            raise MappingError(f"mapping {self.name} has no field for {role}")
        return fid

    def record_of(self, field_id: str) -> str:
        """The allowlisted record type that holds ``field_id``."""
        for rtype, ids in self.allowlist.items():
            if field_id in ids:
                return rtype
        raise KeyError(field_id)

    def hoofdtaak(self, code: Code) -> str:
        return str(code.attributes["hoofdtaak"])

    def counts(self, code: str, day: date | None, source_list: str | None) -> Code | None:
        """The code list entry when ``code`` counts on ``day``; ``None`` otherwise."""
        entry = self.codes.get(code)
        if entry is None or day is None or not entry.valid_on(day):
            return None
        wanted = entry.attributes.get("source_list")
        if wanted is not None and source_list is not None and str(wanted) != source_list:
            return None
        return entry


def mapping_path(name: str) -> Path:
    """``name`` as a path to a mapping file: a file path, or a name in ``mappings/lumpsum``."""
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        return path
    candidate = mappings_dir() / "lumpsum" / f"{name}.toml"
    if candidate.is_file():
        return candidate
    raise MappingError(f"no mapping {name!r}; known: {', '.join(mapping_names())}")


def mapping_names() -> list[str]:
    """The names of the mappings shipped in ``mappings/lumpsum``."""
    return sorted(p.stem for p in (mappings_dir() / "lumpsum").glob("*.toml"))


def load_mapping(name: str) -> Mapping:
    """Load and validate the mapping ``name`` (a shipped name or a path to a TOML file)."""
    return _load(mapping_path(name).resolve())


@cache
def _load(path: Path) -> Mapping:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path.name}: {exc}") from None
    try:
        return _build(raw, path)
    except (KeyError, TypeError) as exc:
        raise MappingError(f"{path.name}: missing or wrong entry {exc}") from None


def _build(raw: dict[str, Any], path: Path) -> Mapping:
    meta = raw["mapping"]
    source = raw["source"]
    standard = str(source["standard"])
    versions = tuple(str(v) for v in source["versions"])
    if not versions:
        raise MappingError("source.versions is empty")
    line_records = frozenset(str(r) for r in source.get("line_records", ["04"]))
    allowlist = {str(rt): tuple(str(f) for f in ids) for rt, ids in raw["allowlist"].items()}
    fields_raw = raw["fields"]
    fields: dict[str, tuple[str, ...]] = {}
    for role in _SINGLE:
        fields[role] = (str(fields_raw[role]),)
    for role in _OPTIONAL:
        if role in fields_raw:
            fields[role] = (str(fields_raw[role]),)
    for role in _MULTI:
        value = fields_raw[role]
        fields[role] = tuple(str(v) for v in ([value] if isinstance(value, str) else value))
    grouping = raw.get("grouping", {})
    period = str(grouping.get("period", "quarter"))
    keys = tuple(str(k) for k in grouping.get("keys", ["provider", "insurer", "hoofdtaak"]))
    codes = _codes(raw, path)
    mapping = Mapping(
        name=str(meta.get("name", path.stem)),
        category=str(meta.get("category", path.stem)),
        title_nl=str(meta.get("nl", "")),
        title_en=str(meta.get("en", "")),
        standard=standard,
        versions=versions,
        line_records=line_records,
        allowlist=allowlist,
        fields=fields,
        codes=codes,
        period=period,
        keys=keys,
        check_trailer=bool(raw.get("checks", {}).get("trailer", True)),
        path=path,
    )
    _validate(mapping)
    return mapping


def _codes(raw: dict[str, Any], path: Path) -> CodeList:
    """The code list named by ``codes.codelist``, or the inline ``[[code]]`` entries."""
    spec = raw.get("codes", {})
    if "codelist" in spec:
        try:
            return codelist(str(spec["codelist"]))
        except FileNotFoundError:
            raise MappingError(f"code list {spec['codelist']!r} not found") from None
    entries: dict[str, Code] = {}
    for entry in raw.get("code", []):
        attrs = {k: v for k, v in entry.items() if k not in ("code", "valid_from", "valid_to")}
        code = str(entry["code"])
        entries[code] = Code(code, entry["valid_from"], entry.get("valid_to"), attrs)
    return CodeList(path.stem, "inline", True, entries)


def _validate(m: Mapping) -> None:
    _text("mapping.name", m.name, MAX_NAME)
    _text("source.standard", m.standard, MAX_STANDARD)
    if m.period not in PERIODS:
        raise MappingError(f"grouping.period must be one of {', '.join(PERIODS)}")
    unknown = set(m.keys) - set(GROUP_KEYS)
    if unknown:
        raise MappingError(f"unknown grouping keys {sorted(unknown)}")
    if not m.codes.codes:
        raise MappingError("the code list is empty")
    hoofdtaken = codelist("hoofdtaken")
    for code in m.codes.codes.values():
        _text("every code of the code list", code.code, MAX_CODE)
        task = code.attributes.get("hoofdtaak")
        if task is None or str(task) not in hoofdtaken:
            raise MappingError(f"code {code.code} maps to no valid RESV hoofdtaak")
    for layout in _layouts(m):
        for rtype, ids in m.allowlist.items():
            rl = layout.records.get(rtype)
            if rl is None:
                raise MappingError(f"{layout.name} has no record type {rtype}")
            if rl.role in PATIENT_ROLES:
                raise MappingError(f"record {rtype} ({rl.role}) holds patient data")
            if rl.role in FREE_TEXT_ROLES:
                raise MappingError(f"record {rtype} ({rl.role}) is free text; not allowed")
            for fid in ids:
                _check_field(layout, rl, fid)
        for rtype in m.line_records:
            if rtype not in m.allowlist:
                raise MappingError(f"line record {rtype} is not in the allowlist")
        header = layout.header.type
        for role, ids in m.fields.items():
            for fid in ids:
                try:
                    rtype = m.record_of(fid)
                except KeyError:
                    raise MappingError(f"field {fid} ({role}) is not in the allowlist") from None
                allowed = m.line_records | ({header} if role in _MULTI else set())
                if rtype not in allowed:
                    raise MappingError(f"field {fid} ({role}) is in record {rtype}")
                spec = layout.records[rtype].by_id[fid]
                fit = ROLE_FIT[role]
                if not fit.fits(spec):
                    raise MappingError(
                        f"{layout.name} field {fid} ({spec.name}, {spec.type} of length "
                        f"{spec.length}) does not fit role {role}: it needs {fit.text}"
                    )


def _text(what: str, value: str, max_length: int) -> None:
    """Refuse ``value`` unless the lump-sum record can hold it as text of ``max_length``."""
    if not (len(value) <= max_length and _TEXT.fullmatch(value)):
        raise MappingError(f"{what} must be 1 to {max_length} characters of text (no edge spaces)")


def _layouts(m: Mapping) -> tuple[Layout, ...]:
    try:
        return m.layouts()
    except KeyError as exc:
        raise MappingError(str(exc.args[0]) if exc.args else str(exc)) from None


def _check_field(layout: Layout, rl: RecordLayout, fid: str) -> None:
    spec = rl.by_id.get(fid)
    if spec is None:
        raise MappingError(f"{layout.name} record {rl.type} has no field {fid}")
    if spec.patient or PERSON_FIELD.search(spec.name):
        raise MappingError(
            f"{layout.name} field {fid} ({spec.name}) identifies a person; not allowed"
        )
    if CLIENT_LINKED_FIELD.search(spec.name):
        raise MappingError(
            f"{layout.name} field {fid} ({spec.name}) is client-linked (it leads back to one "
            "client or claim line); not allowed"
        )


def selected_fields(m: Mapping, layout: Layout) -> dict[str, Selected]:
    """Per allowlisted record type, the field specs of ``layout`` to slice (nothing else)."""
    return {
        rtype: Selected(rtype, tuple(layout.records[rtype].by_id[fid] for fid in ids))
        for rtype, ids in m.allowlist.items()
    }
