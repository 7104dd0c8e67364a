"""Chunked validation of one file equals single-process validation (codes, lines, order)."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_helpers import with_faults, with_structure_fault, write

from resv_edi.api import check_file
from resv_edi.batch import split, validate_batch
from resv_edi.limits import DEFAULT_LIMITS

FORMATS = ["ndjson", "xml", "ei"]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_CHUNK", 4096)
    monkeypatch.setattr(split, "SPLIT_FROM", dict.fromkeys(split.SPLIT_FORMATS, 0))


def chunked(path: Path, chunks: int = 4) -> tuple[list[split.ChunkResult], dict | None]:
    specs = split.plan_chunks(str(path), "auto", chunks, DEFAULT_LIMITS)
    assert specs is not None and len(specs) == chunks
    results = [split.validate_chunk(s) for s in specs]
    report = split.merge(specs, results)
    return results, (report.as_dict() if report else None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_valid_file_in_chunks(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path / f"d.{fmt}", 1500, fmt)
    results, merged = chunked(path)
    assert all(r.fallback is None for r in results)
    assert merged == check_file(str(path)).as_dict()
    assert merged is not None and merged["lines"] == 1500


@pytest.mark.parametrize("fmt", FORMATS)
def test_faults_keep_codes_lines_and_order(tmp_path: Path, fmt: str) -> None:
    """Model, rule, cross-chunk reference and totals faults: the same issues, true lines."""
    path = with_faults(write(tmp_path / f"d.{fmt}", 2000, fmt), fmt)
    expected = check_file(str(path)).as_dict()
    results, merged = chunked(path)
    assert all(r.fallback is None for r in results), [r.fallback for r in results]
    assert merged == expected
    codes = {i["code"] for i in expected["issues"]}
    assert "R003" in codes  # the duplicate lies in another chunk than its first use
    late = [i["location"]["line"] for i in expected["issues"]]
    assert max(late) > results[0].issues[-1].location.line  # issues beyond chunk 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_structure_fault_falls_back(tmp_path: Path, fmt: str) -> None:
    """A chunk that cannot judge its part asks for the one-piece run; the result is equal."""
    path = with_structure_fault(write(tmp_path / f"d.{fmt}", 2000, fmt), fmt)
    results, merged = chunked(path)
    assert merged is None and any(r.fallback for r in results)
    batch, summary = validate_batch([str(path)], jobs=2, split=4)
    assert batch[0].report == check_file(str(path)).as_dict()
    assert summary.exit_code == batch[0].exit_code


@pytest.mark.parametrize("fmt", FORMATS)
def test_split_through_the_pool(tmp_path: Path, fmt: str) -> None:
    path = with_faults(write(tmp_path / f"d.{fmt}", 2000, fmt), fmt)
    batch, summary = validate_batch([str(path)], jobs=2, split=3)
    assert batch[0].report == check_file(str(path)).as_dict()
    assert summary.exit_code == 1


def test_max_errors_cap_applies_to_the_whole_file(tmp_path: Path) -> None:
    path = with_faults(write(tmp_path / "d.xml", 2000, "xml"), "xml")
    limits = DEFAULT_LIMITS.updated(max_errors=2)
    specs = split.plan_chunks(str(path), "auto", 4, limits)
    assert specs is not None
    report = split.merge(specs, [split.validate_chunk(s) for s in specs])
    assert report is not None
    assert report.as_dict() == check_file(str(path), limits=limits).as_dict()


def test_small_or_unsplittable_files_stay_whole(tmp_path: Path) -> None:
    assert split.plan_chunks(str(write(tmp_path / "d.json", 500, "json")), "auto", 4,
                             DEFAULT_LIMITS) is None  # fmt: skip
    assert split.plan_chunks(str(tmp_path / "missing.xml"), "auto", 4, DEFAULT_LIMITS) is None
    tiny = write(tmp_path / "t.ndjson", 3, "ndjson")
    assert split.plan_chunks(str(tiny), "auto", 4, DEFAULT_LIMITS) is None


@pytest.mark.parametrize(("field_id", "delta"), [("9903", 1), ("9904", -3)])
def test_ei_only_trailer_counts_over_the_whole_file(
    tmp_path: Path, field_id: str, delta: int
) -> None:
    """The comment and detail record counts of the EI sluitrecord are checked over the whole
    file (each chunk counts its own range), with the one-piece result; a right count passes."""
    from resv_edi.formats.ei.resv import resv_layout

    path = write(tmp_path / "d.ei", 2000, "ei")
    data = path.read_bytes().split(b"\r\n")
    spec = resv_layout("declaratie").layout.records["99"].by_id[field_id]
    a, b = spec.start - 1, spec.start - 1 + spec.length
    trailer = data[-2]
    data[-2] = trailer[:a] + str(int(trailer[a:b]) + delta).rjust(b - a, "0").encode() + trailer[b:]
    path.write_bytes(b"\r\n".join(data))
    expected = check_file(str(path)).as_dict()
    assert [i["code"] for i in expected["issues"]] == ["E009"]
    results, merged = chunked(path)
    assert all(r.fallback is None for r in results)
    assert merged == expected
    for rtype in ("01", "04", "98", "99"):
        in_file = sum(1 for line in data if line[:2] == rtype.encode())
        assert sum(r.records.get(rtype, 0) for r in results) == in_file, rtype


def test_ei_detail_number_out_of_order_at_a_cut(tmp_path: Path) -> None:
    """A detail number that repeats the one before a cut is found (one-piece run)."""
    from resv_edi.formats.ei.resv import resv_layout

    path = write(tmp_path / "d.ei", 1500, "ei")
    specs = split.plan_chunks(str(path), "auto", 4, DEFAULT_LIMITS)
    assert specs is not None
    data = path.read_bytes()
    f = resv_layout("declaratie").layout.records["04"].fields[1]
    cut = specs[1].start
    before = data[:cut].rstrip(b"\r\n").rsplit(b"\r\n", 1)[-1]
    number = before[f.start - 1 : f.start - 1 + f.length]
    assert data[cut : cut + 2] == b"04"
    start = cut + f.start - 1
    path.write_bytes(data[:start] + number + data[start + f.length :])
    expected = check_file(str(path)).as_dict()
    assert "E004" in {i["code"] for i in expected["issues"]}
    _, merged = chunked(path)
    assert merged is None  # the cut is judged by the one-piece run
    batch, _ = validate_batch([str(path)], jobs=1, split=4)
    assert batch[0].report == expected


def test_ei_overlong_line_falls_back(tmp_path: Path) -> None:
    """A record longer than --max-line-length is left out of the reader's counts: the
    one-piece run judges the file, so the trailer counts agree with it."""
    from resv_edi.limits import DEFAULT_LIMITS as LIMITS

    path = write(tmp_path / "d.ei", 2000, "ei")
    data = path.read_bytes().split(b"\r\n")
    data[1500] = data[1500] + b"XXXXX"
    path.write_bytes(b"\r\n".join(data))
    limits = LIMITS.updated(max_line_length=312)
    expected = check_file(str(path), limits=limits).as_dict()
    assert {"E001", "E009"} <= {i["code"] for i in expected["issues"]}
    batch, _ = validate_batch([str(path)], jobs=1, split=4, limits=limits)
    assert batch[0].report == expected
