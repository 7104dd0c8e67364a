"""The conformance scenarios are what tools/make_scenarios.py makes, and cover what the
kit promises: clean messages of both prestaties, every hoofdtaak, credits, corrections, every
business rule a declaration can break, message-level rejection and the VECOZO archive rules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from resv_edi.conformance.compare import snapshot
from resv_edi.conformance.scenarios import Scenario, load_scenarios
from resv_edi.model.messages import DECLARATIE, RETOUR
from resv_edi.pipeline import check_file
from resv_edi.standard.catalogue import catalogue
from resv_edi.standard.codelists import codelist

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = load_scenarios()
#: codes of the catalogue that no declaration sent to a receiver can raise, and why
NOT_FROM_A_DECLARATION = {
    "R030": "checks a Retourbericht",
    "R031": "checks a Retourbericht",
    "R032": "checks a Retourbericht",
    "R033": "checks a Retourbericht",
    "C001": "CSV is not an exchange format of the declaration",
    "C002": "CSV is not an exchange format of the declaration",
    "E008": "no field of the RESV EI layout carries a code list check",
    "E010": "the RESV trailer total is checked by R001 (scenario m05)",
    "E015": "no field of the RESV EI layout carries a pattern",
    "F001": "an operating-system error reading the file, not its content",
    "L001": "depends on the receiver's limits, not on the standard",
    "L002": "depends on the receiver's limits, not on the standard",
    **{f"M00{n}": "lump-sum mapping of claim files, not a declaration" for n in range(1, 9)},
    "I001": "a note that a check was not run, never a finding: it raises no return code",
    "W001": "the monitoring report's check of a message given twice, not a declaration's",
    "W002": "the monitoring report's check of a message given twice, not a declaration's",
    **{
        f"G00{n}": "a rule across messages: needs the receiver's ledger (tests/ledger)"
        for n in range(1, 10)
    },
}


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_scenarios", ROOT / "tools" / "make_scenarios.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_scenarios", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    """The tool, with its (slowest) part run once: what it would write."""
    module = _tool()
    wanted = module.build()
    module.build = lambda: wanted
    return module


def test_committed_scenarios_are_what_the_tool_makes(
    tool: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a change of the standard, `python tools/make_scenarios.py` brings them back."""
    assert tool.main(["--check"]) == 0, (
        "the scenarios are out of date (the standard or the retour changed): run "
        f"`python tools/make_scenarios.py` and commit conformance/\n{capsys.readouterr().err}"
    )


def test_the_tool_reports_and_repairs_a_changed_file(tool: ModuleType, tmp_path: Path) -> None:
    root = tmp_path / "scenarios"
    assert tool.main(["--root", str(root)]) == 0
    assert tool.main(["--check", "--root", str(root)]) == 0
    (root / "c01-p1-een-regel" / "retour.xml").write_bytes(b"<changed/>")
    (root / "c01-p1-een-regel" / "stray.txt").write_bytes(b"x")
    assert tool.main(["--check", "--root", str(root)]) == 1
    assert tool.main(["--root", str(root)]) == 0
    assert not (root / "c01-p1-een-regel" / "stray.txt").exists()
    assert tool.main(["--check", "--root", str(root)]) == 0


def test_there_are_at_least_30_with_both_stories() -> None:
    assert len(SCENARIOS) >= 30
    for s in SCENARIOS:
        assert s.title_nl and s.title_en and s.story_nl and s.story_en, s.id
        assert s.folder.name == s.id
        assert set(s.sides) <= {"sent", "answered"} and s.sides
        assert s.declarations and all(p.is_file() for p in s.declarations)
        assert s.expected_retour.is_file()


def _clean() -> list[Scenario]:
    return [s for s in SCENARIOS if not s.provokes and "sent" in s.sides]


def test_clean_scenarios_cover_both_prestaties_every_hoofdtaak_credits_and_corrections() -> None:
    soorten, hoofdtaken, credits, corrections = set(), set(), 0, 0
    for s in _clean():
        shot = snapshot(s.declaration(), DECLARATIE)
        soorten |= {line["Prestatiesoort"] for line in shot.lines}
        credited = [line for line in shot.lines if line["DebetCredit"] == "C"]
        credits += bool(credited)
        refs = {line["VorigReferentienummer"] for line in credited}
        # a correction: a debit of the same hoofdtaak after the credit of its original
        corrections += any(
            line["DebetCredit"] == "D" and shot.lines.index(line) > shot.lines.index(c)
            for c in credited
            for line in shot.lines
            if line["Hoofdtaak"] == c["Hoofdtaak"] and line["Referentienummer"] not in refs
        )
        for soort in ("1", "2"):
            hoofdtaken |= {
                (soort, x["Hoofdtaak"]) for x in shot.lines if x["Prestatiesoort"] == soort
            }
    assert soorten == set(codelist("prestatiesoorten").codes)
    every = set(codelist("hoofdtaken").codes)
    assert {h for s, h in hoofdtaken if s == "1"} == every
    assert {h for s, h in hoofdtaken if s == "2"} == every
    assert credits >= 2 and corrections >= 2


def test_every_code_a_declaration_can_raise_is_provoked() -> None:
    provoked = {code for s in SCENARIOS for code in s.provokes}
    assert set(catalogue()) - set(NOT_FROM_A_DECLARATION) - provoked == set()
    assert set(NOT_FROM_A_DECLARATION) <= set(catalogue())  # no stale exclusion


def test_message_rejection_and_archive_rules_are_covered() -> None:
    provoked = {code for s in SCENARIOS for code in s.provokes}
    assert {"X001", "X002", "F002", "F010", "E001"} <= provoked
    archives = [s for s in SCENARIOS if s.declaration().suffix == ".zip"]
    assert len([s for s in archives if "F010" in s.provokes]) >= 4
    for s in SCENARIOS:
        shot = snapshot(s.expected_retour, RETOUR)
        if {"X001", "X002", "F002", "F010"} & set(s.provokes):
            code = catalogue()[s.provokes[0]].return_code  # the message is rejected whole
            assert shot.header["Retourcode"] == code and not shot.lines, s.id


@pytest.mark.parametrize(
    "scenario,path",
    [pytest.param(s, p, id=f"{s.id}/{p.name}") for s in SCENARIOS for p in s.declarations],
)
def test_every_declaration_provokes_what_its_scenario_says(scenario: Scenario, path: Path) -> None:
    codes = {i.code for i in check_file(path).issues}
    assert set(scenario.provokes) <= codes
    if "sent" in scenario.sides:
        assert codes == set()


def test_expected_retours_carry_the_return_code_of_each_provoked_rule() -> None:
    for s in SCENARIOS:
        shot = snapshot(s.expected_retour, RETOUR)
        given = set(shot.header.get("Retourcode", "").split())
        for line in shot.lines:
            given |= set(line["Retourcode"].split())
        for code in s.provokes:
            assert catalogue()[code].return_code in given, (s.id, code)
