"""check-sent and check-answered: resv-edi's own output passes; one changed code, amount or
hoofdtaak fails exactly its scenario, with a difference that names it; reports and exit codes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.conformance.compare import Difference
from resv_edi.conformance.kit import KitReport, check_answered, check_sent
from resv_edi.conformance.report import render_html
from resv_edi.conformance.scenarios import Scenario, export_scenarios, load_scenarios
from resv_edi.formats.registry import get_format
from resv_edi.model.messages import RETOUR
from resv_edi.retour.answer import answer_records
from resv_edi.standard.catalogue import catalogue

SCENARIOS = load_scenarios()
SUFFIXES = (".xml", ".json", ".ndjson", ".asc", ".zip")


def _answer_all(folder: Path, suffix: str, to: str = "xml", skip: tuple[str, ...] = ()) -> int:
    """resv-edi's retour to every scenario declaration with ``suffix``, as a vendor would
    hand it over (``<id>.<ext>``); the number of answers."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for s in SCENARIOS:
        for decl in s.declarations:
            if decl.suffix == suffix and s.id not in skip:
                with open(folder / f"{s.id}{get_format(to).suffix}", "wb") as out:
                    get_format(to).writer(answer_records(decl), out, RETOUR)
                n += 1
    return n


def _code(rule: str) -> str:
    """The return code ``rule`` raises (the catalogue decides, not this test)."""
    return catalogue()[rule].return_code


def _failed(report: KitReport) -> dict[str, list[Difference]]:
    return {
        r.scenario.id: [d for f in r.files for d in f.differences]
        for r in report.results
        if r.status != "pass" and r.status != "skipped"
    }


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_resv_edis_own_retours_pass_check_answered(tmp_path: Path, suffix: str) -> None:
    n = _answer_all(tmp_path, suffix)
    report = check_answered(tmp_path, skip_missing=True)
    assert report.passed, _failed(report)
    assert report.count("pass") == n > 0


def test_own_retours_in_ei_and_ndjson_pass_too(tmp_path: Path) -> None:
    # the amount of R017 is too wide for the EI form by design: its retour cannot be EI either
    _answer_all(tmp_path / "ei", ".xml", to="ei", skip=("r017-bedrag-te-breed",))
    _answer_all(tmp_path / "nd", ".xml", to="ndjson")
    for sub in ("ei", "nd"):
        report = check_answered(tmp_path / sub, skip_missing=True)
        assert report.passed, _failed(report)


def _mutated_scenarios(tmp_path: Path, sid: str, old: str, new: str) -> list[Scenario]:
    """A copy of the scenarios with ``old`` replaced by ``new`` once in one expected retour."""
    root = tmp_path / "scenarios"
    export_scenarios(root)
    path = root / sid / "retour.xml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_scenarios(root)


def test_one_changed_expected_code_fails_exactly_that_scenario(tmp_path: Path) -> None:
    _answer_all(tmp_path / "answers", ".xml")
    sid = "r014-agb-ongeldig"
    code, other = _code("R014"), _code("R015")
    scenarios = _mutated_scenarios(
        tmp_path, sid, f"<Retourcode>{code}</Retourcode>", f"<Retourcode>{other}</Retourcode>"
    )
    report = check_answered(tmp_path / "answers", scenarios=scenarios, skip_missing=True)
    assert _failed(report) == {sid: [Difference("header", "Retourcode", other, code)]}


def test_one_changed_expected_amount_fails_exactly_that_scenario(tmp_path: Path) -> None:
    _answer_all(tmp_path / "answers", ".xml")
    sid = "c02-p1-alle-hoofdtaken"
    scenarios = _mutated_scenarios(
        tmp_path, sid, "<ToegekendBedrag>500000<", "<ToegekendBedrag>499999<"
    )
    report = check_answered(tmp_path / "answers", scenarios=scenarios, skip_missing=True)
    assert _failed(report) == {
        sid: [Difference("line K002-0002", "ToegekendBedrag", "499999", "500000")]
    }


def test_a_vendor_retour_with_a_wrong_line_code_fails_that_scenario(tmp_path: Path) -> None:
    _answer_all(tmp_path, ".xml")
    path = tmp_path / "r005-begin-na-einde.xml"
    code, other = _code("R005"), _code("R006")
    path.write_text(path.read_text().replace(f">{code}<", f">{other}<"), encoding="utf-8")
    report = check_answered(tmp_path, skip_missing=True)
    assert _failed(report) == {
        "r005-begin-na-einde": [Difference("line K105-0001", "Retourcode", code, other)]
    }


def _sent_folder(folder: Path, suffix: str = ".xml") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for s in SCENARIOS:
        if "sent" in s.sides:
            shutil.copyfile(s.declaration(suffix), folder / f"{s.id}{suffix}")


@pytest.mark.parametrize("suffix", (".xml", ".json", ".ndjson", ".asc"))
def test_the_scenarios_own_declarations_pass_check_sent(tmp_path: Path, suffix: str) -> None:
    _sent_folder(tmp_path, suffix)
    report = check_sent(tmp_path)
    assert report.passed, _failed(report)
    assert report.count("pass") == sum("sent" in s.sides for s in SCENARIOS)


