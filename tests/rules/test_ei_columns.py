"""``read_columns`` (a block's fields sliced per stretch, converted once per distinct text or
as they are) reads every value of every record exactly as ``parse_fields`` reads that record,
and says "problem" exactly when ``parse_fields`` finds one in some record: whatever the
:class:`Spread` has learnt (fields taken as all different or not), whether the block is
probed, and whichever records of the block are asked for."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import resv_edi.rules.ei_columns as ei_columns
from resv_edi.formats.ei.resv import resv_layout
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE
from resv_edi.rules.ei_columns import Spread, read_columns
from resv_edi.vektis.reader import parse_fields

LAYOUT = resv_layout(DECLARATIE.name)
MAIN = LAYOUT.layout.records["04"]
KEYS = frozenset(fm.spec.key for fm in LAYOUT.fields["04"])
NEEDED = [f for f in MAIN.fields if f.checked or f.key in KEYS]
TYPE_FIELD = "0401"  # KENMERK RECORD: not sliced when the records are known to be of type 04


def _records(n: int) -> list[str]:
    out = io.BytesIO()
    get_format("ei").writer(generate_declaration(n, seed=5), out, DECLARATIE)
    lines = out.getvalue().decode("latin-1").split("\r\n")
    return [line for line in lines if line.startswith("04")]


RECORDS = _records(80)
#: texts a field may hold instead of its own: blanks, letters, bad dates, codes
ODD = ["", " ", "X", "0", "00000000", "20270230", "2027AB01", "C", "D", "9", "caf\xe9", "-1"]


def _put(record: str, field_id: str, value: str) -> str:
    f = MAIN.by_id[field_id]
    raw = value.ljust(f.length)[: f.length]
    return record[: f.start - 1] + raw + record[f.start - 1 + f.length :]


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[str], list[int] | None]:
    """A block of records (some fields changed, some values repeated) and the rows asked."""
    count = draw(st.integers(1, 70))
    start = draw(st.integers(0, len(RECORDS) - count))
    records = RECORDS[start : start + count]
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, count - 1))
        f = draw(st.sampled_from(NEEDED))
        records[at] = _put(records[at], f.id, draw(st.sampled_from(ODD)))
    for _ in range(draw(st.integers(0, 3))):  # a field's text copied from one record to others
        f = draw(st.sampled_from(NEEDED))
        source = draw(st.integers(0, count - 1))
        value = records[source][f.start - 1 : f.start - 1 + f.length]
        for at in draw(st.lists(st.integers(0, count - 1), max_size=count)):
            records[at] = _put(records[at], f.id, value)
    rows = draw(st.none() | st.lists(st.integers(0, count - 1), min_size=1, unique=True))
    return records, sorted(rows) if rows is not None else None


@settings(max_examples=150, deadline=None)
@given(
    block=blocks(),
    wide=st.frozensets(st.sampled_from([f.id for f in NEEDED])),
    alone=st.frozensets(st.sampled_from([f.id for f in NEEDED])),
    blocks_seen=st.integers(0, 40),
    learn=st.sampled_from([1, 64]),
    typed=st.booleans(),
    cut=st.booleans(),
)
def test_read_columns_is_parse_fields(
    block: tuple[list[str], list[int] | None],
    wide: frozenset[str],
    alone: frozenset[str],
    blocks_seen: int,
    learn: int,
    typed: bool,
    cut: bool,
) -> None:
    records, rows = block
    text = "".join(r + "\r\n" for r in records)
    spread = Spread()
    spread.wide, spread.alone, spread.blocks = wide, alone, blocks_seen
    asked = [records[j] for j in (rows if rows is not None else range(len(records)))]
    # ``typed`` is the caller's word that every asked record starts with the record type
    typed = typed and all(record.startswith(MAIN.type) for record in asked)
    # ``skip``: the records not asked, when the caller gives them
    skip = None if rows is None or not cut else sorted(set(range(len(records))) - set(rows))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ei_columns, "LEARN_FROM", learn)
        columns = read_columns(MAIN, text, len(records), rows, KEYS, spread, typed, skip)
    read = [parse_fields(MAIN, record) for record in asked]
    if any(problems for _, problems in read):
        assert columns is None
        return
    needed = [f for f in NEEDED if not (typed and f.id == TYPE_FIELD)]
    assert columns is not None and set(columns) == {f.key for f in needed}
    for f in needed:
        expected = [values[f.key] for values, _ in read]
        got = columns[f.key].per_record()
        assert got == expected and [type(v) for v in got] == [type(v) for v in expected]


def test_spread_learns_and_forgets() -> None:
    """A field with all different texts is taken as such from a big enough block on, and
    is looked at again when a probe finds repeats."""
    spread = Spread()
    text = "".join(r + "\r\n" for r in RECORDS[:70])
    assert read_columns(MAIN, text, 70, None, KEYS, spread) is not None
    reference = "0403"  # REFERENTIENUMMER
    assert reference in spread.wide and "0405" not in spread.alone  # references; kinds repeat
    spread.learn(reference, 3, 70)
    assert reference not in spread.wide and reference not in spread.alone
    spread.learn(reference, 10, 70)  # many, not all different: on its own, looked for repeats
    assert reference not in spread.wide and reference in spread.alone
    spread.learn(reference, 60, 10)  # too few records to tell
    assert reference not in spread.wide


def test_typed_skips_only_a_clean_type_field() -> None:
    """With ``typed``, the record-type field is left out only when the reader's converter
    takes the type itself; a type its field refuses (or a type field that is not the
    record's first characters) is read as before."""
    text = "".join(r + "\r\n" for r in RECORDS[:10])
    typed = read_columns(MAIN, text, 10, None, KEYS, Spread(), True)
    plain = read_columns(MAIN, text, 10, None, KEYS, Spread())
    assert typed is not None and plain is not None
    assert set(plain) - set(typed) == {MAIN.by_id[TYPE_FIELD].key}
    assert all(typed[k].per_record() == plain[k].per_record() for k in typed)
    f = MAIN.by_id[TYPE_FIELD]
    refusing = replace(f, values=("05",), allowed=frozenset({"05"}))
    assert not ei_columns._type_field_clean(MAIN, refusing)
    assert not ei_columns._type_field_clean(MAIN, replace(f, start=3))
    assert ei_columns._type_field_clean(MAIN, f)


@settings(max_examples=200, deadline=None)
@given(
    raws=st.lists(st.sampled_from(["", "  ", "a ", "a", "b"]), max_size=12),
    shared=st.booleans(),
)
def test_texts_distinct_and_spread(raws: list[str], shared: bool) -> None:
    """A column of one text is found by comparing (not hashing): the same distinct texts in
    the same order, and the same values per record, as any other column."""
    texts = ei_columns.Texts(tuple(raws))
    assert texts.distinct == list(dict.fromkeys(raws))
    made = [f"<{t}>" for t in texts.distinct]
    assert texts.spread(made, shared) == [f"<{t}>" for t in raws]
