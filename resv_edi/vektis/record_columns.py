"""The fields of many records of one type read by columns, as the EI reader reads them one by
one (:func:`~resv_edi.vektis.reader.parse_fields`): the same typed values, or ``None`` when any
value has a problem (then the caller reads the records the exact way, which reports it).

A field that holds the same text in every record (a record type, a code, a filler) is found
without slicing it (``str.startswith`` at its position) and converted once; only the other
fields are sliced per record (one-character fields by one strided slice). The values of each
record come out as a dict in field order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import Any

from resv_edi.vektis.layout import FieldSpec, RecordLayout

#: converts a column of one field's raw texts (``None``: a value has a problem)
Convert = Callable[[FieldSpec, Sequence[str]], "Sequence[Any] | None"]
_NO_VALUE = object()
_MISSING = object()


@dataclass(slots=True)
class RecordColumns:
    """The typed values of ``count`` records of one type: one constant value per field that
    is the same in every record (:attr:`template`, in field order) and one column per other
    field (:attr:`variable`)."""

    count: int
    template: dict[str, Any]
    variable: dict[str, Sequence[Any]]

    def column(self, key: str) -> Sequence[Any]:
        """The values of field ``key`` in every record."""
        found = self.variable.get(key)
        return found if found is not None else [self.template[key]] * self.count

    def rows(self) -> list[dict[str, Any]]:
        """One dict per record (field key -> typed value, in field order): a copy of the
        template each, the variable fields stored into it record by record."""
        rows = list(map(dict, repeat(self.template, self.count)))
        if self.variable:
            _filler(len(self.variable))(rows, tuple(self.variable), tuple(self.variable.values()))
        return rows


@lru_cache(maxsize=64)
def _filler(count: int) -> Callable[[list[dict[str, Any]], tuple[str, ...], tuple[Any, ...]], None]:
    """``fill(rows, keys, columns)``: stores ``count`` columns into the rows, one row after
    the other with one store per column, so that each row is written while it is in the cache
    (column by column, a block's rows are walked ``count`` times: about 1.5x the time). The
    loop is compiled once per ``count``; its text holds nothing but generated names (the keys
    and columns are its arguments)."""
    values = [f"v{i}" for i in range(count)]
    keys = [f"k{i}" for i in range(count)]
    stores = "; ".join(f"row[{k}] = {v}" for k, v in zip(keys, values, strict=True))
    source = (
        "def fill(rows, keys, columns):\n"
        f"    {', '.join(keys)}, = keys\n"
        f"    for row, {', '.join(values)} in zip(rows, *columns, strict=True):\n"
        f"        {stores}\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # generated names only, as collections.namedtuple does
    fill: Callable[[list[dict[str, Any]], tuple[str, ...], tuple[Any, ...]], None]
    fill = namespace["fill"]
    return fill


@dataclass(slots=True)
class _Field:
    """What :func:`record_columns` needs of one field, worked out once per record layout."""

    spec: FieldSpec
    key: str
    begin: int
    length: int
    checked: bool
    slice: slice
    #: the values of texts seen in every record of a block (:data:`_NO_VALUE`: a problem);
    #: never kept for a patient field or a record of a person or of free text
    constants: dict[str, Any]
    keeps: bool
    #: what decides how a text is read and checked (kind, length, mandatory, code list,
    #: pattern): two fields with the same rule give the same value or problem for a text
    rule: tuple[Any, ...]


_PLANS: dict[tuple[int, Convert], tuple[RecordLayout, list[_Field]]] = {}
_MAX_CONSTANTS = 256  # distinct constant texts kept per field
#: record roles whose values are never kept beyond their block (persons, free text)
_UNKEPT_ROLES = frozenset({"insured", "debtor", "comment"})


def _plan(rl: RecordLayout, convert: Convert) -> list[_Field]:
    found = _PLANS.get((id(rl), convert))
    if found is None or found[0] is not rl:
        unkept = rl.role in _UNKEPT_ROLES
        fields = [
            _Field(
                f,
                f.key,
                f.start - 1,
                f.length,
                f.checked,
                f.slice,
                {},
                not (unkept or f.patient),
                (f.kind, f.length, f.mandatory, f.allowed, f.regex),
            )
            for f in rl.fields
        ]
        found = _PLANS[id(rl), convert] = (rl, fields)
    return found[1]


def record_columns(
    rl: RecordLayout,
    text: str,
    count: int,
    convert: Convert,
    texts: Sequence[str] | None = None,
) -> RecordColumns | None:
    """The values of the ``count`` records of ``rl`` joined in ``text`` (each the layout's
    record length; ``texts``: the same records one by one, if the caller has them), as
    :func:`~resv_edi.vektis.reader.parse_fields` reads them, the checked fields' columns
    by ``convert``; ``None`` when any value has a problem there."""
    length = len(text) // count
    if texts is None:
        texts = [text[at : at + length] for at in range(0, len(text), length)]
    first, middle, last = texts[0], texts[count // 2], texts[-1]
    plan = _plan(rl, convert)
    runs: dict[str, str] = {}
    template: dict[str, Any] = {}
    variable: dict[str, Sequence[Any]] = {}
    done: list[tuple[tuple[Any, ...], list[str], Sequence[Any]]] = []
    for f in plan:
        begin = f.begin
        raw = first[begin : begin + f.length]
        if count == 1 or (
            middle.startswith(raw, begin)
            and last.startswith(raw, begin)
            and _constant(text, texts, raw, begin, length, runs)
        ):
            value = f.constants.get(raw, _MISSING)
            if value is _MISSING:
                value = _one_value(convert, f, raw)
            if value is _NO_VALUE:
                return None
            template[f.key] = value
            continue
        template[f.key] = None  # its place in the field order
        if f.length == 1:
            raws: list[str] = list(text[begin::length])
        else:  # a pass per field over a few hundred records: no tuple per record
            raws = list(map(itemgetter(f.slice), texts))
        if f.checked:
            converted = _same_texts(done, f, raws)  # amounts or dates alike, say
            if converted is None:
                converted = convert(f.spec, raws)
                if converted is None:
                    return None
                done.append((f.rule, raws, converted))
            variable[f.key] = converted
        else:
            variable[f.key] = list(map(str.rstrip, raws))
    return RecordColumns(count, template, variable)


def _same_texts(
    done: list[tuple[tuple[Any, ...], list[str], Sequence[Any]]], f: _Field, raws: list[str]
) -> Sequence[Any] | None:
    """The values of an earlier column of the block with the same texts as ``raws`` and a
    field read the same way (:attr:`_Field.rule`), such as a claimed amount that equals the
    calculated one in every record, or a claim's end date its start date; ``None``: none."""
    for rule, texts, values in done:
        if rule == f.rule and texts == raws:
            return values
    return None


#: up to this length a field is compared by one strided slice per position, above it record
#: by record (``str.startswith``): the cheaper of the two, measured on claim files
_BY_POSITION = 24


def _constant(
    text: str, texts: Sequence[str], raw: str, begin: int, length: int, runs: dict[str, str]
) -> bool:
    """Whether every record of ``texts`` (joined in ``text``, each ``length`` long) holds
    ``raw`` at ``begin``. ``runs``: each character repeated once per record, made once."""
    if len(raw) > _BY_POSITION:
        return all(map(str.startswith, texts, repeat(raw), repeat(begin)))
    for at, char in enumerate(raw, begin):
        run = runs.get(char)
        if run is None:
            run = runs[char] = char * len(texts)
        if text[at::length] != run:
            return False
    return True


def _one_value(convert: Convert, f: _Field, raw: str) -> Any:
    """``raw``'s value in field ``f``, or :data:`_NO_VALUE` when it has a problem there
    (kept for the next block)."""
    if not f.checked:
        value: Any = raw.rstrip()
    else:
        values = convert(f.spec, [raw])
        value = _NO_VALUE if values is None else values[0]
    if f.keeps and len(f.constants) < _MAX_CONSTANTS:
        f.constants[raw] = value
    return value
