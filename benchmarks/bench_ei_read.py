"""Reading a generated 100k-line HA304 claim file: the EI reader and the lump-sum engine's
scan against a bare baseline.

Run with ``pytest benchmarks/bench_ei_read.py -s -p no:randomly`` (not part of the default test
run). The baseline is ``for line in file: {key: line[slice]}`` over the same file, timed (best
of 3) in the same test as each candidate; every row prints ``ratio`` = baseline time / our
time (higher is better; issue 13's target for the claim reader is 0.5x):

* ``reader``: ``read_records`` (every field of every record typed, as dicts);
* ``reader_exact``: the same, record by record (no blocks): the reference path;
* ``lumpsum_scan``: ``read_allowlisted`` under the ``ha304_oi`` mapping (only the allowlisted
  fields, by columns);
* ``lumpsum``: the whole ``run_lumpsum`` (scan, groups, records) on a file whose codes count.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from benchmarks.conftest import bare_slicing, compare
from resv_edi.generate.claims import generate_claims
from resv_edi.lumpsum import load_mapping, read_allowlisted
from resv_edi.lumpsum.run import run_lumpsum
from resv_edi.vektis import load_layout, read_records
from resv_edi.vektis.framing import FrameScanner

N_LINES = 100_000
#: prestatiecodes of the ha304_oi code list, so that the lump-sum run counts lines
COUNTED = ["39901", "39902", "39903", "39904", "12000", "13001"]


@pytest.fixture(scope="module")
def ha304_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "ha304_100k.asc"
    with path.open("wb") as fh:
        generate_claims("HA304", N_LINES, fh, seed=1)
    return path


@pytest.fixture(scope="module")
def counted_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Claims of 2027 (in the experiment) with codes the mapping counts."""
    path = tmp_path_factory.mktemp("bench") / "ha304_counted_100k.asc"
    with path.open("wb") as fh:
        period = (date(2027, 1, 1), date(2027, 3, 31))
        generate_claims("HA304", N_LINES, fh, seed=1, codes=COUNTED, period=period)
    return path


def _baseline(path: Path) -> Any:
    layout = load_layout("HA304")
    return lambda: bare_slicing(path, layout)


def _count(items: Any) -> int:
    n = 0
    for _ in items:
        n += 1
    return n


def test_reader(benchmark: Any, ha304_file: Path) -> None:
    compare(benchmark, "EI reader", _baseline(ha304_file), lambda: _count(read_records(ha304_file)))


def test_reader_exact(benchmark: Any, ha304_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FrameScanner, "scan_batches", FrameScanner.scan)  # record by record
    compare(
        benchmark,
        "EI reader, record by record",
        _baseline(ha304_file),
        lambda: _count(read_records(ha304_file)),
    )


def test_lumpsum_scan(benchmark: Any, ha304_file: Path) -> None:
    mapping = load_mapping("ha304_oi")
    compare(
        benchmark,
        "lumpsum scan",
        _baseline(ha304_file),
        lambda: _count(read_allowlisted(ha304_file, mapping)),
    )


def test_lumpsum(benchmark: Any, counted_file: Path) -> None:
    mapping = load_mapping("ha304_oi")
    run = run_lumpsum([counted_file], mapping)
    assert run.exit_code == 0 and run.counted > N_LINES // 4  # the lines are counted
    compare(
        benchmark,
        "lumpsum run",
        _baseline(counted_file),
        lambda: run_lumpsum([counted_file], mapping),
    )
