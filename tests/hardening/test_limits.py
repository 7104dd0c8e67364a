"""Every ``Limits`` setting, through its CLI option, for every reader it applies to."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.api import check_file
from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.messages import DECLARATIE

from .conftest import validate

FORMATS = ("xml", "json", "ndjson", "ei")


def write(tmp_path: Path, fmt: str, n: int = 20) -> Path:
    out = io.BytesIO()
    get_format(fmt).writer(generate_declaration(n, seed=11), out, DECLARATIE)
    target = tmp_path / f"msg.{fmt}"
    target.write_bytes(out.getvalue())
    return target


@pytest.mark.parametrize("fmt", FORMATS)
def test_valid_message_passes_the_default_limits(fmt: str, tmp_path: Path) -> None:
    assert check_file(write(tmp_path, fmt)).issues == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_max_file_size(fmt: str, tmp_path: Path) -> None:
    target = write(tmp_path, fmt)
    outcome = validate(target, "--max-file-size", str(target.stat().st_size - 1))
    assert outcome.codes == {"L001"} and outcome.exit_code == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_max_records(fmt: str, tmp_path: Path) -> None:
    outcome = validate(write(tmp_path, fmt), "--max-records", "10")
    assert "L001" in outcome.codes and outcome.exit_code == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_max_errors(fmt: str, tmp_path: Path) -> None:
    """Twenty broken lines, at most five listed, then L002 with the limit."""
    target = write(tmp_path, fmt)
    data = target.read_bytes()
    # a prestatiecode not in the code list on every line
    data = data.replace(b"RESV0", b"RESV#" if fmt == "ei" else b"XXXX0")
    target.write_bytes(data)
    outcome = validate(target, "--max-errors", "5")
    codes = [i["code"] for i in outcome.issues]
    assert len(codes) == 6 and codes[-1] == "L002", codes
    assert outcome.payload["files"][0]["errors"] >= 20


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_max_depth(fmt: str, tmp_path: Path) -> None:
    target = write(tmp_path, fmt)
    data = target.read_bytes()
    if fmt == "json":
        data = data.replace(b'"Bedrag":', b'"Bedrag":[[[[[[1]]]]]],"X":', 1)
    else:
        data = data.replace(b"<Werkgebied>", b"<Werkgebied>" + b"<a>" * 6 + b"</a>" * 6, 1)
    target.write_bytes(data)
    assert "L001" in validate(target, "--max-depth", "5").codes
    assert "L001" not in validate(target, "--max-depth", "64").codes


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_max_field_length(fmt: str, tmp_path: Path) -> None:
    """A 300-character Omschrijving: L001 under --max-field-length 200; under the default it
    reaches the model, which refuses it as too long for the field (an error, not a limit)."""
    target = write(tmp_path, fmt)
    data = target.read_bytes()
    key = b'"Omschrijving":"' if fmt == "json" else b"<Omschrijving>"
    target.write_bytes(data.replace(key, key + b"O" * 300, 1))
    assert "L001" in validate(target, "--max-field-length", "200").codes
    assert "L001" not in validate(target).codes


@pytest.mark.parametrize("fmt", ["ndjson", "ei"])
def test_max_line_length(fmt: str, tmp_path: Path) -> None:
    target = write(tmp_path, fmt)
    longest = max(len(line) for line in target.read_bytes().splitlines(keepends=True))
    outcome = validate(target, "--max-line-length", str(longest // 2))
    assert outcome.codes & {"L001", "E001"}, outcome.codes
    assert check_file(target, limits=Limits(max_line_length=longest + 1)).issues == []


def test_library_limits_match_the_cli_defaults() -> None:
    """``--help`` shows every limit with its documented default."""
    result = CliRunner().invoke(cli, ["validate", "--help"])
    d = DEFAULT_LIMITS
    for option, value in [
        ("--max-errors", d.max_errors),
        ("--max-depth", d.max_depth),
        ("--max-file-size", d.max_file_size),
        ("--max-records", d.max_records),
        ("--max-field-length", d.max_field_length),
        ("--max-line-length", d.max_line_length),
    ]:
        assert option in result.output
        assert f"default: {value}" in re.sub(r"\s+", " ", result.output)


def test_limits_are_overridable_in_the_library(tmp_path: Path) -> None:
    target = write(tmp_path, "json")
    report = check_file(target, limits=DEFAULT_LIMITS.updated(max_records=3))
    assert "L001" in {i.code for i in report.issues}


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("fmt", FORMATS)
def test_endless_input_stops_at_the_file_size_limit(fmt: str) -> None:
    """A device or pipe has no size to check up front: it is counted while it is read (before
    this, ``validate --format ei /dev/zero`` never ended)."""
    outcome = validate(Path("/dev/zero"), "--format", fmt, "--max-file-size", "5000000")
    assert outcome.exit_code == 2
    assert outcome.codes & {"L001", "F004"}, outcome.codes
