"""Issue 13: ``validate --split 2`` against one process, on one file, as same-run ratios.

    pytest benchmarks/bench_split.py -s                                  # 100 k lines
    RESV_BENCH_SIZES=20000,50000,100000 pytest benchmarks/bench_split.py -s

Per format and size: the wall time of ``validate_batch([file], jobs=1, split=0)`` (one process,
the baseline) and of ``validate_batch([file], jobs=2, split=2)`` (two chunks in a pool of two,
merged in this process), alternated, best of 3; ``ratio`` = one-process time / split time (above
1: the split is faster). The split is forced past its size threshold
(:data:`resv_edi.batch.split.SPLIT_FROM`) so the ratio below it is measured too. Beside it,
the CPU seconds of the split's phases run in this process (plan, each chunk, merge) and the
critical path they give on two idle cores, the load independent estimate.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.conftest import compare
from resv_edi.batch import split, validate_batch
from resv_edi.limits import DEFAULT_LIMITS
from resv_edi.pipeline import check_file

SIZES = [int(n) for n in os.environ.get("RESV_BENCH_SIZES", "100000").split(",")]
Make = Callable[[int, str], Path]


def _cpu(func: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    out = func()
    return time.process_time() - started, out


def phases(path: str, fmt: str) -> dict[str, float]:
    """CPU seconds of one process and of the split's phases (best of 3), in this process."""
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, seconds), seconds)

    for _ in range(3):
        seconds, whole = _cpu(lambda: check_file(path, fmt))
        keep("single", seconds)
        seconds, specs = _cpu(lambda: split.plan_chunks(path, fmt, 2, DEFAULT_LIMITS))
        keep("plan", seconds)
        assert specs is not None
        results = []
        for spec in specs:  # each chunk as a worker runs it, its result sent back
            sent = lambda s=spec: pickle.loads(pickle.dumps(split.validate_chunk(s)))  # noqa: E731
            seconds, result = _cpu(sent)
            keep(f"chunk{spec.number}", seconds)
            results.append(result)
        seconds, report = _cpu(lambda r=results, s=specs: split.merge(s, r))
        keep("merge", seconds)
        assert report is not None and report.as_dict() == whole.as_dict()
    chunks = max(v for k, v in best.items() if k.startswith("chunk"))
    best["critical"] = best["plan"] + chunks + best["merge"]
    return best


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("fmt", ["ndjson", "xml", "ei"])
def test_split_two(
    benchmark: Any, declaration_files: Make, fmt: str, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(split, "SPLIT_FROM", dict.fromkeys(split.SPLIT_FORMATS, 0))
    path = str(declaration_files(n, fmt))
    expected = check_file(path, fmt).as_dict()

    def run(jobs: int, chunks: int) -> Callable[[], None]:
        def validate() -> None:
            results, _ = validate_batch([path], fmt=fmt, jobs=jobs, split=chunks)
            assert results[0].report == expected

        return validate

    ratio = compare(benchmark, f"split 2 {fmt} {n}", run(1, 0), run(2, 2))
    cpu = phases(path, fmt)
    benchmark.extra_info.update({f"cpu_{k}": round(v, 4) for k, v in cpu.items()})
    shown = " ".join(f"{k} {v:.3f}" for k, v in cpu.items())
    estimate = cpu["single"] / cpu["critical"]
    load = os.getloadavg()[0]
    print(f"wall ratio {ratio:.2f}x; CPU s: {shown}; single/critical {estimate:.2f}x")
    print(f"load {load:.2f}")
