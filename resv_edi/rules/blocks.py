"""Block checks: a block of declaratie lines validated and checked at once, as columns.

The exact path (reader -> model per line -> :class:`~resv_edi.rules.engine.RuleEngine`) is
the reference. A block check only answers "this block certainly has no issue" or "doubtful";
a doubtful block is read again by the exact path, which explains it line by line. So the
answer is the same by construction, as long as "clean" is only said when the exact path would
find nothing; ``tests/rules/test_blocks_differential.py`` proves it on every fixture, mutated
inputs and generated ones.

- The model: each field's distinct values of the block are validated once, with the model's
  own field type (so there is no second copy of a constraint); a value of another JSON type
  than text, whole number or null makes the block doubtful.
- The record rules: each line rule is run once per distinct tuple of the attributes it reads
  (:data:`READS`); a rule not listed is run per line. The free-text BSN guard (R016) is one
  screen over the block's text; R017/R026 are screened by comparisons over the amount
  columns, and any breach sends the block to the exact path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import repeat
from operator import itemgetter
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from resv_edi.model.declaratie import Prestatie
from resv_edi.model.types import JSON_CONTEXT
from resv_edi.privacy import may_hold_bsn_block
from resv_edi.rules.fact_log import FactBlock, encode
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.ref_blocks import PathPattern, RefBlock, block_rows, ref_block
from resv_edi.rules.references import RowValues, compared_elements
from resv_edi.rules.registry import record_rules
from resv_edi.standard.facts import facts

#: the attributes each line rule reads (with the header from the context); a rule run on a
#: record holding only these fails with AttributeError if the list is short: then the block
#: goes the exact way (never a wrong "clean")
READS: dict[str, tuple[str, ...]] = {
    "R005": ("begindatum", "einddatum"),
    "R006": ("begindatum", "einddatum"),
    "R007": ("debet_credit", "begindatum", "einddatum"),
    "R008": ("prestatiecode", "begindatum"),
    "R009": ("prestatiecode", "prestatiesoort"),
    "R020": ("hoofdtaak", "begindatum"),
    "R010": ("prestatiesoort",),
    "R019": ("prestatiesoort", "zorgverzekeraar"),
    "R011": ("prestatiesoort", "uitvoerende_zorgaanbieder", "opdrachtgevende_zorgaanbieder"),
    "R012": ("prestatiesoort", "uitvoerende_zorgaanbieder", "opdrachtgevende_zorgaanbieder"),
    "R013": ("prestatiesoort", "opdrachtgevende_zorgaanbieder"),
    "R022": ("prestatiesoort", "uitvoerende_zorgaanbieder"),
    "R014": ("uitvoerende_zorgaanbieder", "opdrachtgevende_zorgaanbieder"),
    "R015": ("zorgverzekeraar",),
    "R034": ("opdracht_overeenkomst", "prestatiesoort"),
    "R036": ("werkgebied", "begindatum"),
    "R038": ("begindatum", "einddatum"),
    "R039": ("begindatum",),
    "R040": ("zorgverzekeraar",),
    "R041": ("zorgverzekeraar", "begindatum"),
}

Columns = dict[str, list[Any]]
#: the value types a block may hold (dates: EI values, converted by the EI reader)
_SCALARS = frozenset({str, int, date, type(None)})


@cache
def _fields() -> tuple[tuple[str, str, TypeAdapter[list[Any]]], ...] | None:
    """(attribute, alias, adapter validating a list of the field's values) of every model
    field; ``None`` when the model checks more than its fields (then no block is clean)."""
    decorators = Prestatie.__pydantic_decorators__
    if decorators.model_validators or decorators.field_validators or decorators.validators:
        return None
    found = []
    for attr, info in Prestatie.model_fields.items():
        if not info.is_required() and info.default is not None:
            return None  # a missing field would not read as None
        single = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        found.append((attr, info.alias or attr, TypeAdapter(list[single])))  # type: ignore[valid-type]
    return tuple(found)


def line_columns(
    data: Sequence[dict[str, Any]], context: dict[str, Any] | None = JSON_CONTEXT
) -> Columns | None:
    """The validated columns (attribute -> values) of the lines' ``data`` (objects keyed by
    element name), or ``None`` when any line would not bind to the model. ``context`` is the
    model's validation context: :data:`JSON_CONTEXT` for JSON values, ``None`` for the text
    values of XML and EI."""
    fields = _fields()
    if fields is None:
        return None
    known = {alias for _, alias, _ in fields}
    keys: set[str] = set()
    for item in data:
        keys.update(item)
    if not keys <= known:
        return None
    raw = {attr: list(map(dict.get, data, repeat(alias))) for attr, alias, _ in fields}
    return typed_columns(raw, context)


def alias_columns(
    values: dict[str, list[Any]], n: int, context: dict[str, Any] | None = None
) -> Columns | None:
    """:func:`line_columns` of ``n`` lines given as columns: element name -> the lines'
    values (``None`` where a line has no such element; a missing name: no line has it)."""
    fields = _fields()
    if fields is None or not values.keys() <= {alias for _, alias, _ in fields}:
        return None
    raw = {attr: values[alias] if alias in values else [None] * n for attr, alias, _ in fields}
    return typed_columns(raw, context)


def typed_columns(
    raw_columns: Columns,
    context: dict[str, Any] | None = JSON_CONTEXT,
    distinct_values: Columns | None = None,
) -> Columns | None:
    """The validated columns of ``raw_columns`` (every model attribute -> the lines' values,
    ``None`` where a line lacks the field), or ``None`` when any line would not bind to the
    model; ``context`` as for :func:`line_columns`. ``distinct_values``: each column's
    distinct values in first-seen order, when the caller has them and the values are known
    to be text, whole numbers or null (a typed decode): then they are not screened again."""
    fields = _fields()
    if fields is None:
        return None
    columns: Columns = {}
    try:
        for attr, _alias, adapter in fields:
            raw = raw_columns[attr]
            if distinct_values is not None:
                distinct = distinct_values[attr]
            elif not set(map(type, raw)) <= _SCALARS:
                return None  # booleans, floats, objects: the exact path judges them
            else:
                distinct = list(dict.fromkeys(raw))
            valid = adapter.validate_python(distinct, context=context)
            if valid == distinct:
                columns[attr] = raw
            else:
                columns[attr] = list(map(dict(zip(distinct, valid, strict=True)).__getitem__, raw))
    except ValidationError:
        return None
    return columns


@dataclass(frozen=True, slots=True)
class CleanRun:
    """A run of declaratie lines that breaks no line rule: what the rule engine must still
    count (:meth:`~resv_edi.rules.engine.RuleEngine.add_clean_lines`)."""

    refs: RefBlock  # the lines' reference columns (what the reference index keeps)
    signed_sum: int
    last_line: int | None  # None: the format has no line numbers (JSON documents)
    #: the lines' validated attribute columns (what a converter writes), when kept
    columns: Columns | None = None
    #: the lines' compared values (R035)
    facts: FactBlock | None = None

    @property
    def count(self) -> int:
        """How many lines the run holds."""
        return self.refs.size

    @property
    def rows(self) -> list[RowValues]:
        """The lines' reference rows (built on demand; the engine keeps the columns)."""
        return block_rows(self.refs)


