"""``report`` through the block checks (clean runs counted by their columns) gives exactly
what it gives through the exact path (every line a model, ``pipeline.BLOCK_CHECKS`` empty):
the same facts, files left out with their error counts, issues in order, duplicates, folded
lines, and the same bytes in every file written; on the fixtures, the fuzz corpus, generated
messages of every format with mutations, invalid lines, small blocks, caps, sniffed input and
a pipe."""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from record_mutations import MUTATIONS as SHARED_MUTATIONS
from record_mutations import Mutation, changed, mutated

import resv_edi.pipeline as pipeline
from resv_edi.formats.registry import format_names
from resv_edi.formats.xml import line_scan
from resv_edi.limits import Limits
from resv_edi.report import aggregate
from resv_edi.report.aggregate import Aggregate
from resv_edi.report.facts import FileFacts
from resv_edi.report.writers import report_files

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    path
    for folder in ("fixtures/valid", "fixtures/invalid", "fuzz/corpus")
    for path in (ROOT / folder).iterdir()
    if path.is_file()
)


def _sized() -> list[Any]:
    """The modules whose ``BLOCK`` is the most lines a block check takes at once."""
    modules = [
        importlib.import_module(target.partition(":")[0])
        for target in pipeline.BLOCK_CHECKS.values()
    ]
    return [m for m in (*modules, line_scan) if hasattr(m, "BLOCK")]


def _same(
    paths: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    block: int | None = None,
    feed: Callable[[], None] | None = None,
    **kw: Any,
) -> tuple[Aggregate, int]:
    """Aggregate ``paths`` both ways, assert the same answer and the same files; return it and
    how many clean runs were counted by their columns. ``feed``: started before each run (a
    pipe's writer)."""
    with monkeypatch.context() as m:
        m.setattr(pipeline, "BLOCK_CHECKS", {})
        if feed:
            feed()
        exact = aggregate(paths, **kw)
    runs: list[int] = []
    counted = FileFacts.add_columns

    def add_columns(self: FileFacts, header: Any, columns: dict[str, list[Any]]) -> None:
        runs.append(len(columns["bedrag"]))
        counted(self, header, columns)

    with monkeypatch.context() as m:
        m.setattr(FileFacts, "add_columns", add_columns)
        if block is not None:
            for module in _sized():
                m.setattr(module, "BLOCK", block)
        if feed:
            feed()
        ours = aggregate(paths, **kw)
    assert ours.issues == exact.issues
    assert ours.excluded == exact.excluded
    assert ours.duplicates == exact.duplicates
    assert ours.folded_lines == exact.folded_lines
    assert list(ours.facts.items()) == list(exact.facts.items())  # in the same order too
    assert ours == exact
    assert list(report_files(ours, page_size=3)) == list(report_files(exact, page_size=3))
    return ours, len(runs)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for block in (3, None):
        _same([path], tmp_path, monkeypatch, block)


def test_valid_fixtures_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    valid = [p for p in CORPUS if p.parent.name == "valid"]
    both, runs = _same([*valid, *valid], tmp_path, monkeypatch, 3)
    assert len(both.duplicates) >= len(valid) and not both.excluded and runs


MUTATIONS: dict[str, Mutation] = {
    **SHARED_MUTATIONS,
    "other_task": changed(hoofdtaak="5"),
    "credit": changed(debet_credit="C"),
}


def _mutated(
    tmp_path: Path,
    fmt: str,
    changes: dict[int, str],
    n: int = 24,
    name: str = "m",
    **kw: Any,
) -> Path:
    return mutated(tmp_path, fmt, changes, MUTATIONS, n, name, **kw)


@pytest.mark.parametrize("fmt", format_names())
def test_generated_clean(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _mutated(tmp_path, fmt, {}, n=60)
    two = _mutated(tmp_path, fmt, {}, n=40, name="p2", prestatiesoort="2", year=2028)
    _same([one, two], tmp_path, monkeypatch, 4)
    agg, runs = _same([one, two], tmp_path, monkeypatch)
    assert agg.total.lines == 100 and not agg.excluded
    assert (runs > 0) == (fmt in pipeline.BLOCK_CHECKS)  # counted by columns
    for cap in (1, 2, 5):  # lines of facts beyond the cap are folded alike
        agg, _ = _same([one, two], tmp_path, monkeypatch, 4, max_facts=cap)
        assert agg.folded_lines > 0 and agg.total.lines == 100


@pytest.mark.parametrize("fmt", format_names())
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutations(
    fmt: str, mutation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _mutated(tmp_path, fmt, {9: mutation, 17: mutation})
    clean = _mutated(tmp_path, fmt, {}, n=12, name="clean")
    _same([path, clean], tmp_path, monkeypatch, 4)
    _same([clean, path], tmp_path, monkeypatch, 4, max_issues=1, max_facts=2)


_MONTH = {  # every line's Begindatum in month 13
    "xml": (rb"(<Begindatum>\d{4}-)\d\d", rb"\g<1>13"),
    "json": (rb'("Begindatum":\s*"\d{4}-)\d\d', rb"\g<1>13"),
    "ndjson": (rb'("Begindatum":\s*"\d{4}-)\d\d', rb"\g<1>13"),
}


@pytest.mark.parametrize("fmt", sorted(_MONTH))
def test_every_line_invalid(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, fmt, {}, n=30)
    pattern, repl = _MONTH[fmt]
    path.write_bytes(re.sub(pattern, repl, path.read_bytes()))
    clean = _mutated(tmp_path, fmt, {}, n=12, name="clean")
    agg, _ = _same([path, clean], tmp_path, monkeypatch, 4, max_issues=7)
    assert agg.excluded[str(path)] >= 30 and len(agg.issues) == 7
    assert agg.total.lines == 12


@pytest.mark.parametrize("fmt", format_names())
def test_limits(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, fmt, {3: "code_unknown", 5: "bsn_in_text", 20: "other_task"})
    clean = _mutated(tmp_path, fmt, {}, n=12, name="clean")
    for limits in (Limits(max_records=10), Limits(max_errors=1)):
        _same([path, clean], tmp_path, monkeypatch, 3, limits=limits)


def test_sniffed_not_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The format is read from the content, whatever the name says."""
    paths = []
    for fmt in format_names():
        path = _mutated(tmp_path, fmt, {}, n=20, name=f"s_{fmt}")
        paths.append(path.rename(tmp_path / f"{fmt}.txt"))
    agg, runs = _same(paths, tmp_path, monkeypatch, 4)
    assert agg.total.lines == 20 and len(agg.duplicates) == len(paths) - 1 and runs


@pytest.mark.parametrize("fmt", sorted(pipeline.BLOCK_CHECKS))
def test_a_pipe_is_read_once(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _mutated(tmp_path, fmt, {}, n=20).read_bytes()
    fifo = tmp_path / "in.pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        def write() -> None:
            with open(fifo, "wb") as fh:
                fh.write(data)

        threading.Thread(target=write, daemon=True).start()

    agg, runs = _same([fifo], tmp_path, monkeypatch, feed=feed)
    assert agg.total.lines == 20 and agg.files == [str(fifo)] and runs


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(st.integers(1, 24), st.sampled_from(sorted(MUTATIONS)), max_size=3),
    block=st.integers(1, 7),
    cap=st.sampled_from([0, 2, 4]),
)
def test_generated_mixtures(
    changes: dict[int, str],
    block: int,
    cap: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = [_mutated(tmp_path, fmt, changes, name=f"x_{fmt}") for fmt in format_names()]
    _same(paths, tmp_path, monkeypatch, block, max_facts=cap)
