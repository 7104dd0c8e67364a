"""The EI reader's column path gives what its exact path gives.

* ``column_values`` (a column screened as a whole: digits, dates, D/C) is tested beside
  ``parse_column`` in ``test_parse_column.py``; ISO dates read as ``_to_date`` reads them;
* ``record_columns`` (constant fields found without slicing, the rest by columns) gives the
  dicts ``parse_fields`` gives record by record, or ``None`` exactly when a record has a
  problem;
* the scanner's blocks (``FrameBlock``, the order checked by the learnt table of its own order
  states) frame, count and order the records as it does one by one, also where a record
  breaks the order (a second 03 per 02, a comment after the header, a record type twice);
* ``read_records`` gives the same records and issues with blocks as record by record on
  mutations aimed at the column path: one field of the first, middle or last record of a
  block changed, a field made the same bad value in every record, records reordered.
"""

from __future__ import annotations

import io
import random
from datetime import date
from typing import Any

import pytest
from ei_helpers import generate, join, put, read_both, split
from hypothesis import given, settings
from hypothesis import strategies as st

import resv_edi.vektis.framing as framing
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.vektis import EIRecord, load_layout, read_records
from resv_edi.vektis.frame_blocks import FrameBlock
from resv_edi.vektis.framing import Frame, FrameScanner
from resv_edi.vektis.reader import _to_date, column_values, parse_fields
from resv_edi.vektis.record_columns import record_columns

STANDARDS = ["HA304", "AW319", "PM304", "ZH308"]


@settings(max_examples=300, deadline=None)
@given(st.text("0123456789", min_size=8, max_size=8))
def test_iso_dates_are_the_readers_dates(raw: str) -> None:
    """Eight digits read by ``date.fromisoformat`` (the date screen) as by ``_to_date``."""
    try:
        expected: Any = _to_date(raw)
    except ValueError:
        expected = ValueError
    try:
        found: Any = date.fromisoformat(raw)
    except ValueError:
        found = ValueError
    assert found == expected


