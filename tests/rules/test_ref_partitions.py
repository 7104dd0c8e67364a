"""The partitioned reference index answers exactly as the SQLite one (the reference), in
memory and spilled to partitions, on generated lines with few references, plans and facts
(so duplicates, credits, differences and conflicts abound)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import resv_edi.rules.ref_partitions as partitions
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
