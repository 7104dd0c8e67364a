"""The partitioned reference index answers exactly as the SQLite one (the reference), in
memory and spilled to partitions, on generated lines with few references, plans and facts
(so duplicates, credits, differences and conflicts abound)."""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import replace
from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import resv_edi.rules.ref_partitions as partitions
import resv_edi.rules.ref_window as ref_window
from resv_edi.rules.fact_log import encode
from resv_edi.rules.ref_blocks import block_rows, ref_block
from resv_edi.rules.ref_partitions import PartitionedIndex
from resv_edi.rules.references import ReferenceIndex, compared_elements

WIDTH = len(compared_elements()[0])
FACTS = [
    str(("1",) * WIDTH),
    str(("1",) * (WIDTH - 1) + (None,)),
    str((date(2027, 1, 31),) + ("2",) * (WIDTH - 2) + (5,)),
]

rows = st.lists(
    st.tuples(
        st.sampled_from(["R1", "R2", "R3", "R4"]),  # reference
        st.sampled_from([None, "R1", "R2", "R9"]),  # credited reference
        st.booleans(),  # debit
        st.integers(0, 50),  # amount
        st.sampled_from(["P1", "P2"]),  # plan
        st.sampled_from(["W001", "W002"]),  # region
        st.sampled_from(FACTS),
    ),
    max_size=40,
)


def _answers(index: Any) -> list[list[Any]]:
    return [
        list(index.duplicates()),
        list(index.credit_problems()),
        list(index.credit_differences()),
        list(index.region_conflicts()),
    ]


def _fill(index: Any, lines: list[tuple[Any, ...]]) -> None:
    for number, (ref, prev, debit, amount, plan, region, facts) in enumerate(lines, 1):
        values = (ref, None if debit else prev, debit, amount, plan, region, facts)
        index.add_values(number, number + 1, f"/P[{number}]", values)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=rows, bound=st.sampled_from([3, 7, 50_000]))
def test_same_answers(
    lines: list[tuple[Any, ...]], bound: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partitions, "BOUND", bound)
    monkeypatch.setattr(partitions, "PARTITIONS", 4)
    with ReferenceIndex() as sql, PartitionedIndex() as ours:
        _fill(sql, lines)
        _fill(ours, lines)
        assert _answers(ours) == _answers(sql)


def test_spill_files_are_removed(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partitions, "BOUND", 2)
    index = PartitionedIndex(str(tmp_path))
    _fill(index, [("R1", None, True, 5, "P1", "W001", FACTS[0])] * 5)
    assert len(list(index.duplicates())) == 4
    assert any(tmp_path.iterdir())
    index.close()
    assert not any(tmp_path.iterdir())


# -- the column form: clean blocks as their reference columns (RefBlock) ------------------

VALUES = [
    ("1",) * WIDTH,
    ("1",) * (WIDTH - 1) + (None,),
    (date(2027, 1, 31),) + ("2",) * (WIDTH - 2) + (5,),
    (None,) + ("2",) * (WIDTH - 2) + (5,),
]

mixed = st.lists(
    st.tuples(
        st.sampled_from(["R1", "R2", "R3", "R4", "R5", "R6"]),  # reference
        st.sampled_from([None, "R1", "R2", "R9"]),  # credited reference
        st.booleans(),  # debit
        st.integers(0, 50),  # amount
        st.sampled_from(["P1", "P2"]),  # plan
        st.sampled_from(["W001", "W002"]),  # region
        st.sampled_from(VALUES),  # compared values
        st.integers(0, 3),  # 0: the exact path (one row); else a clean block's run id
    ),
    max_size=40,
)


def _place(number: int, numbering: str) -> tuple[int | None, str]:
    """A line's source line and path under each way a format numbers its lines."""
    line = {"consecutive": number + 1, "none": None, "gaps": 3 * number}[numbering]
    return line, ("/P" if numbering == "none" else f"/P[{number}]")


