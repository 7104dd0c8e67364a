"""Writers by columns: lines given as :class:`~resv_edi.model.columns.LineBlock` items are
written byte for byte as the same lines given as records, in every format (those that do not
take blocks get them as records), and the EI line plan writes exactly what the generic
:func:`~resv_edi.vektis.writer.format_record` writes."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resv_edi.formats.ei.resv import _fill_trailer_counts, _values, line_plan, resv_layout
from resv_edi.formats.registry import format_names, get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.base import Record
from resv_edi.model.columns import LineBlock, as_records
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind
from resv_edi.pipeline import read
from resv_edi.retour.builder import retour_records
from resv_edi.vektis.writer import column_formatter, field_formatter, format_record

ROOT = Path(__file__).resolve().parents[2]


def _message(n: int, seed: int, soort: str = "1") -> list[Record]:
    """A generated declaratie with some lines varied: no VAT, no Toelichting, escaped text."""
    records = list(generate_declaration(n, seed=seed, prestatiesoort=soort))
    for i in range(1, len(records) - 1, 3):
        line = records[i]
        assert isinstance(line, Prestatie)
        records[i] = line.model_copy(
            update={"btw_bedrag": None, "toelichting": None, "omschrijving": "a & <b> é"}
        )
    return records


def _blocked(records: Sequence[Record], size: int) -> list[Record | LineBlock]:
    """``records`` with their lines in blocks of ``size`` (columns of the records' values)."""
    head, lines, tail = records[0], list(records[1:-1]), records[-1]
    kind = _kind_of(head)
    found: list[Record | LineBlock] = [head]
    for start in range(0, len(lines), size):
        chunk = lines[start : start + size]
        columns = {a: [r.__dict__[a] for r in chunk] for a in kind.line.model_fields}
        found.append(LineBlock(kind.line, columns))
    found.append(tail)
    return found


def _kind_of(header: Record) -> MessageKind:
    return next(k for k in KINDS.values() if isinstance(header, k.header))


def _written(fmt: str, items: Sequence[Record | LineBlock], kind: MessageKind) -> bytes:
    out = io.BytesIO()
    writes = get_format(fmt)
    given: Any = items if writes.blocks else as_records(items)
    expected = sum(len(i) if isinstance(i, LineBlock) else isinstance(i, kind.line) for i in items)
    assert writes.writer(given, out, kind) == expected
    return out.getvalue()


def _fixture_messages() -> Iterator[list[Record]]:
    """The records of every valid fixture, and the retours (repeated Retourcode) of a few
    declarations with issues."""
    for path in sorted((ROOT / "fixtures" / "valid").glob("*.xml")):
        records = [i.record for i in read(path) if isinstance(i, Entry) and i.record is not None]
        yield records
    for name in ("R001_total_mismatch", "R012_same_providers", "R015_uzovi_0000"):
        path = ROOT / "fixtures" / "invalid" / f"{name}.xml"
        yield list(retour_records(path, today=date(2028, 1, 15)))


@pytest.mark.parametrize("fmt", format_names())
@pytest.mark.parametrize("size", [1, 5, 1000])
def test_blocks_write_the_bytes_of_records(fmt: str, size: int) -> None:
    messages = [_message(23, seed=1), _message(17, seed=6, soort="2"), *_fixture_messages()]
    for records in messages:
        kind = _kind_of(records[0])
        by_records = _written(fmt, records, kind)
        assert by_records
        assert _written(fmt, _blocked(records, size), kind) == by_records


def test_blocks_count_their_lines() -> None:
    records = _message(12, seed=2)
    for fmt in format_names():
        writes = get_format(fmt)
        items = _blocked(records, 5)
        given: Any = items if writes.blocks else as_records(items)
        assert writes.writer(given, io.BytesIO(), DECLARATIE) == 12


def test_block_out_of_order_is_refused() -> None:
    records = _message(4, seed=3)
    block = _blocked(records, 10)[1]
    for fmt in ("xml", "ei", "ndjson", "json"):
        with pytest.raises(ValueError, match="lines must come after the header"):
            get_format(fmt).writer([block, records[0], records[-1]], io.BytesIO(), DECLARATIE)


def _reference_ei(records: Sequence[Record], kind: MessageKind) -> bytes:
    """The RESV EI texts as written record by record through ``format_record`` (the writer
    before the line plan)."""
    rl = resv_layout(kind.name)
    layout = rl.layout
    counts: dict[str, int] = {}
    texts: list[str] = []
    detail = 0
    for record in records:
        part = "header" if record is records[0] else "totals" if record is records[-1] else "line"
        rtype = rl.record_type[part]  # type: ignore[index]
        values = _values(rl, rtype, record.to_data())
        if part == "line":
            detail += 1
            values[layout.records[rtype].fields[1].key] = detail
        elif part == "totals":
            _fill_trailer_counts(rl, values, counts)
        texts.append(format_record(layout, rtype, values))
        counts[rtype] = counts.get(rtype, 0) + 1
        note = getattr(record, "toelichting", None)
        if part == "line" and note and rl.comment_type and rl.comment_field:
            fields = layout.records[rl.comment_type].fields
            comment = {fields[1].key: detail, fields[2].key: 1, rl.comment_field.spec.key: note}
            texts.append(format_record(layout, rl.comment_type, comment))
            counts[rl.comment_type] = counts.get(rl.comment_type, 0) + 1
    return ("\r\n".join(texts) + "\r\n").encode("latin-1")


def test_ei_plan_writes_what_format_record_writes() -> None:
    for records in [_message(40, seed=4), _message(9, seed=5, soort="2"), *_fixture_messages()]:
        kind = _kind_of(records[0])
        assert _written("ei", records, kind) == _reference_ei(records, kind)


def test_ei_value_that_does_not_fit_fails_as_format_record_does() -> None:
    records = _message(6, seed=7)
    line = records[3]
    assert isinstance(line, Prestatie)
    records[3] = Prestatie.model_construct(**{**line.__dict__, "omschrijving": "x" * 101})
    with pytest.raises(ValueError) as exact:
        _reference_ei(records, DECLARATIE)
    for items in (records, _blocked(records, 4)):
        with pytest.raises(ValueError) as ours:
            _written("ei", items, DECLARATIE)
        assert str(ours.value) == str(exact.value)


_FIELDS = [
    f
    for kind in KINDS.values()
    for record in resv_layout(kind.name).layout.records.values()
    for f in record.fields
]
_VALUES = st.one_of(
    st.text(max_size=14),
    st.sampled_from(["", "D", "C", "12345678", "0" * 12, "x" * 250]),
    st.integers(-5, 10**14),
    st.booleans(),
    st.dates(),
    st.none(),
)


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(_FIELDS) - 1), values=st.lists(_VALUES, min_size=1, max_size=6))
def test_column_formatter_is_field_formatter(index: int, values: list[Any]) -> None:
    """The EI column formatter gives each value the text the one-value formatter gives it, or
    ``None`` when that refuses any of them."""
    spec = _FIELDS[index]
    one = [field_formatter(spec)(value) for value in values]
    found = column_formatter(spec)(values)
    assert found == (None if None in one else one)
    same_type = [v for v in values if type(v) is type(values[0])]
    one = [field_formatter(spec)(value) for value in same_type]
    assert column_formatter(spec)(same_type) == (None if None in one else one)


def test_ei_plan_is_made_once() -> None:
    assert line_plan("declaratie") is line_plan("declaratie")
