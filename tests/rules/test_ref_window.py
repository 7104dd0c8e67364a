"""Credits matched to their debits while clean blocks are added (resv_edi.rules.ref_window):
exactly the credits whose recent line is an earlier debit, not exceeded, with the same
compared values; the index then asks the settling pass for none of their keys, and answers as
the SQLite index (the hypothesis tests in test_ref_partitions.py vary the window too)."""

from __future__ import annotations

from typing import Any

import pytest
from test_ref_partitions import VALUES, WIDTH, _same_as_sqlite

import resv_edi.rules.ref_partitions as partitions
import resv_edi.rules.ref_window as ref_window
from resv_edi.rules.fact_log import encode
from resv_edi.rules.ref_blocks import block_rows, ref_block
from resv_edi.rules.ref_partitions import PartitionedIndex, _key
from resv_edi.rules.ref_window import RecentLines

#: a line: its reference, the reference it credits (None: a debit), amount, compared values
Line = tuple[str, str | None, int, tuple[Any, ...]]


def _add(recent: RecentLines, first: int, lines: list[Line]) -> set[str]:
    """Add ``lines`` as a clean block at ``first``; the references its matched credits credit."""
    credits = [at for at, line in enumerate(lines) if line[1] is not None]
    credited = [lines[at][1] for at in credits]
    by_key = {_key(ref): ref for ref in credited if ref is not None}
    columns = [[line[3][c] for line in lines] for c in range(WIDTH)]
    matched = recent.add(
        first,
        [_key(line[0]) for line in lines],
        credits,
        [_key(ref) for ref in credited if ref is not None],
        [line[2] for line in lines],
        encode(columns),
    )
    return {by_key[key] for key in matched}


def test_a_credit_is_matched_to_an_earlier_debit_like_it() -> None:
    same, other = VALUES[0], VALUES[1]
    recent = RecentLines()
    first = [
        ("D1", None, 10, same),
        ("D2", None, 10, same),
        ("D3", None, 10, same),
        ("C1", "D1", 10, same),  # the debit repeated: matched
        ("C2", "D2", 11, same),  # exceeds it
        ("C3", "D3", 10, other),  # a compared value differs
        ("C4", "D4", 5, same),  # its line comes later
        ("D4", None, 10, same),
        ("C5", "C1", 1, same),  # credits a credit
        ("C6", "D9", 1, same),  # credits no line kept
    ]
    assert _add(recent, 1, first) == {"D1"}
    second = [
        ("C7", "D4", 9, same),  # a debit of the block before: matched (less than it)
        ("D5", None, 3, same),
        ("C8", "D5", 3, same),
    ]
    assert _add(recent, 11, second) == {"D4", "D5"}


def test_only_recent_blocks_that_follow_each_other_are_matched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blocks at least WINDOW lines before the newest are let go; a block that does not
    follow the last one (lines between them were not added as blocks) starts afresh."""
    monkeypatch.setattr(ref_window, "WINDOW", 4)
    same = VALUES[0]
    recent = RecentLines()
    assert _add(recent, 1, [("A", None, 5, same), ("B", None, 5, same)]) == set()
    assert _add(recent, 3, [("C", None, 5, same)] * 2) == set()
    assert _add(recent, 5, [("D", None, 5, same)] * 3) == set()
    # 1-2 and 3-4 are the four lines before 5-7: kept; 1-2 let go once 8 comes
    assert _add(recent, 8, [("X", "A", 5, same), ("Y", "B", 5, same)]) == set()
    recent = RecentLines()
    assert _add(recent, 1, [("A", None, 5, same), ("B", None, 5, same)]) == set()
    assert _add(recent, 3, [("X", "A", 5, same)]) == {"A"}
    assert _add(recent, 5, [("Y", "B", 5, same)]) == set()  # line 4 not in a block
    monkeypatch.setattr(ref_window, "WINDOW", 0)
    assert _add(RecentLines(), 1, [("A", None, 5, same), ("X", "A", 5, same)]) == set()


def _lines(credits: int) -> list[tuple[Any, ...]]:
    """Debits, each credited in full a few lines on, in clean blocks of five lines (run ids
    1 and 2 by turns); one credit exceeds its debit (R025)."""
    lines: list[tuple[Any, ...]] = []
    for k in range(credits):
        lines.append((f"D{k}", None, True, 10, "P1", "W001", VALUES[k % 2]))
        if k >= 2:
            amount = 11 if k == 5 else 10
            lines.append((f"C{k}", f"D{k - 2}", False, amount, "P1", "W001", VALUES[k % 2]))
    return [(*line, 1 + at // 5 % 2) for at, line in enumerate(lines)]


@pytest.mark.parametrize("window", [0, 2_048])
def test_matched_keys_are_not_asked_for(window: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the window, the settling pass is asked only for the keys whose credits were not
    matched (here the one exceeding its debit); without it, for every credited key; the
    answers are the SQLite index's either way, spilled or not."""
    monkeypatch.setattr(ref_window, "WINDOW", window)
    for name, value in [("BOUND", 7), ("HASHES", 5), ("PARTITIONS", 4)]:
        monkeypatch.setattr(partitions, name, value)
    asked: list[float] = []
    settle = PartitionedIndex._settle

    def settling(self: PartitionedIndex, needed: set[float]) -> Any:
        asked.extend(needed)
        return settle(self, needed)

    monkeypatch.setattr(PartitionedIndex, "_settle", settling)
    lines = _lines(30)
    found = _same_as_sqlite(lines, "consecutive")
    assert [p.row.reference for p in found[1]] == ["C5"]
    if window:
        assert sorted(asked) == [_key("D3")]
    else:
        assert sorted(asked) == sorted(_key(f"D{k}") for k in range(28))


def test_only_clean_blocks_are_matched() -> None:
    """Lines added as rows (the exact path, their compared values as texts) are not matched:
    their credits are settled by the pass; a clean block's are matched. The answers are the
    same."""
    block = ref_block(
        1, None, "/P", ["D1", "C1"], ["D", "C"], [None, "D1"], [5, 5], ["P1"] * 2, ["W001"] * 2
    )
    facts = (1, 2, encode([[VALUES[0][c]] * 2 for c in range(WIDTH)]))
    with PartitionedIndex() as ours:
        ours.add_rows([(*row[:9], str(VALUES[0])) for row in block_rows(block)])
        assert not ours._matched.held
        assert list(ours.credit_problems()) == list(ours.credit_differences()) == []
    with PartitionedIndex() as ours:
        ours.add_block(block, facts)
        assert list(ours._matched.held) == [_key("D1")]
        assert list(ours.credit_problems()) == list(ours.credit_differences()) == []
