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

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import compress, repeat
from operator import gt, is_not, itemgetter
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le
from pydantic import BeforeValidator, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from resv_edi.model.declaratie import Prestatie
from resv_edi.model.types import INT_KEEPING, JSON_CONTEXT
from resv_edi.privacy import may_hold_bsn, may_hold_bsn_block
from resv_edi.rules.fact_log import FactBlock, encode
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.ref_blocks import PathPattern, RefBlock, ref_block
from resv_edi.rules.references import compared_elements
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
_INT64 = (-(2**63), 2**63 - 1)  # orjson reads a whole number beyond these as a float


class BlockColumns(dict[str, list[Any]]):
    """Validated columns that also know, for the columns validated by their distinct values,
    those values (validated, first-seen order): the line rules then look at few values."""

    distinct: dict[str, list[Any]]
    #: for the columns an :class:`IntScreen` passed, their greatest value
    highest: dict[str, int]


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
    values: dict[str, list[Any]],
    n: int,
    context: dict[str, Any] | None = None,
    distinct_values: dict[str, list[Any]] | None = None,
    screened: bool = False,
) -> Columns | None:
    """:func:`line_columns` of ``n`` lines given as columns: element name -> the lines'
    values (``None`` where a line has no such element; a missing name: no line has it).
    ``distinct_values``: per element name of ``values``, its distinct values, and
    ``screened``, as for :func:`typed_columns`."""
    fields = _fields()
    if fields is None or not values.keys() <= {alias for _, alias, _ in fields}:
        return None
    raw = {attr: values[alias] if alias in values else [None] * n for attr, alias, _ in fields}
    if distinct_values is None:
        return typed_columns(raw, context, screened=screened)
    distinct = {
        attr: distinct_values[alias] if alias in values else [None] for attr, alias, _ in fields
    }
    return typed_columns(raw, context, distinct, screened=screened)


def typed_columns(
    raw_columns: Columns,
    context: dict[str, Any] | None = JSON_CONTEXT,
    distinct_values: Columns | None = None,
    decoded: bool = False,
    screened: bool = False,
) -> Columns | None:
    """The validated columns of ``raw_columns`` (every model attribute -> the lines' values,
    ``None`` where a line lacks the field), or ``None`` when any line would not bind to the
    model; ``context`` as for :func:`line_columns`. ``distinct_values``: the distinct values
    of each (or some) column, when the caller has them and the values are known to be text,
    whole numbers or null (a typed decode): then they are not screened again. ``decoded``:
    all values are known to be text, whole numbers or null (a typed decode): a column a
    screen derived from its field (:func:`column_screens`) finds certainly valid is taken as
    it is, a whole number beyond 64 bits is doubtful (the exact reader reads it as a float).
    ``screened``: the values are a reader's Python values (text, whole numbers, dates, null;
    never booleans): a column the screen of its field finds certainly valid is taken as it
    is, as with ``decoded``, and nothing else changes."""
    fields = _fields()
    if fields is None:
        return None
    screens = column_screens() if decoded or screened else {}
    numberless = _numberless_fields() if decoded else frozenset()
    columns = BlockColumns()
    columns.distinct = {}
    columns.highest = {}
    try:
        for attr, _alias, adapter in fields:
            raw = raw_columns[attr]
            screen = screens.get(attr)
            if screen is None:
                passed = False
            elif isinstance(screen, IntScreen):
                highest = screen.highest(raw)
                passed = highest is not None
                if passed:
                    columns.highest[attr] = highest  # type: ignore[assignment]
            else:
                passed = screen(raw)
            if passed:
                columns[attr] = raw
                if screened and distinct_values is not None and attr in distinct_values:
                    columns.distinct[attr] = distinct_values[attr]
                continue
            given = None if distinct_values is None else distinct_values.get(attr)
            if given is not None:
                distinct = given
            elif decoded:
                distinct = _distinct(raw)
            elif not set(map(type, raw)) <= _SCALARS:
                return None  # booleans, floats, objects: the exact path judges them
            else:
                distinct = list(dict.fromkeys(raw))
            # a field refusing every number refuses a long one too: no need to look
            if decoded and attr not in numberless and not _within_int64(distinct):
                return None
            valid = adapter.validate_python(distinct, context=context)
            columns.distinct[attr] = valid
            if valid == distinct:
                columns[attr] = raw
            else:
                columns[attr] = list(map(dict(zip(distinct, valid, strict=True)).__getitem__, raw))
    except ValidationError:
        return None
    return columns