def clean_run(
    columns: Columns,
    first_index: int,
    lines: Sequence[int | None] | None,
    paths: str | PathPattern | Iterable[str],
) -> CleanRun:
    """The :class:`CleanRun` of a clean block: ``first_index`` is its first line's number
    within the message, ``lines`` the source line of each line (``None``: the format has
    none), ``paths`` their XPaths (one for all, a :data:`PathPattern` with the line's index, or
    each line's); the run keeps ``columns`` (a reference, no copy) for a converter to write."""
    amounts = columns["bedrag"]
    signs = columns["debet_credit"]
    n = len(amounts)
    refs = ref_block(
        first_index,
        lines,
        paths,
        columns["referentienummer"],
        signs,
        columns["vorig_referentienummer"],
        amounts,
        columns["resv_plan"],
        columns["werkgebied"],
    )
    credit = sum(amounts[i] for i in refs.credits)
    facts = (first_index, n, encode([columns[attr] for attr in compared_attributes()]))
    last = (lines[-1] if lines is not None else None) if n else 0
    return CleanRun(refs, sum(amounts) - 2 * credit, last, columns, facts)


class RuleMemo:
    """The (rule, values) found clean so far under one header: distinct values repeat
    across blocks (codes, dates, parties), so most are checked once per message."""

    def __init__(self, limit: int = 100_000) -> None:
        self.header: object = None
        self.clean: set[tuple[str, tuple[Any, ...]]] = set()
        self.limit = limit

    def under(self, header: object) -> set[tuple[str, tuple[Any, ...]]]:
        if header is not self.header or len(self.clean) > self.limit:
            self.header = header
            self.clean = set()
        return self.clean


