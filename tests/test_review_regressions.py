"""Regressions for defects found in review: each test reproduces one and checks the fix."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
from click.testing import CliRunner

from resv_edi.api import check_file, convert
from resv_edi.cli.main import cli
from resv_edi.retour.reconcile import reconcile

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.xml"
VALID_NDJSON = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.ndjson"


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_report_refuses_a_retour_without_traceback(tmp_path: Path) -> None:
    retour = tmp_path / "r.xml"
    assert _run("retour", str(VALID), "-o", str(retour)).exit_code == 0
    result = _run("report", str(retour), "-o", str(tmp_path / "rep"))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2
    assert "X003" in result.output


def test_retour_with_a_bad_header_reports_the_field(tmp_path: Path) -> None:
    retour = tmp_path / "r.xml"
    _run("retour", str(VALID), "-o", str(retour), "--date", "2028-02-01")
    text = retour.read_text().replace("<Dagtekening>2028-02-01<", "<Dagtekening>2028-02-31<")
    bad = tmp_path / "bad.xml"
    bad.write_text(text)
    report = check_file(bad)
    assert [i.code for i in report.issues] == ["S002"]
    assert int(report.exit_code) == 1
    assert report.message == "Retourbericht"


def test_claim_files_validate_structurally_and_do_not_convert(tmp_path: Path) -> None:
    claims = tmp_path / "c.asc"
    assert (
        _run("generate", "--standard", "HA304", "--records", "5", "-o", str(claims)).exit_code == 0
    )
    report = check_file(claims)
    assert report.errors == 0 and report.message and report.message.startswith("HA304")
    result = convert(claims, tmp_path / "c.xml", "xml")
    assert not result.written and [i.code for i in result.issues] == ["F002"]
    assert not (tmp_path / "c.xml").exists()


def test_xml_with_totals_only_is_one_missing_header(tmp_path: Path) -> None:
    text = re.sub(r"<Header>.*?</Prestaties>\s*", "", VALID.read_text(), flags=re.S)
    path = tmp_path / "totals.xml"
    path.write_text(text)
    report = check_file(path)
    codes = [i.code for i in report.issues]
    assert codes.count("X005") == 2  # Header and Prestaties, each once
    assert len({(i.code, i.message) for i in report.issues}) == len(report.issues)
    result = convert(path, tmp_path / "out.json", "json")
    assert not result.written and "F001" not in [i.code for i in result.issues]


def test_a_repeated_header_is_reported_once(tmp_path: Path) -> None:
    text = VALID.read_text()
    header = re.search(r"  <Header>.*?</Header>\n", text, flags=re.S)
    assert header
    path = tmp_path / "twice.xml"
    path.write_text(text.replace(header.group(), header.group() * 2, 1))
    codes = [i.code for i in check_file(path).issues]
    assert codes == ["X004"]


def test_a_possible_bsn_in_a_reference_is_never_repeated(tmp_path: Path) -> None:
    lines = VALID_NDJSON.read_bytes().splitlines()
    bsn = "111222333"  # passes the 11-test
    for n in (1, 2):
        record = orjson.loads(lines[n])
        record["Prestatie"]["Referentienummer"] = f"R{bsn}"
        lines[n] = orjson.dumps(record)
    path = tmp_path / "bsn.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = _run("validate", "--output-format", "json", str(path))
    assert result.exit_code == 1
    codes = {i["code"] for i in orjson.loads(result.output)["files"][0]["issues"]}
    assert {"R042", "R003"} <= codes  # standard 1.1: in a reference a warning (point 7)
    text = _run("validate", str(path)).output
    assert bsn not in result.output and bsn not in text


def test_overlap_leaves_out_declarations_that_break_rules(tmp_path: Path) -> None:
    claims = tmp_path / "c.asc"
    _run("generate", "--standard", "HA304", "--records", "20", "-o", str(claims))
    bad = ROOT / "fixtures" / "invalid" / "R001_total_mismatch.xml"
    out = tmp_path / "o.json"
    result = _run("overlap", "--declarations", str(bad), "--claims", str(claims), "-o", str(out))
    assert result.exit_code == 1
    assert "R001" in result.output


def test_reconcile_refuses_an_invalid_retour(tmp_path: Path) -> None:
    retour = tmp_path / "r.xml"
    _run("retour", str(VALID), "-o", str(retour), "--date", "2028-02-01")
    bad = tmp_path / "bad.xml"
    bad.write_text(retour.read_text().replace("<Dagtekening>2028-02-01<", "<Dagtekening>x<"))
    result = reconcile(VALID, bad)
    assert not result.reconciled
    assert [i.code for i in result.issues] == ["S002"]