def test_check_sent_names_a_changed_hoofdtaak_and_amount(tmp_path: Path) -> None:
    _sent_folder(tmp_path)
    path = tmp_path / "c02-p1-alle-hoofdtaken.xml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("<Hoofdtaak>3</Hoofdtaak>", "<Hoofdtaak>5</Hoofdtaak>", 1)
    text = text.replace("<Bedrag>250000</Bedrag>", "<Bedrag>250001</Bedrag>", 1)
    text = text.replace("<TotaalBedrag>7000000<", "<TotaalBedrag>7000001<", 1)
    path.write_text(text, encoding="utf-8")
    report = check_sent(tmp_path)
    assert _failed(report) == {
        "c02-p1-alle-hoofdtaken": [
            Difference("line K002-0001", "Bedrag", "250000", "250001"),
            Difference("line K002-0003", "Hoofdtaak", "3", "5"),
            Difference("totals", "TotaalBedrag", "7000000", "7000001"),
        ]
    }


def test_check_sent_reports_validation_errors_and_missing_files(tmp_path: Path) -> None:
    _sent_folder(tmp_path)
    (tmp_path / "c03-p2-alle-hoofdtaken.xml").unlink()
    shutil.copyfile(
        next(s for s in SCENARIOS if s.id == "r001-totaal").declaration(),
        tmp_path / "c01-p1-een-regel.xml",
    )
    (tmp_path / "notes.txt").write_text("not a scenario")
    report = check_sent(tmp_path)
    status = {r.scenario.id: r.status for r in report.results}
    assert status["c03-p2-alle-hoofdtaken"] == "missing"
    assert status["c01-p1-een-regel"] == "fail"
    assert [s for s, v in status.items() if v != "pass"] == [
        "c01-p1-een-regel",
        "c03-p2-alle-hoofdtaken",
    ]
    c01 = next(r for r in report.results if r.scenario.id == "c01-p1-een-regel")
    assert "R001" in {i.code for i in c01.files[0].issues}
    assert report.unknown_files == ["notes.txt"]
    only = check_sent(tmp_path, only=["c03-p2-alle-hoofdtaken"], skip_missing=True)
    assert only.passed and only.unknown_files == ["notes.txt"]


def test_the_html_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    _sent_folder(tmp_path)
    (tmp_path / "c01-p1-een-regel.xml").write_text("<x>&</x>")
    html = render_html(check_sent(tmp_path))
    assert "<script" not in html and "http" not in html.replace('lang="nl"', "")
    assert "c01-p1-een-regel" in html and "afgekeurd / failed" in html
    assert "<x>" not in html


def _invoke(*args: str) -> object:
    return CliRunner().invoke(cli, ["conformance", *args], catch_exceptions=False)


def test_cli_exit_codes_and_reports(tmp_path: Path) -> None:
    answers, reports = tmp_path / "answers", tmp_path / "reports"
    _answer_all(answers, ".xml")
    ok = _invoke("check-answered", str(answers), "--skip-missing", "-o", str(reports))
    assert ok.exit_code == 0, ok.output
    data = json.loads((reports / "check-answered.json").read_text())
    assert data["passed"] is True and data["counts"]["fail"] == 0
    assert data["counts"]["pass"] + data["counts"]["skipped"] == len(SCENARIOS)
    assert (reports / "check-answered.html").read_text().startswith("<!DOCTYPE html>")
    # without --skip-missing the scenarios answered only as zip are missing: exit 1
    partial = _invoke("check-answered", str(answers), "-o", str(reports))
    assert partial.exit_code == 1
    assert re.search(r"v02-zip-te-veel-bestanden: ontbreekt / missing", partial.output)
    assert json.loads((reports / "check-answered.json").read_text())["passed"] is False
    assert _invoke("check-sent", str(tmp_path / "nope"), "-o", str(reports)).exit_code == 2
    unknown = _invoke("check-sent", str(answers), "--scenario", "x99", "-o", str(reports))
    assert unknown.exit_code == 2


def test_cli_export_writes_every_scenario(tmp_path: Path) -> None:
    result = _invoke("export", "-o", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [s.id for s in SCENARIOS]
    assert load_scenarios(tmp_path)[0].expected_retour.read_bytes() == (
        SCENARIOS[0].expected_retour.read_bytes()
    )


def test_a_claim_file_is_refused_without_its_patient_data_in_the_report(tmp_path: Path) -> None:
    from resv_edi.generate.claims import generate_claims

    vendor, reports = tmp_path / "vendor", tmp_path / "reports"
    vendor.mkdir()
    claim = vendor / "c01-p1-een-regel.asc"
    with open(claim, "wb") as out:
        generate_claims("HA304", 5, out, seed=7)
    result = _invoke(
        "check-sent", str(vendor), "--scenario", "c01-p1-een-regel", "-o", str(reports)
    )
    assert result.exit_code == 1
    data = json.loads((reports / "check-sent.json").read_text())
    found = data["scenarios"][0]["files"][0]
    assert [i["code"] for i in found["issues"]] == ["F002"] and found["differences"] == []
    # no value of the claim file (patients' BSN, names, dates of birth) reaches any report
    text = result.output + (reports / "check-sent.html").read_text()
    text += (reports / "check-sent.json").read_text()
    values = {
        v for line in claim.read_text("latin-1").splitlines() for v in line.split() if len(v) >= 6
    }
    assert not {v for v in values if v in text} - {"HA304"}


def test_scenarios_of_another_standard_version_are_a_usage_error(tmp_path: Path) -> None:
    root = tmp_path / "scenarios"
    export_scenarios(root)
    toml = root / "c01-p1-een-regel" / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r'standard_version = ".*"', 'standard_version = "0.9.0"', text))
    args = ["check-answered", str(tmp_path), "--scenarios", str(root), "-o", str(tmp_path / "r")]
    result = _invoke(*args)
    assert result.exit_code == 2 and "0.9.0" in result.output


def test_an_unwritable_report_folder_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(
        cli, ["conformance", "check-sent", str(tmp_path), "-o", str(blocker / "reports")]
    )
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