@cache
def _numberless_fields() -> frozenset[str]:
    """The attributes of the fields whose validator refuses every number, from their type: a
    text or a choice of texts, with no validator function of their own (which might take
    one), in a model that does not turn numbers into text."""
    if Prestatie.model_config.get("coerce_numbers_to_str"):
        return frozenset()
    found = set()
    for attr, info in Prestatie.model_fields.items():
        kind, metadata, _ = _unwrapped(info)
        texts = kind is str or (
            get_origin(kind) is Literal and all(type(code) is str for code in get_args(kind))
        )
        if texts and not any(hasattr(item, "func") for item in metadata):
            found.add(attr)
    return frozenset(found)


def _distinct(values: list[Any]) -> list[Any]:
    """The distinct ``values`` (text, whole numbers, null; in no particular order): a
    column with one value is found by comparing, not hashing."""
    if values and values[-1] == values[0] and values.count(values[0]) == len(values):
        return values[:1]
    return list(set(values))


def _within_int64(values: list[Any]) -> bool:
    """No whole number among ``values`` (text, whole numbers, null) lies beyond 64 bits."""
    try:
        "".join(filter(None, values))  # text only (or null, or 0): no number to look at
        return True
    except TypeError:
        numbers = [v for v in values if type(v) is int]
        return not numbers or (min(numbers) >= _INT64[0] and max(numbers) <= _INT64[1])


Screen = Callable[[list[Any]], bool]


@cache
def column_screens() -> dict[str, Screen]:
    """attribute -> a C-level screen of a whole column (values text, whole numbers or null)
    that is True only when the model's field certainly accepts every value unchanged, for the
    fields whose constraints it fully understands; derived from the field's own metadata,
    never a second copy of a constraint. False means "maybe not": the model's validator
    decides. Whole-number fields with ``Ge``/``Le`` (and before-validators that keep whole
    numbers, :data:`~resv_edi.model.types.INT_KEEPING`) are screened by ``min``/``max``."""
    screens: dict[str, Screen] = {}
    for attr, info in Prestatie.model_fields.items():
        screen = screen_for(info)
        if screen is not None:
            screens[attr] = screen
    return screens


def screen_for(info: FieldInfo) -> Screen | None:
    """The column screen of a field (:func:`column_screens`), or ``None``."""
    bounds = _int_bounds(info)
    return None if bounds is None else IntScreen(*bounds)


def _unwrapped(info: FieldInfo) -> tuple[Any, list[Any], bool]:
    """(type, metadata, whether null is allowed) of a field, through ``X | None`` and
    ``Annotated``."""
    annotation = info.annotation
    metadata = list(info.metadata)
    optional = False
    if get_origin(annotation) in (Union, UnionType):
        args = get_args(annotation)
        if len(args) != 2 or NoneType not in args:
            return None, [], False
        optional = True
        annotation = args[0] if args[1] is NoneType else args[1]
    if get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata.extend(extra)
    return annotation, metadata, optional


def _int_bounds(info: FieldInfo) -> tuple[int, int, bool] | None:
    """(least, greatest, null allowed) of a whole-number field whose every constraint is a
    ``Ge``, a ``Le`` or a before-validator keeping whole numbers; else ``None``."""
    kind, metadata, optional = _unwrapped(info)
    if kind is not int:
        return None
    if not info.is_required() and info.default is not None:
        return None  # a missing value would not read as null
    least, greatest = _INT64
    for item in metadata:
        if isinstance(item, Ge) and type(item.ge) is int:
            least = max(least, item.ge)
        elif isinstance(item, Le) and type(item.le) is int:
            greatest = min(greatest, item.le)
        elif not (isinstance(item, BeforeValidator) and item.func in INT_KEEPING):
            return None
    return least, greatest, optional


