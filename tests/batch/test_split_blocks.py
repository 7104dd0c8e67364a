"""The split through the block checks: a file cut at any line, with faulty lines on either side
of a cut, merges into exactly what ``check_file`` gives (codes, places, texts, order)."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from record_mutations import MUTATIONS as SHARED_MUTATIONS
from record_mutations import Mutation, changed, mutated

from resv_edi.api import check_file
from resv_edi.batch import split, validate_batch
from resv_edi.formats.ei.resv import resv_layout
from resv_edi.limits import DEFAULT_LIMITS

FORMATS = ["ndjson", "xml", "ei"]

MUTATIONS: dict[str, Mutation] = {
    **SHARED_MUTATIONS,
    "credit_unnamed": changed(debet_credit="C", vorig_referentienummer=None),
    "region_other": changed(werkgebied="W009"),
    "before_the_period": changed(begindatum=date(2026, 12, 1), einddatum=date(2026, 12, 31)),
}

#: mutations that leave the line valid (doubtful for a screen, clean for the rules)
VALID = {"escaped_text", "no_vat_no_note"}

#: line (record number) -> mutation: faults next to each other, so cuts fall between them,
#: beside them and inside doubtful runs
FAULTS = {
    2: "code_unknown",
    3: "bsn_in_text",
    9: "duplicate_reference",
    10: "end_before_begin",
    14: "credit_unnamed",
    15: "insurer_other",
    16: "region_other",
    21: "no_vat_no_note",
    22: "escaped_text",
    23: "before_the_period",
}

#: where a line record starts, per format (a cut is made at the first one from an offset)
_LINE_STARTS = {
    "ndjson": re.compile(rb"^\{\"Prestatie\"", re.MULTILINE),
    "xml": re.compile(rb"<Prestatie[\s/>]"),
    "ei": re.compile(rb"^04", re.MULTILINE),
}


@pytest.fixture(autouse=True)
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_CHUNK", 1)
    monkeypatch.setattr(split, "SPLIT_FROM", dict.fromkeys(split.SPLIT_FORMATS, 0))


def merged_at(path: Path, near: list[int]) -> tuple[dict | None, list[split.ChunkResult]]:
    specs = split.plan_chunks(str(path), "auto", len(near) + 1, DEFAULT_LIMITS, near=near)
    assert specs is not None and len(specs) == len(near) + 1
    assert [s.start for s in specs[1:]] == near  # cut exactly at those line starts
    results = [split.validate_chunk(s) for s in specs]
    report = split.merge(specs, results)
    return (report.as_dict() if report else None), results


def line_starts(path: Path, fmt: str) -> list[int]:
    return [m.start() for m in _LINE_STARTS[fmt].finditer(path.read_bytes())][1:]


@pytest.mark.parametrize("fmt", FORMATS)
def test_faults_cut_at_every_line(tmp_path: Path, fmt: str) -> None:
    """Two chunks, the cut before every line in turn; then three, with a one-line middle
    chunk: duplicates, credits and region conflicts across a cut, faulty lines at its sides."""
    path = mutated(tmp_path, fmt, FAULTS, MUTATIONS, n=30)
    expected = check_file(str(path)).as_dict()
    codes = {i["code"] for i in expected["issues"]}
    assert {"R003", "R004", "R037", "R016"} <= codes
    starts = line_starts(path, fmt)
    assert len(starts) >= 29
    for number, cut in enumerate(starts):
        merged, results = merged_at(path, [cut])
        assert all(r.fallback is None for r in results), (cut, [r.fallback for r in results])
        assert merged == expected, f"cut before line {number + 2}"
    for first, second in itertools.pairwise(starts):
        merged, _ = merged_at(path, [first, second])
        assert merged == expected, f"one-line chunk at {first}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_mutation_in_every_chunk(tmp_path: Path, fmt: str, mutation: str) -> None:
    """One kind of fault on lines in every chunk (and beside the cuts): the merged report
    equals the one-piece report, with no chunk falling back."""
    path = mutated(tmp_path, fmt, dict.fromkeys((3, 11, 12, 25, 38), mutation), MUTATIONS, n=40)
    expected = check_file(str(path)).as_dict()
    assert bool(expected["issues"]) is (mutation not in VALID), mutation
    starts = line_starts(path, fmt)
    for cuts in ([starts[9]], [starts[10], starts[22]], starts[5:36:6]):
        merged, results = merged_at(path, cuts)
        assert all(r.fallback is None for r in results), [r.fallback for r in results]
        assert merged == expected, (mutation, cuts)


@pytest.mark.parametrize("fmt", FORMATS)
def test_clean_runs_through_the_pool(tmp_path: Path, fmt: str) -> None:
    """A long file whose chunks hold clean runs (columns) and doubtful ones: through the
    pool (references through files in the run's folder) the result equals ``check_file``."""
    path = mutated(tmp_path, fmt, {k: "duplicate_reference" for k in (7, 1500, 2900)},
                   MUTATIONS, n=3000)  # fmt: skip
    expected = check_file(str(path)).as_dict()
    batch, summary = validate_batch([str(path)], jobs=2, split=3)
    assert batch[0].report == expected
    assert summary.exit_code == 1
    specs = split.plan_chunks(str(path), "auto", 3, DEFAULT_LIMITS)
    assert specs is not None
    results = [split.validate_chunk(s) for s in specs]
    assert all(r.fallback is None and r.refs for r in results)
    assert sum(r.lines for r in results) == 3000


def test_small_files_are_read_in_one_piece(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below a format's measured threshold a file is not cut (the split would be slower)."""
    path = mutated(tmp_path, "ndjson", {}, MUTATIONS, n=200)
    assert split.plan_chunks(str(path), "auto", 2, DEFAULT_LIMITS) is not None
    size = path.stat().st_size
    monkeypatch.setattr(split, "SPLIT_FROM", {**split.SPLIT_FROM, "ndjson": size + 1})
    assert split.plan_chunks(str(path), "auto", 2, DEFAULT_LIMITS) is None
    monkeypatch.setattr(split, "SPLIT_FROM", {**split.SPLIT_FROM, "ndjson": size})
    assert split.plan_chunks(str(path), "auto", 2, DEFAULT_LIMITS) is not None


@pytest.mark.parametrize("fmt", FORMATS)
def test_refused_header_falls_back(tmp_path: Path, fmt: str) -> None:
    """A header that is not accepted whole: the chunks cannot judge their lines alone, so the
    file is validated in one piece (same report)."""
    path = mutated(tmp_path, fmt, {5: "code_unknown"}, MUTATIONS, n=40)
    data = path.read_bytes()
    broken = {
        "ndjson": (b'"Dagtekening":"2028-01-15"', b'"Dagtekening":"2028-13-15"'),
        "xml": (b"<Dagtekening>2028-01-15</Dagtekening>", b"<Dagtekening>2028-13-15</Dagtekening>"),
        "ei": (b"20280115", b"20281315"),  # the first date of the file: the header's
    }[fmt]
    assert broken[0] in data
    path.write_bytes(data.replace(*broken, 1))
    expected = check_file(str(path)).as_dict()
    assert {"R008"} < {i["code"] for i in expected["issues"]}
    specs = split.plan_chunks(str(path), "auto", 3, DEFAULT_LIMITS)
    assert specs is None or any(split.validate_chunk(s).fallback for s in specs)
    batch, _ = validate_batch([str(path)], jobs=1, split=3)
    assert batch[0].report == expected


@pytest.mark.parametrize("scan", [5, 64, 8 * 1024 * 1024])
def test_a_lone_carriage_return_keeps_the_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scan: int
) -> None:
    """CR LF line ends (EI) are cut, whatever the size of the blocks counted at once; a CR
    alone (a line end for some readers) in any chunk makes the file validated in one piece."""
    monkeypatch.setattr(split, "_SCAN", scan)
    path = mutated(tmp_path, "ei", {}, MUTATIONS, n=60)
    specs = split.plan_chunks(str(path), "auto", 3, DEFAULT_LIMITS)
    assert specs is not None
    data = path.read_bytes()
    assert sum(s.lines for s in specs) == data[: specs[-1].start].count(b"\n")
    assert all(split.validate_chunk(s).fallback is None for s in specs)
    for at in (data.index(b"\r\n04") + 10, len(data) // 2, len(data) - 1):
        lone = data[:at] + b"\r" + data[at + 1 :]
        if data[at : at + 1] == b"\n":
            lone = data[:at] + b"\r " + data[at + 1 :]
        path.write_bytes(lone)
        specs = split.plan_chunks(str(path), "auto", 3, DEFAULT_LIMITS)
        assert specs is not None
        assert any(split.validate_chunk(s).fallback for s in specs), at
        batch, _ = validate_batch([str(path)], jobs=1, split=3)
        assert batch[0].report == check_file(str(path)).as_dict()


def test_a_lone_carriage_return_the_reader_passes(tmp_path: Path) -> None:
    """A CR alone where JSON allows white space: no reader issue, yet the chunk that holds it
    falls back (a reader that ends lines at a CR would count other line numbers)."""
    path = mutated(tmp_path, "ndjson", {}, MUTATIONS, n=60)
    lines = path.read_bytes().split(b"\n")
    lines[40] = lines[40].replace(b'{"Prestatie":{', b'{"Prestatie":\r{', 1)
    path.write_bytes(b"\n".join(lines))
    specs = split.plan_chunks(str(path), "auto", 3, DEFAULT_LIMITS)
    assert specs is not None
    fell = [split.validate_chunk(s).fallback for s in specs]
    at = path.read_bytes().index(b"\r")
    holds = [s.start <= at < s.end for s in specs]
    assert [bool(reason and "CR alone" in reason) for reason in fell] == holds
    batch, _ = validate_batch([str(path)], jobs=1, split=3)
    assert batch[0].report == check_file(str(path)).as_dict()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    faults=st.dictionaries(st.integers(1, 30), st.sampled_from(sorted(MUTATIONS)), max_size=6),
    cuts=st.lists(st.integers(0, 28), min_size=1, max_size=3, unique=True),
    fmt=st.sampled_from(FORMATS),
)
def test_random_faults_and_cuts(
    tmp_path_factory: pytest.TempPathFactory, faults: dict[int, str], cuts: list[int], fmt: str
) -> None:
    """Any faults on any lines, cut anywhere into two to four chunks: the one-piece report."""
    path = mutated(tmp_path_factory.mktemp("h"), fmt, faults, MUTATIONS, n=30)
    starts = line_starts(path, fmt)
    merged, results = merged_at(path, [starts[k] for k in sorted(cuts)])
    assert all(r.fallback is None for r in results), [r.fallback for r in results]
    assert merged == check_file(str(path)).as_dict()


def _detail_id() -> Any:
    """The RESV EI line record's IDENTIFICATIE DETAILRECORD field."""
    field = resv_layout("declaratie").layout.records["04"].detail_id
    assert field is not None
    return field


@pytest.mark.parametrize("unnumbered_before", [0, 5])
def test_detail_numbers_at_a_cut_the_chunk_cannot_see(
    tmp_path: Path, unnumbered_before: int
) -> None:
    """E004 at a cut that no chunk can check: the record after the cut has no number (the
    one-piece reader compares the next record with the number before the cut), or the five
    records just before the cut have none. The merge refuses, and the file is validated in
    one piece (same report)."""
    path = mutated(tmp_path, "ei", {}, MUTATIONS, n=30)
    starts = line_starts(path, "ei")
    cut = 12
    field = _detail_id()
    unnumbered = [starts[at] for at in range(cut - unnumbered_before, cut)]
    if not unnumbered_before:
        unnumbered.append(starts[cut])  # the first record of the second chunk
    low = starts[cut] if unnumbered_before else starts[cut + 1]  # compared across the cut
    data = bytearray(path.read_bytes())
    for start, text in [*((at, b"X" * field.length) for at in unnumbered), (low, b"1")]:
        at = start + field.start - 1
        data[at : at + field.length] = text.rjust(field.length, b"0")
    path.write_bytes(bytes(data))
    expected = check_file(str(path)).as_dict()
    codes = [i["code"] for i in expected["issues"]]
    assert "E004" in codes and "E005" in codes  # 1 is below the last number before the cut
    merged, results = merged_at(path, [starts[cut]])
    assert all(r.fallback is None for r in results)  # each chunk alone sees nothing structural
    assert merged is None
    batch, _ = validate_batch([str(path)], jobs=1, split=2)
    assert batch[0].report == expected
