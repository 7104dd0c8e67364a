"""Synthetic, structurally valid EI claim files of any standard in ``mappings/ei``.

All person data is fake: BSNs are random numbers passing the 11-test, names, birth dates,
postcodes and house numbers are drawn from small made-up lists. Field values are chosen from
the field's name (the Vektis descriptions: BURGERSERVICENUMMER, DATUM GEBOORTE ...), then its
``values`` list or ``pattern`` (sampled with a small regex generator), then its type.

The service code goes into the first field of the service record whose name holds
``PRESTATIECODE`` but not ``PRESTATIECODELIJST`` (e.g. ``PRESTATIECODE`` in AW319,
``PRESTATIECODE/DBC DECLARATIECODE`` in ZH308); ``codes`` chooses its values.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import IO, Any

from resv_edi.identifiers.bsn import fake as fake_bsn
from resv_edi.standard.codelists import codelist
from resv_edi.vektis.layout import AMOUNT, AN, DATE, DC, FieldSpec, Layout, load_layout
from resv_edi.vektis.writer import format_field, format_record

_LAST_NAMES = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos")
_INITIALS = ("A", "B", "C", "H", "J", "K", "M", "P", "W")
_POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_CHARS = " 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_AMOUNT_NAMES = re.compile(r"DECLARATIEBEDRAG \(INCL|TARIEF PRESTATIE|BEREKEND BEDRAG|TOEGEKEND")


def _in_set(c: str, items: list[tuple[Any, Any]]) -> bool:
    negate = hit = False
    for op, arg in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            hit = hit or ord(c) == arg
        elif op is _sre.RANGE:
            hit = hit or arg[0] <= ord(c) <= arg[1]
        elif op is _sre.CATEGORY:
            hit = hit or {
                _sre.CATEGORY_DIGIT: c.isdigit(),
                _sre.CATEGORY_NOT_DIGIT: not c.isdigit(),
                _sre.CATEGORY_SPACE: c.isspace(),
                _sre.CATEGORY_NOT_SPACE: not c.isspace(),
                _sre.CATEGORY_WORD: c.isalnum() or c == "_",
                _sre.CATEGORY_NOT_WORD: not (c.isalnum() or c == "_"),
            }.get(arg, False)
    return hit != negate


def _sample(items: Any, rng: random.Random) -> str:
    """A random string matching the parsed regex ``items`` (lookarounds are ignored; the
    caller checks the result)."""
    out: list[str] = []
    for op, arg in items:
        if op is _sre.LITERAL:
            out.append(chr(arg))
        elif op is _sre.NOT_LITERAL:
            out.append(rng.choice([c for c in _CHARS if ord(c) != arg]))
        elif op is _sre.ANY:
            out.append(rng.choice(_CHARS[1:]))
        elif op is _sre.IN:
            out.append(rng.choice([c for c in _CHARS if _in_set(c, arg)] or ["?"]))
        elif op is _sre.BRANCH:
            out.append(_sample(rng.choice(arg[1]), rng))
        elif op is _sre.SUBPATTERN:
            out.append(_sample(arg[3], rng))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            lo, hi, sub = arg
            hi = lo + 3 if hi is _sre.MAXREPEAT else hi
            out.extend(_sample(sub, rng) for _ in range(rng.randint(lo, hi)))
    return "".join(out)


@cache
def _parsed(pattern: str) -> Any:
    return _sre_parse.parse(pattern)


def _fits(f: FieldSpec, value: Any) -> bool:
    """Whether ``value`` written into ``f`` passes the field's values/pattern checks."""
    try:
        raw = format_field(f, value)
    except ValueError:
        return False
    if f.allowed is not None and raw not in f.allowed:
        return False
    return f.regex is None or f.regex.fullmatch(raw) is not None


def _constrained(f: FieldSpec, rng: random.Random) -> Any:
    """A value satisfying ``values``/``pattern`` of ``f``."""
    if f.values:
        return rng.choice(f.values)
    if f.pattern:
        for _ in range(200):
            value = _sample(_parsed(f.pattern), rng)
            if _fits(f, value):
                return value
    return None