def _records(standard: str, seed: int) -> list[bytes]:
    data, _ = generate(standard, 30, seed=seed)
    return split(data)


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("seed", range(6))
def test_record_columns_are_parse_fields(standard: str, seed: int) -> None:
    """Blocks of one record type, clean and with one field of one record changed."""
    rng = random.Random(seed)
    layout = load_layout(standard)
    lines = _records(standard, seed)
    by_type: dict[str, list[str]] = {}
    for line in lines[1:-1]:
        by_type.setdefault(line[:2].decode("latin-1"), []).append(line.decode("latin-1"))
    for rtype, texts in by_type.items():
        rl = layout.records[rtype]
        for _ in range(4):
            texts = list(texts)
            at = rng.choice([0, len(texts) // 2, len(texts) - 1, rng.randrange(len(texts))])
            f = rng.choice(rl.fields)
            piece = rng.choice(["X", " ", "0", "9", "C", "D", "\xe9"]) * f.length
            if rng.random() < 0.7:
                text = texts[at]
                texts[at] = text[: f.start - 1] + piece + text[f.start - 1 + f.length :]
            exact = [parse_fields(rl, t) for t in texts]
            found = record_columns(rl, "".join(texts), len(texts), column_values, texts)
            if any(problems for _, problems in exact):
                assert found is None
            else:
                assert found is not None
                rows = found.rows()
                assert rows == [values for values, _ in exact]
                assert [list(r) for r in rows] == [list(v) for v, _ in exact]  # field order


def _frames_of(items: list[Any]) -> list[Any]:
    """Blocks spelled out as the frames the scanner gives one by one."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, FrameBlock):
            records = item.layout.records
            for at, (t, body) in enumerate(zip(item.types, item.bodies, strict=True)):
                rtype = t.decode("latin-1")
                out.append(Frame(item.first_line + at, rtype, records[rtype], body, True))
        else:
            out.append(item)
    return out


def _report(code: str, line: int | None, **params: Any) -> Any:
    return (code, line, tuple(sorted((k, str(v)) for k, v in params.items())))


def _scan_both(data: bytes, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    monkeypatch.setattr(framing, "_BATCH", batch)
    blocks = FrameScanner(_report, DEFAULT_LIMITS, columns=True)
    found = _frames_of(list(blocks.scan_batches(io.BytesIO(data))))
    single = FrameScanner(_report, DEFAULT_LIMITS)
    assert found == list(single.scan(io.BytesIO(data)))
    assert blocks.counts == single.counts
    assert blocks.lines == single.lines


def _order_mutations(lines: list[bytes], rng: random.Random) -> list[bytes]:
    """Records that break (or keep) the record order in ways the order table must learn."""
    lines = list(lines)
    at = rng.randrange(1, len(lines) - 1)
    types = [line[:2] for line in lines]
    choice = rng.randrange(6)
    if choice == 0 and b"03" in types:  # a second debtor record for one insured person
        i = types.index(b"03")
        lines.insert(i + 1, lines[i])
    elif choice == 1 and b"98" in types:  # a comment right after the header
        lines.insert(1, lines[types.index(b"98")])
    elif choice == 2:  # a record of the type of the one before it, once more
        lines.insert(at, lines[at])
    elif choice == 3:  # two records swapped
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
    elif choice == 4:  # a record moved far back
        lines.insert(rng.randrange(1, at + 1), lines.pop(at))
    else:  # a header in the middle
        lines.insert(at, lines[0])
    return lines


@pytest.mark.parametrize("seed", range(16))
def test_blocks_frame_as_one_by_one(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    lines = _records(STANDARDS[seed % len(STANDARDS)], seed)
    _scan_both(join(lines), monkeypatch, 1024)
    for _ in range(1 + seed % 3):
        lines = _order_mutations(lines, rng)
    _scan_both(join(lines), monkeypatch, 1024)
    _scan_both(join(lines), monkeypatch, 4)


def _field_mutations(lines: list[bytes], layout: Any, rng: random.Random) -> list[bytes]:
    """One field of one record, or of every record of a type, changed."""
    lines = list(lines)
    detail = [i for i, line in enumerate(lines) if line[:2] not in (b"01", b"99")]
    rtype = lines[rng.choice(detail)][:2]
    ats = [i for i in detail if lines[i][:2] == rtype]
    f = rng.choice(layout.records[rtype.decode("latin-1")].fields[1:])
    piece = rng.choice([b"X", b" ", b"0", b"9", b"C", b"00000000", b"20270230"])
    raw = (piece * f.length)[: f.length] if len(piece) == 1 else piece.ljust(f.length)[: f.length]
    if rng.random() < 0.3:
        chosen = ats  # the same value in every record: a constant column
    else:
        chosen = [rng.choice([ats[0], ats[len(ats) // 2], ats[-1], rng.choice(ats)])]
    for i in chosen:
        lines[i] = lines[i][: f.start - 1] + raw + lines[i][f.start - 1 + f.length :]
    return lines


@pytest.mark.parametrize("seed", range(20))
def test_reader_blocks_on_mutations(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    standard = STANDARDS[seed % len(STANDARDS)]
    layout = load_layout(standard)
    lines = _records(standard, seed)
    for _ in range(1 + seed % 2):
        lines = _field_mutations(lines, layout, rng)
    if seed % 3 == 0:
        lines = _order_mutations(lines, rng)
    data = join(lines)
    read_both(data, monkeypatch, 1024)
    read_both(data, monkeypatch, 7)
    read_both(data, monkeypatch, 7, limits=Limits(max_errors=3))
    read_both(data, monkeypatch, 5, limits=Limits(max_records=12))


def test_no_patient_value_is_kept() -> None:
    """The constants ``record_columns`` keeps between blocks hold no value of a patient field
    nor of a person's or free-text record, also where a block of one record makes every
    field a constant."""
    import resv_edi.vektis.record_columns as columns

    for standard in STANDARDS:
        data = join(_records(standard, 1))
        for batch in (1, 1024):
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(framing, "_BATCH", batch)
                assert list(read_records(io.BytesIO(data)))
    person_roles = {"insured", "debtor", "comment"}
    kept = []
    for rl, fields in columns._PLANS.values():
        for f in fields:
            if f.spec.patient or rl.role in person_roles:
                assert not f.keeps and not f.constants, (rl.type, f.key)
            elif f.constants:
                kept.append(f)
    assert kept  # the constants of other fields are kept


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 40), st.integers(1, 12))
def test_block_parts_cover_the_block_in_order(n: int, size: int) -> None:
    """``FrameBlock.parts``: consecutive blocks of at most ``size`` records, sizes within one
    of each other, that together are the block (bodies, types, first lines)."""
    bodies = [b"04%05d" % i for i in range(n)]
    block = FrameBlock(10, bodies, [b[:2] for b in bodies], load_layout("HA304"))
    parts = block.parts(size)
    assert all(0 < len(p) <= size for p in parts) if n else parts == [block]
    assert [b for p in parts for b in p.bodies] == bodies
    assert [t for p in parts for t in p.types] == block.types
    firsts = [10 + sum(map(len, parts[:i])) for i in range(len(parts))]
    assert [p.first_line for p in parts] == firsts
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    if n <= size:
        assert parts == [block]


@pytest.mark.parametrize("standard", STANDARDS)
def test_reader_in_parts_of_any_size(standard: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's parts (``reader._PART``) cut a scanner's block anywhere, also between a
    record and its comment or an insured person and their claims: the same records and
    issues as record by record, with a bad value in one part."""
    import resv_edi.vektis.reader as reader

    lines = _records(standard, 3)
    layout = load_layout(standard)
    rng = random.Random(standard)
    for part in (1, 3, 5, 64):
        monkeypatch.setattr(reader, "_PART", part)
        read_both(join(lines), monkeypatch, 1024)
        read_both(join(_field_mutations(lines, layout, rng)), monkeypatch, 1024)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 6), st.integers(0, 30), st.data())
