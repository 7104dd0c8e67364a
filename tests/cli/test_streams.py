"""Reports on stdout, status on stderr with the same words everywhere; --quiet silences status."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
VALID = FIXTURES / "valid" / "prestatie1_credit_correction.xml"
INVALID = FIXTURES / "invalid" / "R001_total_mismatch.xml"
EMPTY = FIXTURES / "invalid" / "F003_empty.xml"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    ("path", "word", "code"),
    [(VALID, "valid", 0), (INVALID, "invalid", 1), (EMPTY, "unreadable", 2)],
)
def test_validate_status_words(path: Path, word: str, code: int) -> None:
    result = run("validate", str(path))
    assert result.exit_code == code
    assert f"{path}: {word} (" in result.stderr
    assert (code == 0) == (result.stdout == "")  # the issues are the report, on stdout
    quiet = run("validate", "-q", str(path))
    assert quiet.stderr == "" and quiet.stdout == result.stdout


def test_convert_status_words(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    written = run("convert", str(VALID), "-o", str(out), "--to", "json")
    assert written.exit_code == 0 and f"{VALID}: written {out}" in written.stderr
    refused = run("convert", str(INVALID), "-o", str(tmp_path / "x.json"), "--to", "json")
    assert refused.exit_code == 1
    assert "R001" in refused.stdout and f"{INVALID}: invalid, not converted" in refused.stderr
    again = run("convert", str(VALID), "-o", str(out), "--to", "json", "--skip-existing")
    assert f"{VALID}: skipped" in again.stderr
    quiet = run("convert", str(INVALID), "-o", str(tmp_path / "x.json"), "--to", "json", "-q")
    assert quiet.stderr == "" and "R001" in quiet.stdout


def test_messages_in_dutch_with_euros(tmp_path: Path) -> None:
    result = run("validate", "--lang", "nl", str(INVALID))
    line = result.stdout.strip()
    assert ": fout R001: Totaalbedrag € " in line and "," in line.split("€", 1)[1]
    data = run("validate", "--lang", "nl", "--output-format", "json", str(INVALID)).stdout
    assert '"found": ' in data  # cents in machine output


def test_retour_and_report_streams(tmp_path: Path) -> None:
    retour = run("retour", str(VALID), "-o", str(tmp_path / "r.xml"))
    assert retour.exit_code == 0
    assert "11 lines, 0 rejected" in retour.stdout and retour.stderr.endswith("r.xml: written\n")
    report = run("report", str(VALID), str(VALID), "-o", str(tmp_path / "rep"))
    assert "W001" in report.stdout and "given twice and counted once" in report.stdout
    assert "written" in report.stderr


def test_generate_files_n_and_the_deprecated_format(tmp_path: Path) -> None:
    """--files N writes N distinct messages in one call; --format still works, with a notice."""
    out = tmp_path / "gen"
    result = run("generate", "--records", "5", "--files", "3", "--to", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    made = sorted(out.iterdir())
    assert [p.name for p in made] == [f"declaratie-00{i}.json" for i in (1, 2, 3)]
    assert len({p.read_bytes() for p in made}) == 3
    assert result.stdout.count("5 lines (json)") == 3 and result.stderr.count("written") == 3
    check = run("validate", "-q", str(out))
    assert check.exit_code == 0
    old = run("generate", "--records", "5", "--format", "ndjson", "-o", str(tmp_path / "o.ndjson"))
    assert old.exit_code == 0 and "deprecated; use --to" in old.stderr
    assert (tmp_path / "o.ndjson").read_bytes().count(b"\n") == 7
    clash = run("generate", "--to", "xml", "--format", "json", "-o", str(tmp_path / "c.xml"))
    assert clash.exit_code == 2