def _fill_mixed(index: PartitionedIndex, lines: list[tuple[Any, ...]], numbering: str) -> None:
    """Runs of lines with the same run id as clean blocks (add_block), the others one by one."""
    number = 1
    while number <= len(lines):
        run = [number]
        block = lines[number - 1][7]
        while block and run[-1] < len(lines) and lines[run[-1]][7] == block:
            run.append(run[-1] + 1)
        if not block:
            ref, prev, debit, amount, plan, region, values, _ = lines[number - 1]
            line, path = _place(number, numbering)
            row = (ref, None if debit else prev, debit, amount, plan, region, str(values))
            index.add_values(number, line, path, row)
        else:
            part = [lines[at - 1] for at in run]
            places = [_place(at, numbering) for at in run]
            paths: Any = places[0][1] if numbering == "none" else ("/P[", 0, "]")
            if numbering == "gaps" and block == 2:
                paths = [path for _, path in places]  # each line's path
            refs = ref_block(
                run[0],
                [line for line, _ in places],
                paths,
                [p[0] for p in part],
                ["D" if p[2] else "C" for p in part],
                [p[1] for p in part],  # a debit's VorigReferentienummer is not asked
                [p[3] for p in part],
                [p[4] for p in part],
                [p[5] for p in part],
            )
            columns = [[p[6][c] for p in part] for c in range(WIDTH)]
            facts = (run[0], len(run), encode(columns)) if block != 3 or len(run) > 1 else None
            if facts is None:  # a block whose compared values are not kept: rows, with texts
                index.add_rows([(*r[:9], str(part[0][6])) for r in block_rows(refs)])
            else:
                index.add_block(refs, facts)
        number = run[-1] + 1


def _fill_mixed_sql(index: ReferenceIndex, lines: list[tuple[Any, ...]], numbering: str) -> None:
    for number, (ref, prev, debit, amount, plan, region, values, _) in enumerate(lines, 1):
        line, path = _place(number, numbering)
        row = (ref, None if debit else prev, debit, amount, plan, region, str(values))
        index.add_values(number, line, path, row)


def _shown(index: Any, blocked: set[int]) -> list[list[Any]]:
    """The answers; a clean block's line shows no text of its compared values (no issue
    shows it)."""
    return [
        [replace(a, row=replace(a.row, facts="")) if a.row.index in blocked else a for a in kind]
        for kind in _answers(index)
    ]


