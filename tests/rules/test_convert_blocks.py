"""``convert`` through a block check (``pipeline.BLOCK_CHECKS``) answers exactly as through
the exact path (the format's reader through `ExactCheck`: model and rule engine per line): the same
result (written, lines, issues in order) and the same bytes, or no file, for every input
format that has a block check, into every target format; on the format's fixtures and fuzz
corpus and on generated messages with mutations, at block sizes that cut them in many places,
with small error caps and limits."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from record_mutations import MUTATIONS as SHARED_MUTATIONS
from record_mutations import Mutation, changed, mutated

import resv_edi.pipeline as pipeline
from resv_edi.formats.registry import format_names, get_format
from resv_edi.limits import Limits
from resv_edi.model.columns import LineBlock
from resv_edi.model.messages import DECLARATIE

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(fmt for fmt in pipeline.BLOCK_CHECKS if pipeline.blocks_for(fmt) is not None)


def _module(fmt: str) -> Any:
    return importlib.import_module(pipeline.BLOCK_CHECKS[fmt].partition(":")[0])


def test_block_checks_resolve() -> None:
    """Every format but CSV has a block check, each a BlockCheck."""
    from resv_edi.rules.block_check import BlockCheck

    assert SOURCES == ["ei", "json", "ndjson", "xml"]
    for fmt in pipeline.BLOCK_CHECKS:
        found = pipeline.blocks_for(fmt)
        assert found is not None and issubclass(found, BlockCheck)
    assert pipeline.blocks_for("csv") is None


def _format_of(path: Path) -> str:
    """The format a file is named for (its suffix)."""
    return next(f for f in SOURCES if path.suffix in {get_format(f).suffix, f".{f}"})


def _corpus(fmt: str) -> list[Path]:
    suffixes = {get_format(fmt).suffix, f".{fmt}"}
    found = {
        path
        for folder in ("fixtures/valid", "fixtures/invalid", "fuzz/corpus")
        for path in (ROOT / folder).iterdir()
        if path.suffix in suffixes
    }
    return sorted(found)


def _same(
    path: Path,
    to: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    block: int | None = None,
    **kw: Any,
) -> tuple[pipeline.ConversionResult, int]:
    """Convert ``path`` (named for its format) both ways; assert the same answer; return it
    and the number of clean runs written as columns."""
    exact_out = tmp_path / f"exact.{to}"
    ours_out = tmp_path / f"ours.{to}"
    for out in (exact_out, ours_out):
        out.unlink(missing_ok=True)
    with monkeypatch.context() as m:
        m.setattr(pipeline, "BLOCK_CHECKS", {})
        exact = pipeline.convert(path, exact_out, to, **kw)
    blocks: list[int] = []

    def counted(cls: Any, columns: Any) -> LineBlock:
        blocks.append(1)
        return LineBlock(cls, columns)

    with monkeypatch.context() as m:
        m.setattr(pipeline, "LineBlock", counted)
        module = _module(_format_of(path))
        if block is not None and hasattr(module, "BLOCK"):
            m.setattr(module, "BLOCK", block)
        ours = pipeline.convert(path, ours_out, to, **kw)
    assert ours.issues == exact.issues
    assert (ours.written, ours.lines) == (exact.written, exact.lines)
    assert ours_out.exists() == exact_out.exists() == exact.written
    if exact.written:
        assert ours_out.read_bytes() == exact_out.read_bytes()
    return ours, len(blocks)


@pytest.mark.parametrize("fmt", SOURCES)
@pytest.mark.parametrize("block", [3, None])
def test_corpus(
    fmt: str, block: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _corpus(fmt)
    assert paths
    for path in paths:
        for to in ("xml", "ei"):
            _same(path, to, tmp_path, monkeypatch, block)


MUTATIONS: dict[str, Mutation] = {
    **SHARED_MUTATIONS,
    "vat_above_amount": changed(btw_bedrag=10**9),
}
HARMLESS = {"no_vat_no_note", "escaped_text"}


def _mutated(
    tmp_path: Path, fmt: str, changes: dict[int, str], n: int = 24, name: str = "m"
) -> Path:
    return mutated(tmp_path, fmt, changes, MUTATIONS, n, name)


@pytest.mark.parametrize("fmt", SOURCES)
@pytest.mark.parametrize("to", format_names())
def test_generated_clean(
    fmt: str, to: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _mutated(tmp_path, fmt, {})
    _same(path, to, tmp_path, monkeypatch, 4)
    result, blocks = _same(path, to, tmp_path, monkeypatch)
    assert result.written and result.lines == 24
    assert blocks >= 1  # the clean lines went to the writer as columns


@pytest.mark.parametrize("fmt", SOURCES)
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutations(
    fmt: str, mutation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _mutated(tmp_path, fmt, {9: mutation, 17: mutation})
    for to in ("xml", "ei"):
        result, _ = _same(path, to, tmp_path, monkeypatch, 4)
        assert result.written == (mutation in HARMLESS)
        _same(path, to, tmp_path, monkeypatch, 4, max_errors=1)


@pytest.mark.parametrize("fmt", SOURCES)
def test_limits_kind_and_caps(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, fmt, {3: "code_unknown", 5: "bsn_in_text", 20: "insurer_other"})
    clean = _mutated(tmp_path, fmt, {}, n=12, name="clean")
    for kw in (
        {"max_errors": 1},
        {"max_errors": 2},
        {"max_errors": 0},
        {"kind": DECLARATIE},
        {"fmt": fmt},
        {"limits": Limits(max_records=10)},
    ):
        _same(path, "xml", tmp_path, monkeypatch, 3, **kw)
        _same(clean, "ei", tmp_path, monkeypatch, 5, **kw)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(st.integers(1, 24), st.sampled_from(sorted(MUTATIONS)), max_size=3),
    block=st.integers(1, 7),
    to=st.sampled_from(["xml", "ei", "ndjson"]),
)
def test_generated_mixtures(
    changes: dict[int, str], block: int, to: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for fmt in SOURCES:
        path = _mutated(tmp_path, fmt, changes)
        _same(path, to, tmp_path, monkeypatch, block)
