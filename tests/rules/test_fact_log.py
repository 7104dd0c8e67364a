"""The compared values of clean blocks: kept as columns of distinct texts, each line's text is
``str`` of its values' tuple (as the exact path files it); the partitioned index given hashes
and these blocks answers exactly as the SQLite index given the texts, in memory and spilled."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import resv_edi.rules.fact_log as fact_log
import resv_edi.rules.ref_partitions as partitions
from resv_edi.rules.fact_log import (
    FactLog,
    encode,
    line_keys,
    line_text,
    same_values,
    with_texts,
)
from resv_edi.rules.ref_partitions import PartitionedIndex
from resv_edi.rules.references import ReferenceIndex, compared_elements

values = st.one_of(
    st.none(),
    st.sampled_from(["1", "a'b", 'q"', "W001", ""]),
    st.integers(-5, 5),
    st.sampled_from([date(2027, 1, 31), date(2026, 12, 1)]),
)


@given(st.integers(1, 5).flatmap(lambda w: st.lists(st.tuples(*[values] * w), min_size=1)))
def test_line_text_is_str_of_the_tuple(lines: list[tuple[Any, ...]]) -> None:
    columns = [list(column) for column in zip(*lines, strict=True)]
    encoded = encode(columns)
    for at, line in enumerate(lines):
        expected = str(line) if len(line) > 1 else str(line[0])  # one value: not a tuple
        assert line_text(encoded, at) == expected


@given(
    st.integers(1, 5).flatmap(lambda w: st.lists(st.tuples(*[values] * w), min_size=1)),
    st.sampled_from(["none", "distinct", "reversed", "every line"]),
)
def test_known_distinct_values_encode_the_same(lines: list[tuple[Any, ...]], given: str) -> None:
    """A column's distinct values given (as a block check knows them: in any order, or each
    line's value) encode each line to the same text and the same key as the column scanned."""
    columns = [list(column) for column in zip(*lines, strict=True)]
    known: list[list[Any] | None] = {
        "none": [None] * len(columns),
        "distinct": [list(dict.fromkeys(c)) for c in columns],
        "reversed": [list(reversed(dict.fromkeys(c))) for c in columns],
        "every line": columns,
    }[given]
    scanned, encoded = encode(columns), encode(columns, known)
    offsets = list(range(len(lines)))
    assert [line_text(encoded, at) for at in offsets] == [line_text(scanned, at) for at in offsets]
    assert line_keys(encoded, offsets) == line_keys(scanned, offsets)


def _marked(encoded: Any, at: int) -> tuple[Any, ...]:
    """What :func:`line_keys` hashes of a line: each value, or a text marked as one."""
    items = []
    for column, codes, raw in encoded:
        if raw:
            items.append(column[at] if len(column) > 1 else column[0])
        elif codes is None:
            items.append((None, column[0]))
        else:
            items.append((None, column[int.from_bytes(codes[4 * at : 4 * at + 4], sys.byteorder)]))
    return tuple(items)


blocks_of_lines = st.integers(1, 4).flatmap(
    lambda w: st.tuples(
        st.lists(st.tuples(*[values] * w), min_size=1, max_size=8),
        st.lists(st.tuples(*[values] * w), min_size=1, max_size=8),
    )
)


@given(
    blocks_of_lines,
    st.sampled_from(["none", "distinct", "every line"]),
    st.booleans(),
    st.data(),
)
def test_same_values_compares_as_line_keys(
    blocks: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]],
    given: str,
    own: bool,
    data: st.DataObject,
) -> None:
    """Pairs of lines of two blocks (each column kept as values or as texts, one value or
    each line's; or of one block) are the same exactly when what their keys hash is equal,
    so the same values always have the same keys."""
    if own:
        blocks = (blocks[0], blocks[0])
    encoded = []
    for lines in blocks:
        columns = [list(column) for column in zip(*lines, strict=True)]
        known = {
            "none": None,
            "distinct": [list(dict.fromkeys(c)) for c in columns],
            "every line": columns,
        }[given]
        encoded.append(encode(columns, known))
    one, other = encoded
    pairs = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(blocks[0]) - 1), st.integers(0, len(blocks[1]) - 1)),
            max_size=10,
        )
    )
    at_one, at_other = [p[0] for p in pairs], [p[1] for p in pairs]
    same = same_values(one, at_one, other, at_other)
    assert same == [_marked(one, i) == _marked(other, j) for i, j in pairs]
    keys = zip(line_keys(one, at_one), line_keys(other, at_other), strict=True)
    assert all(a == b for (a, b), equal in zip(keys, same, strict=True) if equal)