class _Ctx:
    """What the current record is about: person, line, counters."""

    def __init__(
        self,
        layout: Layout,
        rng: random.Random,
        codes: Sequence[str] | None,
        period: tuple[date, date] | None = None,
    ) -> None:
        self.layout = layout
        self.rng = rng
        self.codes = list(codes) if codes else None
        self.period = period or (date(2026, 1, 1), date(2026, 3, 31))
        self.seq = 0
        self.person: dict[str, Any] = {}
        self.line_date = self.period[0]
        self.amount = 0
        self.dc = "D"
        # a Zvw insurer of the UZOVI register snapshot (one draw, as before: same sequence)
        insurers = _zvw_insurers()
        self.uzovi = insurers[rng.randint(3000, 3999) % len(insurers)]
        self.agb = f"{rng.randint(1, 99):02d}{rng.randint(1, 999999):06d}"
        self.invoice = f"F{rng.randint(1, 10**9):09d}"

    def return_code(self, field_name: str, length: int) -> str:
        """A return code for a return message: mostly none (zeros); in the first slot now and
        then a code from the Vektis list (4 digits) or an unlisted one of the field's width."""
        if "(01)" not in field_name or self.rng.random() > 0.2:
            return "0" * length
        listed = [c for c in codelist("vektis_retourcodes").codes if len(c) == length]
        unlisted = f"{self.rng.randint(1, 10**length - 1):0{length}d}"
        return self.rng.choice([*listed, unlisted])

    def new_person(self, n: int) -> None:
        rng = self.rng
        self.person = {
            "bsn": fake_bsn(rng),
            "number": f"V{rng.randint(1, 10**12):012d}",
            "patient": f"P{n:08d}",
            "birth": date(1930, 1, 1) + timedelta(days=rng.randint(0, 33000)),
            "gender": rng.choice("12"),
            "name": rng.choice(_LAST_NAMES),
            "initials": rng.choice(_INITIALS),
            "postcode": f"{rng.randint(1000, 9999)}{rng.choice(_POSTCODE_LETTERS)}"
            f"{rng.choice(_POSTCODE_LETTERS)}",
            "house": rng.randint(1, 300),
        }

    def new_line(self, credit_ratio: float) -> None:
        rng = self.rng
        span = min((self.period[1] - self.period[0]).days, 89)
        self.line_date = self.period[0] + timedelta(days=rng.randint(0, span))
        self.amount = rng.randint(100, 250_000)
        self.dc = "C" if rng.random() < credit_ratio else "D"
        self.code = rng.choice(self.codes) if self.codes else None


def _semantic(f: FieldSpec, role: str, ctx: _Ctx) -> Any:
    """A value chosen from the field's name, or ``None`` to fall back to its constraints."""
    name = f.name
    p = ctx.person
    lay = ctx.layout
    if name == "KENMERK RECORD":
        return None  # filled from the record type by the writer
    if name == "CODE EXTERNE-INTEGRATIEBERICHT":
        return f"{lay.message_code:03d}"
    if name == "VERSIENUMMER BERICHTSTANDAARD":
        return f"{lay.version:02d}"
    if name == "SUBVERSIENUMMER BERICHTSTANDAARD":
        return f"{lay.subversion:02d}"
    if name == "SOORT BERICHT":
        return "P"
    if name == "VALUTACODE":
        return "EUR"
    if name.startswith("IDENTIFICATIE DETAILRECORD"):
        return ctx.seq
    if "BEGINDATUM DECLARATIEPERIODE" in name:
        return ctx.period[0]
    if "EINDDATUM DECLARATIEPERIODE" in name or name.startswith("DAGTEKENING"):
        return ctx.period[1]
    if "FACTUURNUMMER" in name:
        return ctx.invoice
    if name.startswith("UZOVI"):
        return ctx.uzovi
    if name in ("ZORGVERLENERSCODE", "PRAKTIJKCODE", "INSTELLINGSCODE") or name.startswith(
        "ZORGVERLENERSCODE BEHANDELAAR"
    ):
        return ctx.agb
    if "RETOURCODE" in name or "FOUTCODE" in name:
        return ctx.return_code(name, f.length)
    if "BURGERSERVICENUMMER" in name:
        return p.get("bsn")
    if "VERZEKERDENNUMMER" in name:
        return p.get("number")
    if name.startswith("PATIENT"):
        return p.get("patient")
    if "DATUM GEBOORTE" in name:
        return p.get("birth")
    if name.startswith("CODE GESLACHT"):
        return p.get("gender")
    if name.startswith("NAAMCODE/NAAMGEBRUIK"):
        return "1" if "(01)" in name else "0"
    if name.startswith("NAAM ") and "(02)" not in name:
        return p.get("name")
    if name.startswith("VOORLETTERS"):
        return p.get("initials")
    if name.startswith("POSTCODE (HUISADRES)"):
        return p.get("postcode")
    if name.startswith("HUISNUMMER (HUISADRES)"):
        return p.get("house")
    if name.startswith("CODE LAND"):
        return "NL"
    if name.startswith("INDICATIE CLIENT OVERLEDEN"):
        return "2"
    if name == "DEBITEURNUMMER":
        return f"D{p.get('patient', '')}" if role in ("insured", "debtor") else None
    if "PRESTATIECODE" in name and "PRESTATIECODELIJST" not in name and ctx.code is not None:
        return ctx.code
    if name.startswith("AANTAL UITGEVOERDE PRESTATIES"):
        return 1
    if name.startswith("REFERENTIENUMMER DIT"):
        return f"REF{ctx.seq:012d}"
    if name.startswith("VRIJE TEKST"):
        return "Synthetisch testbestand, geen echte gegevens"
    if name.startswith("REGELNUMMER"):
        return 1
    if f.kind == DATE and role not in ("header", "trailer"):
        return ctx.line_date
    if f.kind == AMOUNT and role not in ("header", "trailer"):
        return ctx.amount if _AMOUNT_NAMES.search(name) else 0
    if f.kind == DC:
        return ctx.dc if role not in ("header", "trailer", "insured", "debtor") else "D"
    return None