@dataclass(frozen=True, slots=True)
class IntScreen:
    """A column screen for whole numbers in ``least..greatest`` (null too when ``optional``)."""

    least: int
    greatest: int
    optional: bool

    def __call__(self, column: list[Any]) -> bool:
        return self.highest(column) is not None

    def highest(self, column: list[Any]) -> int | None:
        """The greatest value of the column (0 when it holds none but null) when the screen
        passes it, else ``None``. A column of whole numbers only, the usual one, is judged
        by its least and greatest value alone (the values are text, whole numbers, dates or
        null, never booleans, which compare as numbers); any other by :meth:`_highest`."""
        try:  # null, text and numbers do not compare: a mixed column raises
            low, high = min(column), max(column)
        except (TypeError, ValueError):  # mixed, or empty
            return self._highest(column)
        if type(low) is int and type(high) is int and self.least <= low and high <= self.greatest:
            return high
        return self._highest(column)

    def _highest(self, column: list[Any]) -> int | None:
        values = list(filter(None, column))  # drops null, 0 and ""
        dropped = len(column) - len(values)
        if dropped:
            nulls = column.count(None)
            if nulls and not self.optional:
                return None
            zeros = dropped - nulls
            if zeros and not (self.least <= 0 <= self.greatest and column.count(0) == zeros):
                return None  # an empty text, or a 0 out of range
        if not values:
            return 0
        try:  # text and numbers do not compare: a mixed column raises
            low, high = min(values), max(values)
        except TypeError:
            return None
        if type(low) is int and type(high) is int and self.least <= low and high <= self.greatest:
            return high
        return None


@dataclass(frozen=True, slots=True)
class CleanRun:
    """A run of declaratie lines that breaks no line rule: what the rule engine must still
    count (:meth:`~resv_edi.rules.engine.RuleEngine.add_clean_lines`)."""

    refs: RefBlock  # the lines' reference columns (what the reference index keeps)
    signed_sum: int
    last_line: int | None  # None: the format has no line numbers (JSON documents)
    #: the lines' validated attribute columns (what a converter writes, a report counts)
    columns: Columns
    #: the lines' compared values (R035)
    facts: FactBlock | None = None

    @property
    def count(self) -> int:
        """How many lines the run holds."""
        return self.refs.size


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
    compared = compared_attributes()
    distinct = getattr(columns, "distinct", {})  # a column's values, when known (BlockColumns)
    facts = (
        first_index,
        n,
        encode([columns[attr] for attr in compared], [distinct.get(attr) for attr in compared]),
    )
    last = (lines[-1] if lines is not None else None) if n else 0
    return CleanRun(refs, sum(amounts) - 2 * credit, last, columns, facts)


class RuleMemo:
    """The (rule, values) found clean so far under one header: distinct values repeat
    across blocks (codes, dates, parties), so most are checked once per message. ``rows``:
    the blocks' distinct input tuples (:class:`_Inputs`) on which every listed rule was found
    clean, by the attributes that varied and the values of those that did not; a later
    block's tuples among them are not projected and looked up rule by rule again."""

    def __init__(self, limit: int = 100_000) -> None:
        self.header: object = None
        self.clean: set[tuple[str, tuple[Any, ...]]] = set()
        self.rows: dict[tuple[Any, ...], set[tuple[Any, ...]]] = {}
        self.limit = limit
        self._held = 0  # tuples in rows

    def under(self, header: object) -> set[tuple[str, tuple[Any, ...]]]:
        if header is not self.header or len(self.clean) + self._held > self.limit:
            self.header = header
            self.clean = set()
            self.rows = {}
            self._held = 0
        return self.clean

    def remember(self, shape: tuple[Any, ...], rows: set[tuple[Any, ...]]) -> None:
        """``rows`` of ``shape`` found clean by every listed rule."""
        seen = self.rows.setdefault(shape, set())
        seen |= rows
        self._held += len(rows)


