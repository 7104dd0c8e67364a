"""Two worker processes against one: a directory of files, and one large file in chunks.

    pytest benchmarks/bench_parallel.py -s
    RESV_BENCH_LINES=400000 RESV_BENCH_FILES=8 pytest benchmarks/bench_parallel.py -s

The baseline is the same batch with ``jobs=1`` (in-process, no pool), measured in the same
test; ``ratio`` = one-process time / two-process time (the speed-up; 2.0 is perfect on two
cores). The large-file runs force the split (``split=2``) and check that the result equals
the one-piece result.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.conftest import compare
from resv_edi.batch import validate_batch

LINES = int(os.environ.get("RESV_BENCH_LINES", "400000"))
FILES = int(os.environ.get("RESV_BENCH_FILES", "8"))


@pytest.fixture(scope="module")
def inbox(declaration_files: Callable[[int, str], Path], tmp_path_factory: Any) -> Path:
    """``FILES`` NDJSON files of ``LINES / FILES`` lines each."""
    source = declaration_files(LINES // FILES, "ndjson")
    folder = tmp_path_factory.mktemp("inbox")
    for i in range(FILES):
        os.link(source, folder / f"decl_{i}.ndjson")
    return folder


def test_directory_two_jobs(benchmark: Any, inbox: Path) -> None:
    def with_jobs(jobs: int) -> Callable[[], None]:
        def run() -> None:
            _results, summary = validate_batch([str(inbox)], jobs=jobs, split=0)
            assert summary.ok == FILES and summary.lines == LINES

        return run

    ratio = compare(
        benchmark, f"directory {FILES} x {LINES // FILES} lines, 2 jobs", with_jobs(1), with_jobs(2)
    )
    benchmark.extra_info["speedup"] = round(ratio, 3)


@pytest.mark.parametrize("fmt", ["ndjson", "xml", "ei"])
def test_one_file_two_chunks(
    benchmark: Any, declaration_files: Callable[[int, str], Path], fmt: str
) -> None:
    path = str(declaration_files(LINES, fmt))
    whole: dict[str, Any] = {}

    def one() -> None:
        results, _ = validate_batch([path], jobs=1, split=0)
        whole["report"] = results[0].report

    def two() -> None:
        results, _ = validate_batch([path], jobs=2, split=2)
        assert results[0].report == whole["report"]

    ratio = compare(benchmark, f"one {fmt} file, {LINES} lines, 2 chunks", one, two)
    benchmark.extra_info["speedup"] = round(ratio, 3)