def _record(ctx: _Ctx, record_type: str) -> dict[str, Any]:
    rl = ctx.layout.records[record_type]
    values: dict[str, Any] = {}
    for f in rl.fields[1:]:
        value = _semantic(f, rl.role, ctx)
        if value is not None and (f.allowed or f.regex) and not _fits(f, value):
            value = None
        if value is None:
            value = _constrained(f, ctx.rng)
        if value is None:
            if f.kind == AN and f.mandatory:
                value = "X"
            elif f.kind == DC:
                value = "D"
            elif f.kind == DATE:
                value = ctx.line_date
        values[f.key] = value
    return values


def generate_claims(
    standard: str,
    n_lines: int,
    out: IO[bytes],
    *,
    seed: int = 0,
    codes: Sequence[str] | None = None,
    version: str | None = None,
    rng: random.Random | None = None,
    max_lines_per_person: int = 4,
    credit_ratio: float = 0.1,
    debtor: bool = True,
    comments: bool = True,
    period: tuple[date, date] | None = None,
) -> dict[str, Any]:
    """Write a synthetic file of ``standard`` (e.g. ``"HA304"``, latest version unless
    ``version``) with ``n_lines`` service records to the binary stream ``out``.

    Returns a summary: ``standard``, ``version``, ``persons``, ``lines``, ``records`` (count
    per record type), ``totals`` (net debit-minus-credit cents per trailer total field key)
    and ``total`` (the first of them). Patient values are not returned; pass ``rng`` (or
    ``seed``) to reproduce a file. ``period`` (first and last day) sets the declaration
    period, service dates fall in its first 90 days; default the first quarter of 2026.
    """
    layout = load_layout(standard, version)
    rng = rng or random.Random(seed)
    ctx = _Ctx(layout, rng, codes, period)
    roles = {r.role: r.type for r in layout.records.values()}
    service = roles.get("service")
    if service is None:
        raise ValueError(f"{layout.name} has no service record")
    children = [r.type for r in layout.records.values() if r.parent == service]
    counts: dict[str, int] = {}
    totals = {t.field.key: 0 for t in layout.totals}
    sums = [(t.field.key, s) for t in layout.totals for s in t.sums]

    def emit(record_type: str, values: dict[str, Any]) -> None:
        out.write(format_record(layout, record_type, values).encode("latin-1") + b"\r\n")
        counts[record_type] = counts.get(record_type, 0) + 1
        for key, (rtype, amount_key, dc_key) in sums:
            if rtype == record_type:
                sign = -1 if dc_key and values.get(dc_key) == "C" else 1
                totals[key] += sign * int(values.get(amount_key) or 0)

    emit(roles["header"], _record(ctx, roles["header"]))
    lines = persons = 0
    while lines < n_lines:
        persons += 1
        ctx.new_person(persons)
        ctx.seq += 1
        emit(roles["insured"], _record(ctx, roles["insured"]))
        if debtor and persons == 1 and "debtor" in roles:
            ctx.seq += 1
            emit(roles["debtor"], _record(ctx, roles["debtor"]))
        for _ in range(min(rng.randint(1, max_lines_per_person), n_lines - lines)):
            lines += 1
            ctx.new_line(credit_ratio)
            ctx.seq += 1
            emit(service, _record(ctx, service))
            for child in children:
                ctx.seq += 1
                emit(child, _record(ctx, child))
            if comments and lines == 1 and "comment" in roles:
                ctx.seq += 1
                emit(roles["comment"], _record(ctx, roles["comment"]))
    trailer = layout.trailer
    values = _record(ctx, trailer.type)
    for count in layout.counts:
        values[count.field.key] = sum(counts.get(t, 0) for t in count.records)
    for total in layout.totals:
        net = totals[total.field.key]
        values[total.field.key] = abs(net)
        if total.dc is not None:
            values[total.dc.key] = "C" if net < 0 else "D"
    emit(trailer.type, values)
    return {
        "standard": layout.standard,
        "version": f"{layout.version}.{layout.subversion}",
        "persons": persons,
        "lines": lines,
        "records": counts,
        "totals": totals,
        "total": next(iter(totals.values()), 0),
    }


__all__ = ["generate_claims"]


@cache
def _zvw_insurers() -> list[str]:
    """The Zvw insurers of ``mappings/codelists/uzovi_register.toml``, in file order."""
    register = codelist("uzovi_register").codes.values()
    return [c.code for c in register if c.attributes.get("kind") == "zvw"]
