"""One round is enough: one run reports every mistake, each once, at its element's own place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.errors import Severity
from resv_edi.pipeline import check_file
from resv_edi.reporting import text_lines

VALID = Path(__file__).resolve().parents[2] / "fixtures" / "valid"


def _edited(tmp_path: Path, *edits: tuple[str, int, str], name: str = "d.xml") -> Path:
    """The valid fixture with the n-th ``element``'s value replaced, for each edit."""
    text = (VALID / "prestatie1_credit_correction.xml").read_text(encoding="utf-8")
    for element, n, value in edits:
        found = list(re.finditer(rf"<{element}>([^<]*)</{element}>", text))[n - 1]
        text = text[: found.start(1)] + value + text[found.end(1) :]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FOUR = (
    ("Afzender", 1, "9824952"),  # 7 digits
    ("Begindatum", 2, "2027-02-30"),  # no such day
    ("Bedrag", 3, "39548o6"),  # a letter o
    ("DeclaratieperiodeEinde", 1, "2026-12-31"),  # before its begin
)


def test_a_line_that_fails_the_schema_still_counts_for_the_totals(tmp_path: Path) -> None:
    """A bad date does not hide R001: the line's amount is still summed."""
    total = re.search(
        r"<TotaalBedrag>(\d+)<", (VALID / "prestatie1_credit_correction.xml").read_text()
    )
    assert total is not None
    path = _edited(
        tmp_path, ("Begindatum", 2, "2027-02-30"), ("TotaalBedrag", 1, f"1{total.group(1)}")
    )
    codes = [i.code for i in check_file(path).issues]
    assert "S002" in codes and "R001" in codes


def test_an_unreadable_amount_says_which_check_was_skipped(tmp_path: Path) -> None:
    path = _edited(tmp_path, ("Bedrag", 3, "39548o6"))
    issues = check_file(path).issues
    notes = [i for i in issues if i.severity is Severity.INFO]
    assert "R001" not in [i.code for i in issues]
    assert any(i.params and "R001" in str(i.params["codes"]) for i in notes)
    assert all(not i.is_error for i in notes)
    assert check_file(path).errors == 1  # the note is no error


def test_an_invalid_header_does_not_hide_the_period_rules_of_the_lines(tmp_path: Path) -> None:
    """Afzender unreadable: R007 still compares each line with the declaration period."""
    path = _edited(tmp_path, ("Afzender", 1, "9824952"), ("Begindatum", 1, "2026-09-01"))
    codes = [i.code for i in check_file(path).issues]
    assert "S002" in codes and ("R006" in codes or "R007" in codes)


def test_one_cause_gives_one_finding_in_text(tmp_path: Path) -> None:
    """A line in 2026: R006, with R007/R008/R020 folded into it (kept in machine output)."""
    path = _edited(tmp_path, ("Begindatum", 2, "2026-09-01"), ("Einddatum", 2, "2026-09-30"))
    issues = check_file(path).issues
    causes = {i.code: i.cause for i in issues}
    assert causes["R006"] is None
    assert {code for code, cause in causes.items() if cause == "R006"} >= {"R008", "R020"}
    lines = text_lines(issues, "nl")
    assert len(lines) == 1 and "R006" in lines[0] and "R008" in lines[0]


def test_xml_issues_sit_at_the_element_with_a_positioned_xpath(tmp_path: Path) -> None:
    path = _edited(tmp_path, ("Prestatiecode", 3, "RESV99"))
    (r008,) = [i for i in check_file(path).issues if i.code == "R008"]
    lines = path.read_text(encoding="utf-8").splitlines()
    loc = r008.location
    assert loc.path == "/Declaratiebericht/Prestaties/Prestatie[3]/Prestatiecode"
    assert loc.line is not None and loc.column is not None
    assert lines[loc.line - 1][loc.column - 1 :].startswith("<Prestatiecode>RESV99")


def test_four_mistakes_fixed_from_one_dutch_run(tmp_path: Path) -> None:
    """The acceptance case: one run in Dutch names all four mistakes, in words, at their
    places; fixing exactly those gives a valid file."""
    path = _edited(tmp_path, *FOUR)
    result = CliRunner().invoke(cli, ["validate", "--lang", "nl", str(path)])
    assert result.exit_code == 1
    out = result.stdout
    assert "Afzender moet een AGB-code van 8 cijfers zijn; gevonden: 7 cijfers" in out
    assert "Begindatum moet een bestaande datum zijn" in out
    assert "Bedrag moet een geheel getal zijn, alleen cijfers; gevonden: '39548o6'" in out
    assert "Declaratieperiode 2027-01-01..2026-12-31 is ongeldig: begin ligt na einde" in out
    assert len([line for line in out.splitlines() if ": fout " in line]) == 4
    for line in out.splitlines():
        assert "^" not in line and "pattern" not in line
    fixed = _edited(tmp_path, name="fixed.xml")
    assert check_file(fixed).issues == []


@pytest.mark.parametrize(("env", "word"), [({"LANG": "nl_NL.UTF-8"}, "fout"), ({}, "fout")])
def test_default_language_is_the_locale_else_dutch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], word: str
) -> None:
    monkeypatch.delenv("LANG", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    path = _edited(tmp_path, *FOUR[:1])
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert f": {word} S002: " in result.stdout
    english = CliRunner().invoke(cli, ["validate", "--lang", "en", str(path)])
    assert ": error S002: Afzender must be an AGB code of 8 digits; found: 7 digits" in (
        english.stdout
    )


def test_line_rules_that_need_an_unreadable_header_field_are_noted(tmp_path: Path) -> None:
    """Dagtekening unreadable: the accepted lines are still checked; the rules comparing them
    with the Dagtekening are noted as not run (once, on the header), never a crash."""
    path = _edited(tmp_path, ("Dagtekening", 1, "2028-02-30"), ("Begindatum", 2, "2026-09-01"))
    issues = check_file(path).issues
    codes = [i.code for i in issues]
    assert "S002" in codes and "R006" in codes  # the lines' own rules ran
    notes = [i for i in issues if i.code == "I001"]
    assert notes and all(i.location.field == "Dagtekening" for i in notes)
    assert len(notes) == 1 and notes[0].cause == "S002"


def test_a_line_note_follows_its_line_so_memory_stays_flat(tmp_path: Path) -> None:
    """The I001 note of a line's unreadable field comes right after that line's own issues,
    before the next line's: the engine keeps no note per bad line until the end, so a file of
    only bad lines streams (``benchmarks/peak_rss.py validate --invalid``)."""
    path = _edited(tmp_path, ("Begindatum", 1, "2027-13-01"), ("Begindatum", 2, "2027-02-30"))
    issues = [i for i in check_file(path).issues if i.location.field == "Begindatum"]
    assert [(i.code, i.location.line) for i in issues] == [
        ("S002", issues[0].location.line),
        ("I001", issues[0].location.line),
        ("S002", issues[2].location.line),
        ("I001", issues[2].location.line),
    ]
    assert issues[0].location.line != issues[2].location.line
