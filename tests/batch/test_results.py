"""Batch results are frozen dataclasses: picklable, immutable, and JSON only through as_dict()."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
from batch_helpers import nth, write

from resv_edi.batch import convert_batch, validate_batch
from resv_edi.batch.payload import validation_payload
from resv_edi.batch.results import FileConversion, ValidationResult
from resv_edi.batch.summary import Summary
from resv_edi.batch.tasks import convert_file, failed_conversion, failed_validation, validate_file
from resv_edi.limits import DEFAULT_LIMITS
from resv_edi.pipeline import check_file

#: the keys of one file in ``convert --output-format json``, in their order
CONVERT_KEYS = [
    "command", "file", "output", "to", "status", "exit_code",
    "written", "lines", "errors", "seconds", "issues",
]  # fmt: skip


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    good = write(tmp_path / "good.xml", 4, "xml")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(nth(good.read_bytes(), rb"<TotaalBedrag>\d+", 0, b"<TotaalBedrag>1"))
    return good, bad


def test_validation_result_is_frozen_and_picklable(files: tuple[Path, Path]) -> None:
    good, bad = files
    for path, status in ((good, "ok"), (bad, "invalid")):
        result = validate_file(str(path), "auto", DEFAULT_LIMITS)
        assert isinstance(result, ValidationResult) and result.status == status
        assert pickle.loads(pickle.dumps(result)) == result
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.status = "ok"  # type: ignore[misc]
        assert result.as_dict() == check_file(str(path)).as_dict()
    assert result.errors == 1 and result.exit_code == 1 and result.text


def test_conversion_result_is_frozen_and_picklable(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    good, bad = files
    written = convert_file(str(good), str(tmp_path / "good.json"), "json", "auto", DEFAULT_LIMITS)
    refused = convert_file(str(bad), str(tmp_path / "bad.json"), "json", "auto", DEFAULT_LIMITS)
    crashed = failed_conversion(str(bad), OSError("worker died"), str(tmp_path / "x.json"), "json")
    for result in (written, refused, crashed):
        assert isinstance(result, FileConversion) and result.command == "convert"
        assert pickle.loads(pickle.dumps(result)) == result
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.written = True  # type: ignore[misc]
        assert list(result.as_dict()) == CONVERT_KEYS  # one key order for every outcome
    assert written.written and written.status == "ok" and written.as_dict()["issues"] == []
    assert not refused.written and refused.as_dict()["issues"][0]["code"] == "R001"
    assert crashed.exit_code == 2 and crashed.as_dict()["issues"][0]["code"] == "F001"
    assert "worker died" in crashed.as_dict()["issues"][0]["message"]


def test_failed_validation_is_an_f001_report(tmp_path: Path) -> None:
    result = failed_validation(str(tmp_path / "x.xml"), RuntimeError("boom"))
    assert result.status == "failed" and result.exit_code == 2
    assert [i["code"] for i in result.as_dict()["issues"]] == ["F001"]


def test_results_cross_the_process_pool(files: tuple[Path, Path], tmp_path: Path) -> None:
    """Two jobs: the results come back from worker processes as the same dataclasses."""
    paths = [str(p) for p in files]
    validated, summary = validate_batch(paths, jobs=2)
    assert [type(r) for r in validated] == [ValidationResult, ValidationResult]
    assert [r.status for r in validated] == ["ok", "invalid"] and summary.invalid == 1
    payload = validation_payload(validated, summary, batch=True)
    assert payload["files"] == [check_file(p).as_dict() for p in paths]
    converted, summary = convert_batch(paths, str(tmp_path / "out"), "json", jobs=2)
    assert [type(r) for r in converted] == [FileConversion, FileConversion]
    assert [r.written for r in converted] == [True, False] and summary.as_dict()["ok"] == 1


def test_summary_counts_results(files: tuple[Path, Path]) -> None:
    summary = Summary()
    for path in files:
        summary.add(validate_file(str(path), "auto", DEFAULT_LIMITS))
    assert (summary.files, summary.ok, summary.invalid, summary.lines) == (2, 1, 1, 8)
    assert summary.command == "validate" and summary.exit_code == 1