def test_rows_are_the_template_with_each_records_values(count: int, fields: int, data: Any) -> None:
    """``RecordColumns.rows`` (the loop compiled per number of variable fields): each row is
    the template with the record's values of the variable fields, keys in the template's
    order, whatever fields vary."""
    from resv_edi.vektis.record_columns import RecordColumns

    keys = [f"f{i}" for i in range(fields)]
    varying = data.draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []
    template = {k: (None if k in varying else k.upper()) for k in keys}
    variable = {k: [f"{k}-{i}" for i in range(count)] for k in varying}
    rows = RecordColumns(count, template, variable).rows()
    expected = [
        {k: (variable[k][i] if k in variable else v) for k, v in template.items()}
        for i in range(count)
    ]
    assert [list(r.items()) for r in rows] == [list(r.items()) for r in expected]


@pytest.mark.parametrize(
    ("first", "second", "bad"),
    [
        ("0408", "0409", "20270230"),  # end date = start date, then one end date no date
        ("0415", "0418", "0000000X"),  # claimed amount = calculated, then one not a number
        ("0415", "0418", "        "),  # ... then one blank
    ],
)
def test_columns_with_the_same_texts(
    first: str, second: str, bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column with the same texts as an earlier one of the same kind is converted once
    (``record_columns._same_texts``): equal to record by record, also where the two differ
    in one record and the second has a problem there."""
    layout = load_layout("HA304")
    lines = _records("HA304", 5)
    claims = [i for i, line in enumerate(lines) if line[:2] == b"04"]
    f1 = layout.records["04"].by_id[first]
    for i in claims:  # the second field holds the first's text in every claim
        lines[i] = put(lines[i], layout, second, lines[i][f1.slice].decode("latin-1"))
    items = read_both(join(lines), monkeypatch, 1024)
    assert not [i for i in items if not isinstance(i, EIRecord)]
    lines[claims[len(claims) // 2]] = put(lines[claims[len(claims) // 2]], layout, second, bad)
    items = read_both(join(lines), monkeypatch, 1024)
    assert [i.code for i in items if not isinstance(i, EIRecord)]