def lines_clean(columns: Columns, ctx: MessageContext, memo: RuleMemo | None = None) -> bool:
    """True when no line of the block breaks a line rule of the declaratie."""
    memo = memo or RuleMemo()
    known = memo.under(ctx.header)
    varying, fixed = _varying_and_fixed(columns)
    shape = (varying, *fixed.items())
    seen = memo.rows.get(shape)
    # every tuple found clean by every listed rule before: those rules need no look (the
    # lines' tuples looked up one by one, no set of them made)
    listed_clean = (
        seen is not None and bool(seen) and seen.issuperset(_lines_inputs(columns, varying))
    )
    if listed_clean:
        inputs = _Inputs(varying, set(), fixed)
    else:
        rows = set(_lines_inputs(columns, varying))
        inputs = _Inputs(varying, rows - seen if seen else rows, fixed)
    bsn_free: bool | None = None  # both BSN screens at once, when first asked
    try:
        for spec in record_rules("declaratie", "line"):
            code = spec.code
            screen = _SCREENS.get(code)
            if screen is not None:
                if code in _BSN_SCOPES:
                    if bsn_free is None:
                        bsn_free = _bsn_free(columns)
                    if bsn_free:
                        continue
                if screen(columns):
                    continue
            elif listed_clean and code in READS:
                continue
            assert spec.func is not None
            if not _rule_clean(code, spec.func, columns, inputs, ctx, known):
                return False
    except AttributeError:
        return False
    memo.remember(shape, inputs.rows)
    return True


@cache
def _read_attrs() -> tuple[str, ...]:
    """Every attribute some listed rule reads, in a fixed order."""
    return tuple(dict.fromkeys(a for reads in READS.values() for a in reads))


@dataclass(frozen=True, slots=True)
class _Inputs:
    """The block's distinct tuples of the attributes of :func:`_read_attrs` that vary in
    it (``varying``, in that order); ``fixed``: the value of each one that does not."""

    varying: tuple[str, ...]
    rows: set[tuple[Any, ...]]
    fixed: dict[str, Any]


def _varying_and_fixed(columns: Columns) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The attributes of :func:`_read_attrs` that vary in the block, and the one value of
    each that does not (known from :class:`BlockColumns`)."""
    distinct = getattr(columns, "distinct", {})
    fixed = {a: d[0] for a in _read_attrs() if len(d := distinct.get(a, ())) == 1}
    return tuple(a for a in _read_attrs() if a not in fixed), fixed


def _lines_inputs(columns: Columns, varying: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    """Each line's tuple of the ``varying`` attributes."""
    return zip(*(columns[a] for a in varying), strict=True)


def _rule_inputs(reads: tuple[str, ...], given: _Inputs) -> set[tuple[Any, ...]]:
    """The distinct tuples of the attributes ``reads`` in the block."""
    fixed = given.fixed
    moving = [a for a in reads if a not in fixed]
    if not moving:
        return {tuple(fixed[a] for a in reads)}
    where = given.varying
    projected = set(map(itemgetter(*map(where.index, moving)), given.rows))
    if len(moving) == 1:
        projected = {(value,) for value in projected}
    if len(moving) == len(reads):
        return projected
    slots = [(a in fixed, fixed.get(a), moving.index(a) if a not in fixed else 0) for a in reads]
    return {tuple(v if f else row[i] for f, v, i in slots) for row in projected}


