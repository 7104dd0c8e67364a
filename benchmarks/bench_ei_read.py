"""Reading a generated 100k-line HA304 file: the EI reader against a bare baseline.

Run with ``pytest benchmarks/bench_ei_read.py`` (not part of the default test run). The
baseline is ``for line in file: {key: line[slice]}`` over the same file in the same run;
the ratio is printed at the end.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks.conftest import bare_slicing
from resv_edi.generate.claims import generate_claims
from resv_edi.vektis import load_layout, read_records

N_LINES = 100_000
_TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def ha304_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "ha304_100k.asc"
    with path.open("wb") as fh:
        generate_claims("HA304", N_LINES, fh, seed=1)
    return path


def _baseline(path: Path) -> int:
    return bare_slicing(path, load_layout("HA304"))


def _reader(path: Path) -> int:
    n = 0
    for _ in read_records(path):
        n += 1
    return n


def _timed(name: str, func, path: Path) -> int:
    start = time.perf_counter()
    result = func(path)
    _TIMES[name] = min(_TIMES.get(name, float("inf")), time.perf_counter() - start)
    return result


def test_baseline(benchmark, ha304_file: Path) -> None:
    benchmark.pedantic(_timed, args=("baseline", _baseline, ha304_file), rounds=3)


def test_reader(benchmark, ha304_file: Path) -> None:
    benchmark.pedantic(_timed, args=("reader", _reader, ha304_file), rounds=3)
    if "baseline" in _TIMES:
        ratio = _TIMES["reader"] / _TIMES["baseline"]
        print(
            f"\nEI reader {_TIMES['reader']:.3f}s, baseline {_TIMES['baseline']:.3f}s, "
            f"ratio {ratio:.2f}x"
        )