def test_a_value_is_not_the_same_as_its_text() -> None:
    """A column kept as values in one block and as texts in the other (it holds a date
    there) is never the same, as their keys differ, though a value and a text read alike."""
    texts = encode([["1", date(2027, 1, 31)]])  # one column: each value's str
    raw = encode([["1", "2"]])
    assert line_text(texts, 0) == line_text(raw, 0) == "1"
    assert same_values(texts, [0], raw, [0]) == [False]
    assert line_keys(texts, [0]) != line_keys(raw, [0])
    assert same_values(raw, [0, 1], encode([["2", "1"]]), [1, 0]) == [True, True]


def test_log_reads_spilled_blocks_back(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fact_log, "_CACHED", 2)
    log = FactLog()
    texts: dict[int, str] = {}
    added = []
    first = 1
    for block in range(12):
        lines = [(f"R{block}", first + n, date(2027, 1, 1 + n)) for n in range(block % 3 + 1)]
        added.append((first, len(lines), encode([list(c) for c in zip(*lines, strict=True)])))
        log.add(added[-1])
        texts.update({first + n: str(line) for n, line in enumerate(lines)})
        first += len(lines) + 1  # a line between blocks went the exact way
        if block % 4 == 3:
            log.spill(str(tmp_path / "facts"))
    for index in [*sorted(texts), *reversed(sorted(texts))]:  # evicts and reads again
        assert log.text(index) == texts[index]
    with pytest.raises(LookupError):
        log.text(first - 1)
    for block in [*added, *reversed(added)]:  # each block by its first line, in any order
        assert log.at(block[0]) == block
    assert log.at(0) is None and log.at(added[1][0] + 1) is None  # none begins there
    assert log.at(first - 1) is None
    log.close()


WIDTH = len(compared_elements()[0])
FACTS = [
    ("1",) * (WIDTH - 1) + (date(2027, 1, 31),),
    ("1",) * (WIDTH - 1) + (date(2027, 2, 28),),
    ("2",) * (WIDTH - 2) + (5, None),
]

lines_strategy = st.lists(
    st.tuples(
        st.sampled_from(["R1", "R2", "R3", "R4"]),  # reference
        st.sampled_from([None, "R1", "R2", "R9"]),  # credited reference
        st.booleans(),  # debit
        st.integers(0, 50),  # amount
        st.sampled_from(["P1", "P2"]),  # plan
        st.sampled_from(["W001", "W002"]),  # region
        st.sampled_from(FACTS),
        st.booleans(),  # in a clean block (a hash and the block's columns) or not (text)
    ),
    max_size=40,
)


def _answers(index: Any) -> list[list[Any]]:
    found = [
        list(index.duplicates()),
        list(index.credit_problems()),
        list(index.credit_differences()),
        list(index.region_conflicts()),
    ]
    # a row of a clean block shows no text of its compared values (no issue shows it)
    return [[replace(a, row=replace(a.row, facts="")) for a in kind] for kind in found]


def _fill_sql(index: ReferenceIndex, lines: list[tuple[Any, ...]]) -> None:
    for number, (ref, prev, debit, amount, plan, region, facts, _) in enumerate(lines, 1):
        values = (ref, None if debit else prev, debit, amount, plan, region, str(facts))
        index.add_values(number, number + 1, f"/P[{number}]", values)


def _fill_blocks(index: PartitionedIndex, lines: list[tuple[Any, ...]]) -> None:
    """Runs of lines marked clean as blocks (hashes and columns), the others one by one."""
    number = 1
    while number <= len(lines):
        run = [number]
        while lines[run[0] - 1][7] and run[-1] < len(lines) and lines[run[-1]][7]:
            run.append(run[-1] + 1)
        rows = []
        for at in run:
            ref, prev, debit, amount, plan, region, facts, clean = lines[at - 1]
            shown: str | int = hash(facts) if clean else str(facts)
            row = (at, at + 1, f"/P[{at}]", ref, None if debit else prev, debit, amount)
            rows.append((*row, plan, region, shown))
        if lines[run[0] - 1][7]:
            columns = [[lines[at - 1][6][c] for at in run] for c in range(WIDTH)]
            block = (run[0], len(run), encode(columns))
            assert with_texts(rows, block) == [(*r[:9], str(lines[r[0] - 1][6])) for r in rows]
            index.add_rows(rows, block)
        else:
            index.add_rows(rows)
        number = run[-1] + 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=lines_strategy, bound=st.sampled_from([3, 7, 50_000]))
def test_hashed_rows_answer_as_texts(
    lines: list[tuple[Any, ...]], bound: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partitions, "BOUND", bound)
    monkeypatch.setattr(partitions, "PARTITIONS", 4)
    with ReferenceIndex() as sql, PartitionedIndex() as ours:
        _fill_sql(sql, lines)
        _fill_blocks(ours, lines)
        assert _answers(ours) == _answers(sql)
