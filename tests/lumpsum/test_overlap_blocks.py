"""``overlap``'s declared amounts through the block checks (clean runs by their columns) are
exactly those through the exact path (``pipeline.BLOCK_CHECKS`` empty): the same cells in the
same order, the same issues of the files left out; on the fixtures, generated messages of every
format with mutations, every granularity, small blocks and an error cap."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import resv_edi.pipeline as pipeline
from resv_edi.formats.registry import format_names, get_format
from resv_edi.formats.xml import line_scan
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.lumpsum import overlap
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(
    p for folder in ("fixtures/valid", "fixtures/invalid") for p in (ROOT / folder).iterdir()
)


def _same(
    paths: list[Path], monkeypatch: pytest.MonkeyPatch, block: int | None, **kw: Any
) -> tuple[Any, int]:
    """Both ways, asserted equal; the answer and how many clean runs were counted."""
    with monkeypatch.context() as m:
        m.setattr(pipeline, "BLOCK_CHECKS", {})
        exact = overlap.declared_amounts(paths, **kw)
    runs: list[int] = []
    counted = overlap._add_columns

    def add_columns(*args: Any) -> None:
        runs.append(1)
        counted(*args)

    with monkeypatch.context() as m:
        m.setattr(overlap, "_add_columns", add_columns)
        if block is not None:
            modules = [
                importlib.import_module(t.partition(":")[0]) for t in pipeline.BLOCK_CHECKS.values()
            ]
            for module in (*modules, line_scan):
                if hasattr(module, "BLOCK"):
                    m.setattr(module, "BLOCK", block)
        ours = overlap.declared_amounts(paths, **kw)
    assert ours == exact
    assert [list(tasks.items()) for tasks in ours[0].values()] == [
        list(tasks.items()) for tasks in exact[0].values()
    ]
    assert list(ours[0]) == list(exact[0])
    return ours, len(runs)


@pytest.mark.parametrize("granularity", ["month", "quarter", "year"])
def test_fixtures(granularity: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for block in (3, None):
        _same(FIXTURES, monkeypatch, block, granularity=granularity)


_CHANGES: dict[str, dict[str, Any]] = {
    "clean": {},
    "code_unknown": {9: {"prestatiecode": "XXXXXX"}},
    "bsn_in_text": {5: {"omschrijving": "client 111222333 gezien"}},
    "credit": {4: {"debet_credit": "C"}, 11: {"debet_credit": "C"}},
    "no_executing": {6: {"uitvoerende_zorgaanbieder": None}},
}


@pytest.mark.parametrize("fmt", format_names())
@pytest.mark.parametrize("change", sorted(_CHANGES))
def test_generated(fmt: str, change: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = []
    for seed, soort in ((3, "1"), (4, "2")):
        records = list(generate_declaration(40, seed=seed, prestatiesoort=soort))
        for at, update in _CHANGES[change].items():
            line = records[at]
            assert isinstance(line, Prestatie)
            records[at] = line.model_copy(update=update)
        line = records[7]
        assert isinstance(line, Prestatie)  # a line over several months
        records[7] = line.model_copy(update={"einddatum": line.begindatum + timedelta(days=70)})
        path = tmp_path / f"d{seed}{get_format(fmt).suffix}"
        with path.open("wb") as fh:
            get_format(fmt).writer(records, fh, DECLARATIE)
        paths.append(path)
    for granularity in ("month", "quarter"):
        _same(paths, monkeypatch, 4, granularity=granularity)
        _same(paths, monkeypatch, None, granularity=granularity, limits=Limits(max_errors=1))
    if change == "clean" and fmt in pipeline.BLOCK_CHECKS:
        assert _same(paths, monkeypatch, None, granularity="year")[1] > 0
