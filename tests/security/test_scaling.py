"""Issue 15, point 4: no quadratic paths in the cross-line checks that validate, reconcile,
overlap and report all run (the reference index of rules R003, R004 and R025).

Counted, not timed: SQLite's progress handler counts the virtual-machine instructions the
index's queries execute; four times the lines may cost about four times the work (n log n
from sorting), never sixteen times (one debit with many credits, one reference on many lines
were per-row subqueries over all earlier rows)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from resv_edi.rules.references import ReferenceIndex

Row = tuple[int, int, None, str, str | None, bool, int]


def _add(index: ReferenceIndex, row: Row) -> None:
    """One line: (index, source line, path) and the line's values (plan, region and the
    compared elements the same for every line)."""
    idx, src, path, ref, prev, debit, amount = row
    index.add_values(idx, src, path, (ref, prev, debit, amount, "PLAN", "REGIO", "()"))


def plain(i: int) -> Row:
    return (i, i, None, f"R{i:09d}", None, True, 100)


def credits_of_one_debit(i: int) -> Row:
    if i == 1:
        return (i, i, None, "D", None, True, 10**12)
    return (i, i, None, f"C{i:09d}", "D", False, 1)


def one_reference(i: int) -> Row:
    return (i, i, None, "S", "S" if i % 2 == 0 else None, i % 2 == 1, 100 if i % 2 else 1)


def many_debits_and_credits(i: int) -> Row:
    """Distinct references, each credited once by the next line."""
    if i % 2:
        return (i, i, None, f"R{i:09d}", None, True, 100)
    return (i, i, None, f"X{i:09d}", f"R{i - 1:09d}", False, 100)


def _work(shape: Callable[[int], Row], n: int) -> tuple[int, int, int]:
    """(instructions, duplicates, credit problems) for ``n`` lines of ``shape``."""
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0

    with ReferenceIndex() as index:
        for i in range(1, n + 1):
            _add(index, shape(i))
        index._db.set_progress_handler(tick, 100)
        duplicates = sum(1 for _ in index.duplicates())
        problems = sum(1 for _ in index.credit_problems())
    return steps, duplicates, problems


@pytest.mark.parametrize(
    "shape", [plain, credits_of_one_debit, one_reference, many_debits_and_credits]
)
def test_cross_line_checks_grow_near_linearly(shape: Callable[[int], Row]) -> None:
    small, small_dups, _ = _work(shape, 1000)
    large, large_dups, _ = _work(shape, 4000)
    assert large / small < 6, f"{shape.__name__}: 4x the lines cost {large / small:.1f}x the work"
    if shape is one_reference:
        assert (small_dups, large_dups) == (999, 3999)


def test_the_answers_are_those_of_the_rules() -> None:
    """R025: credits beyond their debit are found from the first that exceeds it."""
    with ReferenceIndex() as index:
        _add(index, (1, 1, None, "D", None, True, 250))
        for i in range(2, 6):
            _add(index, (i, i, None, f"C{i}", "D", False, 100))
        _add(index, (6, 6, None, "Z", "nowhere", False, 5))  # a line outside the message
        _add(index, (7, 7, None, "C7", None, False, 5))  # a credit naming nothing
        problems = [(p.row.index, p.debit_amount, p.credited) for p in index.credit_problems()]
    assert problems == [(4, 250, 300), (5, 250, 400), (7, None, 0)]