def _same_as_sqlite(lines: list[tuple[Any, ...]], numbering: str) -> list[list[Any]]:
    """What the index answers for ``lines`` (:func:`_shown`), asserted equal to what the SQLite
    index answers."""
    blocked = {n for n, line in enumerate(lines, 1) if line[7]}
    with ReferenceIndex() as sql, PartitionedIndex() as ours:
        _fill_mixed_sql(sql, lines, numbering)
        _fill_mixed(ours, lines, numbering)
        found = _shown(ours, blocked)
        assert found == _shown(sql, blocked)
    return found


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=mixed,
    numbering=st.sampled_from(["consecutive", "none", "gaps"]),
    bound=st.sampled_from([3, 7, 50_000]),
    hashes=st.sampled_from([2, 5, 1_000_000]),
    needed=st.sampled_from([0, 1, 3, 1_000_000]),
    rounds=st.sampled_from([1, 3, 100]),
    window=st.sampled_from([0, 1, 3, 2_048]),
    group=st.sampled_from([1, 3, 16]),
)
def test_column_blocks_answer_as_rows(
    lines: list[tuple[Any, ...]],
    numbering: str,
    bound: int,
    hashes: int,
    needed: int,
    rounds: int,
    window: int,
    group: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Clean blocks given as columns, in memory and spilled (the kept lines, the hashes read
    back a group of partitions at a time, the rows answered), asking for the hashes in one
    pass, in rounds or for every line, with credits matched while adding over a window of
    recent blocks or not, answer as the SQLite index."""
    monkeypatch.setattr(ref_window, "WINDOW", window)
    monkeypatch.setattr(partitions, "_GROUP", group)
    monkeypatch.setattr(partitions, "BOUND", bound)
    monkeypatch.setattr(partitions, "HASHES", hashes)
    monkeypatch.setattr(partitions, "NEEDED", needed)
    monkeypatch.setattr(partitions, "ROUNDS", rounds)
    monkeypatch.setattr(partitions, "PARTITIONS", 4)
    _same_as_sqlite(lines, numbering)


@st.composite
def credited_lines(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Debits with their own references and credits of them (most repeating the debit, some
    exceeding it, differing in a compared value, coming first, crediting a credit, a reference
    not in the message or none, or carrying a used reference), in runs of clean blocks and
    exact lines: most credits are settled by their hashes, the others answered by rows."""
    lines: list[list[Any]] = []
    for number in range(draw(st.integers(1, 10))):
        amount, values = draw(st.integers(1, 9)), draw(st.sampled_from(VALUES))
        lines.append([f"R{number}", None, True, amount, "P1", "W001", values])
    debits = len(lines)
    for number in range(draw(st.integers(0, 10))):
        target = draw(st.integers(0, debits + 2))
        if target < debits:
            debit = lines[target]
            prev, amount, values = debit[0], debit[3], debit[6]
        else:
            prev = draw(st.sampled_from(["R99", None, f"C{number - 1}"]))  # none, a credit
            amount, values = 3, VALUES[0]
        amount += draw(st.sampled_from([0, 0, 0, -1, 1]))
        if draw(st.integers(0, 4)) == 0:
            values = draw(st.sampled_from(VALUES))
        ref = f"C{number}" if draw(st.integers(0, 5)) else f"R{draw(st.integers(0, debits))}"
        at = draw(st.integers(min(target + 1, len(lines)), len(lines)))
        if draw(st.integers(0, 5)) == 0:
            at = draw(st.integers(0, len(lines)))  # anywhere, before its debit too
        lines.insert(at, [ref, prev, False, max(amount, 0), "P1", "W001", values])
    kinds = draw(st.sampled_from([(0,), (1, 2), (0, 1, 2, 3)]))  # exact, clean blocks, mixed
    blocks = draw(st.lists(st.sampled_from(kinds), min_size=len(lines), max_size=len(lines)))
    return [(*line, block) for line, block in zip(lines, blocks, strict=True)]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=credited_lines(),
    numbering=st.sampled_from(["consecutive", "none", "gaps"]),
    bound=st.sampled_from([3, 50_000]),
    hashes=st.sampled_from([2, 1_000_000]),
    needed=st.sampled_from([1, 3, 1_000_000]),
    window=st.sampled_from([0, 1, 3, 2_048]),
)
def test_credits_settled_by_hashes(
    lines: list[tuple[Any, ...]],
    numbering: str,
    bound: int,
    hashes: int,
    needed: int,
    window: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Credits of debits, settled by their hashes where nothing is wrong (matched while
    adding, over a window of recent blocks, or by the settling pass), answer as the SQLite
    index; rows are rebuilt only for the references an answer names (and the credits
    naming one of them, or none)."""
    monkeypatch.setattr(ref_window, "WINDOW", window)
    for name, value in [("BOUND", bound), ("HASHES", hashes), ("NEEDED", needed)]:
        monkeypatch.setattr(partitions, name, value)
    monkeypatch.setattr(partitions, "ROUNDS", 100)
    monkeypatch.setattr(partitions, "PARTITIONS", 4)
    given_rows: list[Any] = []
    real = partitions._Answerer.add

    def add(self: Any, rows: list[Any], credits: list[Any]) -> None:
        given_rows.extend(rows + credits)
        real(self, rows, credits)

    monkeypatch.setattr(partitions._Answerer, "add", add)
    found = _same_as_sqlite(lines, numbering)
    if len({bool(line[7]) for line in lines}) > 1 or any(line[7] == 3 for line in lines):
        return  # a text and a hash of compared values are compared by rows
    if any(isinstance(value, date) for line in lines for value in line[6]):
        return  # equal dates may be kept as a value or a text (hashes differ): rows compare
    named = {a.row.reference for kind in found[:3] for a in kind}
    named |= {a.row.previous for kind in found[1:3] for a in kind}
    credited = Counter(line[1] for line in lines if not line[2] and line[1] is not None)
    named |= {ref for ref, n in credited.items() if n > 1}  # credited twice: never settled
    for row in given_rows:  # a hash collision would only add rows; none among a few texts
        assert row[3] in named or (not row[5] and (row[4] is None or row[4] in named))


def test_block_rows_rebuild_each_place() -> None:
    """A block's rows: consecutive source lines from the first, an index pattern in the path,
    credits with their credited reference, one plan kept once."""
    block = ref_block(
        5,
        range(20, 23),
        ("/M/P[", -1, "]/x"),
        ["A", "B", "C"],
        ["D", "C", "D"],
        ["Z", "A", "Y"],
        [1, 2, 3],
        ["P"] * 3,
        ["W1", "W2", "W1"],
    )
    assert block.lines == 20 and block.plans == "P" and block.credits == [1]
    assert block_rows(block) == [
        (5, 20, "/M/P[4]/x", "A", None, True, 1, "P", "W1", None),
        (6, 21, "/M/P[5]/x", "B", "A", False, 2, "P", "W2", None),
        (7, 22, "/M/P[6]/x", "C", None, True, 3, "P", "W1", None),
    ]
    assert block_rows(block, [2], [99]) == [(7, 22, "/M/P[6]/x", "C", None, True, 3, "P", "W1", 99)]


@pytest.mark.parametrize(
    ("needed", "rounds", "passes"),
    [(1_000_000, 8, "one"), (0, 100, "rounds"), (0, 1, "every line")],
)
def test_rounds_of_hashes(
    needed: int, rounds: int, passes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spilled hashes asked for in one round, in rounds (each settled, then the rows of what
    is not, credits naming none once, in the first) or for every line, answer as the SQLite
    index."""
    for name, value in [("BOUND", 3), ("HASHES", 2), ("PARTITIONS", 4)]:
        monkeypatch.setattr(partitions, name, value)
    monkeypatch.setattr(ref_window, "WINDOW", 0)  # every credited key to the settling pass
    monkeypatch.setattr(partitions, "NEEDED", needed)
    monkeypatch.setattr(partitions, "ROUNDS", rounds)
    every: list[bool] = []  # each pass of rows: over every line?
    settled = []  # each round's settling pass
    real, settle = PartitionedIndex._pass, PartitionedIndex._settle

    def counted(self: PartitionedIndex, *args: Any) -> None:
        every.append(args[1] is None)
        real(self, *args)

    def settling(self: PartitionedIndex, asked: set[int]) -> set[int]:
        settled.append(asked)
        return settle(self, asked)

    monkeypatch.setattr(PartitionedIndex, "_pass", counted)
    monkeypatch.setattr(PartitionedIndex, "_settle", settling)
    lines = [
        (f"R{i % 6 + 1}", "R2" if i % 3 == 0 else None, i % 3 != 0, 10 + i, "P1", "W001", *extra)
        for i, extra in enumerate((VALUES[i % 4], i % 2) for i in range(24))
    ]
    for k in range(16):  # debits credited once each: keys to settle, in several partitions
        lines.insert(2 * k, (f"U{k}", None, True, 9, "P1", "W001", VALUES[0], 1))
        lines.append((f"V{k}", f"U{k}", False, 9 - k % 2, "P1", "W001", VALUES[k % 3 // 2], 1))
    found = _same_as_sqlite(lines, "gaps")
    assert all(map(len, found[:3]))  # duplicates, credit problems and differences
    if passes == "rounds":
        assert len(settled) > 1 and every and not any(every)
        assert all(not a & b for a, b in pairwise(settled))  # each hash asked once
    elif passes == "one":
        assert len(settled) == 1 and every == [False]
    else:
        assert not settled and every == [True]


# -- memory while answering: one spilled record at a time, rows' texts kept as hashes -------


class _Item:
    """An item of a spilled record that tells when it is let go."""

    def __init__(self, number: int) -> None:
        self.number = number


def test_spilled_records_are_read_one_at_a_time(tmp_path: Any) -> None:
    """Reading a spill file back holds one record: the items of a record given out are let
    go before the next record is read, however many records the file holds."""
    path = tmp_path / "records"
    with path.open("wb") as sink:
        for record in range(3):
            partitions.append_record([_Item(10 * record + at) for at in range(4)], sink)
    alive: list[list[weakref.ref[_Item]]] = []
    with path.open("rb") as fh:
        for _ in range(4):  # a record a call; the fourth finds the end
            for item in partitions._items(fh):
                record, at = divmod(item.number, 10)
                if at == 0:
                    alive.append([])
                    assert all(ref() is None for refs in alive[:-1] for ref in refs)
                alive[-1].append(weakref.ref(item))
                del item
    assert [len(refs) for refs in alive] == [4, 4, 4]


def test_spilled_rows_keep_a_hash_of_their_texts(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What settling reads back of the exact path's rows is a hash of their compared values,
    not the text (a few numbers a row, however long the text); the answers stay the SQLite
    index's: equal texts settle a credit, a different text is still reported (R035)."""
    monkeypatch.setattr(partitions, "BOUND", 2)
    long = [str(("x" * 300 + str(n),) + ("1",) * (WIDTH - 1)) for n in range(2)]
    lines = [
        ("R1", None, True, 5, "P1", "W001", long[0]),
        ("R2", None, True, 5, "P1", "W001", long[0]),
        ("C1", "R1", False, 5, "P1", "W001", long[0]),  # the same values: settled
        ("C2", "R2", False, 5, "P1", "W001", long[1]),  # one value differs: R035
        ("R3", None, True, 1, "P1", "W001", long[1]),
    ]
    with ReferenceIndex() as sql, PartitionedIndex(str(tmp_path)) as ours:
        _fill(sql, lines)
        _fill(ours, lines)
        found = _answers(ours)
        assert found == _answers(sql)
        assert [d.row.reference for d in found[2]] == ["C2"]
        columns = next(tmp_path.iterdir()) / "columns"
        assert b"x" * 300 not in columns.read_bytes()


@pytest.mark.parametrize("block", [0, 1])
def test_rows_sought_in_their_records(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows of the keys left unsettled, and the credits naming none, are rebuilt from
    the spilled records that hold them only (settling noted where each asked key is); the
    answers stay the SQLite index's."""
    for name, value in [("BOUND", 4), ("HASHES", 2), ("PARTITIONS", 4), ("NEEDED", 1000)]:
        monkeypatch.setattr(partitions, name, value)
    lines: list[tuple[Any, ...]] = []
    for k in range(40):  # debits, each credited once further on; most credits settle
        lines.append((f"D{k}", None, True, 10, "P1", "W001", VALUES[0]))
    for k in range(40):
        amount = 11 if k == 33 else 10  # exceeds its debit: R025
        lines.append((f"C{k}", f"D{k}", False, amount, "P1", "W001", VALUES[0]))
    lines.insert(12, ("N1", None, False, 3, "P1", "W001", VALUES[0]))  # names none
    # each line by the exact path, or clean blocks of five lines
    lines = [(*line, block and 1 + at // 5 % 2) for at, line in enumerate(lines)]
    unpacked: list[Any] = []
    real = partitions._unpack

    def counted(data: bytes) -> Any:
        unpacked.append(data)
        return real(data)

    monkeypatch.setattr(partitions, "_unpack", counted)
    blocked = {n for n, line in enumerate(lines, 1) if line[7]}
    with ReferenceIndex() as sql, PartitionedIndex() as ours:
        _fill_mixed_sql(sql, lines, "consecutive")
        _fill_mixed(ours, lines, "consecutive")
        found = _shown(ours, blocked)
        assert found == _shown(sql, blocked)
        kept = len(list(ours._records(None)))
    assert [p.row.reference for p in found[1]] == ["N1", "C33"]
    assert 0 < len(unpacked) <= 4 < kept  # D33's, C33's and N1's records (and one held)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=credited_lines(),
    keys=st.sampled_from([1, 2, 3]),
    bound=st.sampled_from([3, 50_000]),
    needed=st.sampled_from([0, 1, 1_000_000]),
    window=st.sampled_from([0, 3, 2_048]),
)
def test_colliding_keys_are_confirmed_by_rows(
    lines: list[tuple[Any, ...]],
    keys: int,
    bound: int,
    needed: int,
    window: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """References sharing a key (every reference's key one of ``keys``): a key carried by
    two lines, or credited twice, is not settled (matched while adding or not), so the rows
    answer exactly, as the SQLite index, in one round, in rounds, spilled or not."""
    monkeypatch.setattr(ref_window, "WINDOW", window)
    monkeypatch.setattr(partitions, "_hash", lambda ref: hash(ref) % keys)
    for name, value in [("BOUND", bound), ("HASHES", 2), ("NEEDED", needed)]:
        monkeypatch.setattr(partitions, name, value)
    monkeypatch.setattr(partitions, "ROUNDS", 100)
    monkeypatch.setattr(partitions, "PARTITIONS", 4)
    _same_as_sqlite(lines, "consecutive")


@pytest.mark.parametrize("keep", [3, 9, 12])
def test_a_cut_short_record_is_an_error(tmp_path: Any, keep: int) -> None:
    """A record file cut within its head or its body is said to be cut short, not read as
    fewer records (the split's chunks write their records the same way)."""
    path = tmp_path / "records"
    with path.open("wb") as sink:
        partitions.append_record([("a", 1)], sink)
        partitions.append_record([("b", 2)], sink)
    data = path.read_bytes()
    first = len(data) // 2
    path.write_bytes(data[: first + keep])
    with path.open("rb") as fh, pytest.raises(ValueError, match="cut short"):
        list(partitions.appended_records(fh))
