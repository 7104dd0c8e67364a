"""Issue 13: NDJSON and JSON document validation in blocks against the exact path, and the
partitioned reference index against the SQLite one, each as same-run ratios.

    pytest benchmarks/bench_blocks.py -s                         # 100 k lines
    RESV_BENCH_SIZES=10000,1000000 pytest benchmarks/bench_blocks.py -s
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_formats import bare_ijson, bare_orjson
from benchmarks.conftest import best_of, compare
from resv_edi.pipeline import check_file, validate
from resv_edi.rules.ref_partitions import PartitionedIndex
from resv_edi.rules.references import ReferenceIndex, compared_elements

SIZES = [int(n) for n in os.environ.get("RESV_BENCH_SIZES", "100000").split(",")]
Make = Callable[[int, str], Path]


@pytest.mark.parametrize("n", SIZES)
def test_ndjson_blocks(benchmark: Any, declaration_files: Make, n: int) -> None:
    path = declaration_files(n, "ndjson")
    exact = best_of(lambda: sum(1 for _ in validate(path, "ndjson")), rounds=1)

    def ours() -> None:
        report = check_file(path, "ndjson")
        assert report.errors == 0 and report.lines == n

    ratio = compare(benchmark, f"ndjson blocks {n}", lambda: bare_orjson(path), ours)
    ours_s = benchmark.stats.stats.min
    print(f"exact path {exact:.3f}s: blocks are {exact / ours_s:.2f}x faster (ratio {ratio:.3f}x)")


@pytest.mark.parametrize("n", SIZES)
def test_json_blocks(benchmark: Any, declaration_files: Make, n: int) -> None:
    path = declaration_files(n, "json")
    exact = best_of(lambda: sum(1 for _ in validate(path, "json")), rounds=1)

    def ours() -> None:
        report = check_file(path, "json")
        assert report.errors == 0 and report.lines == n

    ratio = compare(benchmark, f"json blocks {n}", lambda: bare_ijson(path), ours)
    ours_s = benchmark.stats.stats.min
    print(f"exact path {exact:.3f}s: blocks are {exact / ours_s:.2f}x faster (ratio {ratio:.3f}x)")


@pytest.mark.parametrize("n", SIZES)
def test_reference_index(benchmark: Any, n: int) -> None:
    facts = str(("1",) * len(compared_elements()[0]))

    def fill(index: Any) -> None:
        with index:
            for i in range(1, n + 1):
                values = (f"R{i:014d}", None, True, i, "PLAN-1", "W001", facts)
                index.add_values(i, i + 1, "/Prestatie", values)
            for answers in (index.duplicates, index.credit_problems, index.region_conflicts):
                assert not list(answers())

    compare(
        benchmark,
        f"reference index {n} (vs SQLite)",
        lambda: fill(ReferenceIndex()),
        lambda: fill(PartitionedIndex()),
    )