def _rule_clean(
    code: str,
    func: Callable[[Any, Any], Any],
    columns: Columns,
    given: _Inputs,
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
        inputs = _rule_inputs(reads, given)
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
        return not may_hold_bsn_block(_screened_texts(columns, _text_attrs(scope)))

    return screen


#: the BSN screens' rules and the scope of the privacy fields each screens
_BSN_SCOPES = {"R016": "free_text", "R042": "reference"}


def _bsn_free(columns: Columns) -> bool:
    """Both BSN screens (:func:`_bsn_screen`) at once: no text of either scope holds a
    possible BSN (a text's answer is its own, so one screen over the texts of both answers
    for each; when it finds one, each screen looks for itself)."""
    return not may_hold_bsn_block(_screened_texts(columns, _all_text_attrs()))


@cache
def _all_text_attrs() -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for s in _BSN_SCOPES.values() for a in _text_attrs(s)))


def _screened_texts(columns: Columns, attrs: tuple[str, ...]) -> list[str]:
    """The texts of ``attrs`` the BSN screen must look at: a text's answer is its own, so
    each column's distinct values suffice."""
    distinct = getattr(columns, "distinct", {})
    texts: list[str] = []
    for attr in attrs:
        texts.extend(filter(None, distinct.get(attr, columns[attr])))
    return texts


@cache
def _by_alias() -> dict[str, str]:
    return {info.alias or name: name for name, info in Prestatie.model_fields.items()}


@cache
def _text_attrs(scope: str) -> tuple[str, ...]:
    """The attributes of the BSN guard's fields in ``scope`` (``[privacy]`` of the standard)
    that may hold a possible BSN at all (:func:`may_hold_nine_digits`)."""
    elements = facts().reference_fields if scope == "reference" else facts().free_text_fields
    fields = Prestatie.model_fields
    return tuple(
        _by_alias()[e]
        for e in elements
        if e in _by_alias() and may_hold_nine_digits(fields[_by_alias()[e]])
    )


def may_hold_nine_digits(info: FieldInfo) -> bool:
    """Whether a value the field accepts may hold a possible BSN (nine digits, bare or
    grouped), from its metadata: not a text of at most eight characters, nor one of a few
    codes none of which holds one; anything else may (the screen then looks)."""
    kind, metadata, _ = _unwrapped(info)
    if get_origin(kind) is Literal:
        return any(may_hold_bsn(str(code)) for code in get_args(kind))
    if kind is str:
        for item in metadata:
            longest = getattr(item, "max_length", None)
            if type(longest) is int and longest < 9:
                return False
    return True


def compared_attributes() -> tuple[str, ...]:
    """The attributes of the elements a credit must repeat (R035), in the reference index's
    order (:func:`~resv_edi.rules.references.compared_elements`)."""
    return tuple(_by_alias()[e] for e in compared_elements()[0])


def _width_screen(columns: Columns) -> bool:
    """R017 on lines: every amount has fewer digits than allowed (the greatest amounts as
    their column screens found them, when they did)."""
    highest = getattr(columns, "highest", {})
    amount = highest.get("bedrag")
    if amount is None:
        amount = max(columns["bedrag"], default=0)
    vat = highest.get("btw_bedrag")
    if vat is None:
        vat = max(filter(None, columns["btw_bedrag"]), default=0)
    return amount < 10 ** facts().line_amount_digits and vat < 10 ** facts().vat_amount_digits


def _vat_screen(columns: Columns) -> bool:
    """R026: no VAT amount exceeds its line's amount. A VAT amount of 0 exceeds none when
    the model keeps amounts at 0 or more: then only the others are compared."""
    vat = columns["btw_bedrag"]
    if _amounts_never_negative():
        given: Iterable[Any] = vat  # null and 0 are passed over
    else:
        given = list(map(is_not, vat, repeat(None)))
    return not any(map(gt, compress(vat, given), compress(columns["bedrag"], given)))


@cache
def _amounts_never_negative() -> bool:
    """Whether the model accepts no line amount below 0 (its field's ``Ge``)."""
    bounds = _int_bounds(Prestatie.model_fields["bedrag"])
    return bounds is not None and bounds[0] >= 0


_SCREENS: dict[str, Callable[[Columns], bool]] = {
    **{code: _bsn_screen(scope) for code, scope in _BSN_SCOPES.items()},
    "R017": _width_screen,
    "R026": _vat_screen,
}