def lines_clean(columns: Columns, ctx: MessageContext, memo: RuleMemo | None = None) -> bool:
    """True when no line of the block breaks a line rule of the declaratie."""
    known = (memo or RuleMemo()).under(ctx.header)
    distinct = _distinct_inputs(columns)
    try:
        for spec in record_rules("declaratie", "line"):
            screen = _SCREENS.get(spec.code)
            if screen is not None and screen(columns):
                continue
            assert spec.func is not None
            if not _rule_clean(spec.code, spec.func, columns, distinct, ctx, known):
                return False
    except AttributeError:
        return False
    return True


@cache
def _read_attrs() -> tuple[str, ...]:
    """Every attribute some listed rule reads, in a fixed order."""
    return tuple(dict.fromkeys(a for reads in READS.values() for a in reads))


def _distinct_inputs(columns: Columns) -> set[tuple[Any, ...]]:
    """The block's distinct tuples of :func:`_read_attrs` (few: codes, dates, parties)."""
    return set(zip(*(columns[a] for a in _read_attrs()), strict=True))


def _rule_clean(
    code: str,
    func: Callable[[Any, Any], Any],
    columns: Columns,
    distinct: set[tuple[Any, ...]],
    ctx: Any,
    known: set[tuple[str, tuple[Any, ...]]],
) -> bool:
    """``func`` finds nothing on any distinct tuple of the attributes it reads (on every
    line, with all attributes, when those are not listed)."""
    reads = READS.get(code)
    if reads is None:
        attrs = tuple(columns)
        inputs = set(zip(*(columns[a] for a in attrs), strict=True))
    else:
        attrs = reads
        where = _read_attrs()
        inputs = set(map(itemgetter(*map(where.index, reads)), distinct))
        if len(reads) == 1:
            inputs = {(value,) for value in inputs}
    make = Prestatie.model_construct
    for values in inputs:
        key = (code, values)
        if key in known:
            continue
        if func(make(**dict(zip(attrs, values, strict=True))), ctx):
            return False
        if reads is not None:
            known.add(key)
    return True


def _bsn_screen(scope: str) -> Callable[[Columns], bool]:
    """R016 (free text) and R042 (identifying fields): no text of the block holds a possible
    BSN: the same answer as the rule's own screen of each line's texts."""

    def screen(columns: Columns) -> bool:
        texts: list[str] = []
        for attr in _text_attrs(scope):
            texts.extend(filter(None, columns[attr]))
        return not may_hold_bsn_block(texts)

    return screen


@cache
def _by_alias() -> dict[str, str]:
    return {info.alias or name: name for name, info in Prestatie.model_fields.items()}


@cache
def _text_attrs(scope: str) -> tuple[str, ...]:
    elements = facts().reference_fields if scope == "reference" else facts().free_text_fields
    return tuple(_by_alias()[e] for e in elements if e in _by_alias())


def compared_attributes() -> tuple[str, ...]:
    """The attributes of the elements a credit must repeat (R035), in the reference index's
    order (:func:`~resv_edi.rules.references.compared_elements`)."""
    return tuple(_by_alias()[e] for e in compared_elements()[0])


def _width_screen(columns: Columns) -> bool:
    """R017 on lines: every amount has fewer digits than allowed."""
    vat = [v for v in columns["btw_bedrag"] if v is not None]
    return (
        max(columns["bedrag"], default=0) < 10 ** facts().line_amount_digits
        and max(vat, default=0) < 10 ** facts().vat_amount_digits
    )


def _vat_screen(columns: Columns) -> bool:
    """R026: no VAT amount exceeds its line's amount."""
    return not any(
        vat is not None and vat > amount
        for vat, amount in zip(columns["btw_bedrag"], columns["bedrag"], strict=True)
    )


_SCREENS: dict[str, Callable[[Columns], bool]] = {
    "R016": _bsn_screen("free_text"),
    "R042": _bsn_screen("reference"),
    "R017": _width_screen,
    "R026": _vat_screen,
}
