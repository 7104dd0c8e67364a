"""``ledger`` and ``agreements`` speak the CLI vocabulary: reports on stdout, status words on
stderr, ``-q`` silences the status, ``--output-format json`` and ``--lang nl|en``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from ledger_helpers import AGREEMENTS_CSV

from resv_edi.cli.main import cli

VALID = (
    Path(__file__).resolve().parents[2] / "fixtures" / "valid" / "prestatie1_credit_correction.xml"
)


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_ledger_streams_status_words_and_languages(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    init = run("ledger", "init", "--db", db, "--lang", "nl")
    assert init.exit_code == 0 and init.stdout == "" and "grootboek schema" in init.stderr
    assert run("ledger", "init", "--db", db, "-q").stderr == ""

    added = run("ledger", "add", str(VALID), str(VALID), "--db", db, "--lang", "nl")
    assert added.exit_code == 0
    assert "added (toegevoegd, 11 regels)" in added.stdout
    assert "present (al aanwezig, 11 regels; staat al in het grootboek)" in added.stdout
    assert added.stderr.splitlines() == [f"{VALID}: written", f"{VALID}: skipped"]
    again = run("ledger", "add", str(VALID), "--db", db, "--output-format", "json", "-q")
    assert again.stderr == ""
    entry = json.loads(again.stdout)["files"][0]
    assert (entry["outcome"], entry["status"], entry["lines"]) == ("present", "skipped", 11)

    # no agreement register: G008 on every line; the issues are the report, in Dutch
    checked = run("ledger", "check", str(VALID), "--db", db, "--lang", "nl")
    assert checked.exit_code == 1
    assert checked.stdout.count(": fout G008: ") == 11
    assert checked.stderr == f"{VALID}: invalid (11 grootboekmeldingen)\n"
    english = run("ledger", "check", str(VALID), "--db", db, "--lang", "en", "-q")
    assert ": error G008: " in english.stdout and english.stderr == ""

    out = tmp_path / "e.csv"
    exported = run("ledger", "export", "--db", db, "-o", str(out), "--lang", "en")
    assert exported.stdout == "" and exported.stderr == f"{out}: written (11 lines exported)\n"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12

    shown = run("ledger", "show", "--db", db, "--lang", "nl").stdout
    assert "gedeclareerd € 304.629,00" in shown and "per jaar:" in shown
    assert "declared €304,629.00" in run("ledger", "show", "--db", db, "--lang", "en").stdout


def test_agreements_import_reports_and_refuses(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    run("ledger", "init", "--db", db, "-q")
    good = tmp_path / "agreements.csv"
    good.write_text(AGREEMENTS_CSV, encoding="utf-8")
    imported = run("agreements", "import", str(good), "--db", db, "--lang", "nl")
    assert imported.exit_code == 0
    assert imported.stdout == f"{good}: 1 overeenkomsten geïmporteerd, 0 vervangen\n"
    assert imported.stderr == f"{good}: written\n"

    bad = tmp_path / "bad.csv"
    bad.write_text(AGREEMENTS_CSV + "OVK-10,1234,7854,2027-01-01,2027-12-31,W002,9,\r\n")
    refused = run("agreements", "import", str(bad), "--db", db, "--output-format", "json")
    assert refused.exit_code == 1 and refused.stderr == f"{bad}: invalid\n"
    data = json.loads(refused.stdout)
    assert data["imported"] == 0 and data["errors"] and data["exit_code"] == 1

    schema = tmp_path / "register.schema.json"
    written = run("agreements", "schema", "-o", str(schema))
    assert written.stdout == "" and written.stderr == f"{schema}: written\n"
    assert json.loads(schema.read_text())["title"] == "RESV agreement register"
