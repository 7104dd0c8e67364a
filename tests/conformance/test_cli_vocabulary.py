"""``conformance`` and ``release`` speak the CLI vocabulary: ``-o/--output`` (old spellings
hidden and deprecated), reports on stdout, status words on stderr, ``-q``, ``--output-format
json`` and ``--lang``."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner, Result

from resv_edi.cli.main import cli


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_conformance_export_and_check_answered(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios"
    exported = run("conformance", "export", "-o", str(scenarios), "--lang", "en")
    assert exported.exit_code == 0 and exported.stdout == ""
    assert (
        exported.stderr.startswith(f"{scenarios}: written (") and "scenarios to" in exported.stderr
    )
    old = run("conformance", "export", "--output-dir", str(tmp_path / "again"), "-q")
    assert old.exit_code == 0 and "--output-dir is deprecated; use -o/--output" in old.stderr
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == sorted(
        p.name for p in scenarios.iterdir()
    )

    answers, reports = tmp_path / "answers", tmp_path / "reports"
    answers.mkdir()
    for folder in sorted(scenarios.iterdir()):
        shutil.copyfile(folder / "retour.xml", answers / f"{folder.name}.xml")
    args = ["conformance", "check-answered", str(answers)]
    passed = run(*args, "--report-dir", str(reports), "--output-format", "json", "--lang", "nl")
    assert passed.exit_code == 0
    data = json.loads(passed.stdout)
    assert data["passed"] is True and data["exit_code"] == 0
    assert data["reports"] == [
        str(reports / "check-answered.json"),
        str(reports / "check-answered.html"),
    ]
    assert "--report-dir is verouderd; gebruik -o/--output" in passed.stderr
    assert f"{answers}: valid (check-answered: " in passed.stderr
    assert f"{reports / 'check-answered.html'}: written" in passed.stderr

    first = sorted(answers.iterdir())[0]
    first.unlink()
    missing = run(*args, "-o", str(reports), "--lang", "en")
    assert missing.exit_code == 1
    assert missing.stdout == f"{first.stem}: ontbreekt / missing\n"  # as in the reports
    assert f"{answers}: invalid (" in missing.stderr
    quiet = run(*args, "-o", str(reports), "-q")
    assert quiet.exit_code == 1 and quiet.stderr == "" and quiet.stdout == missing.stdout


def test_release_output_verify_and_the_old_option(tmp_path: Path) -> None:
    made = run("release", "-o", str(tmp_path / "a"), "--lang", "en")
    assert made.exit_code == 0
    bundle = Path(made.stdout.strip())
    assert bundle.is_file() and made.stderr == f"{bundle}: written\n"
    old = run("release", "--output-dir", str(tmp_path / "b"), "--output-format", "json")
    assert json.loads(old.stdout) == {
        "bundle": str(tmp_path / "b" / bundle.name),
        "status": "written",
    }
    assert "--output-dir is deprecated" in old.stderr
    assert (tmp_path / "b" / bundle.name).read_bytes() == bundle.read_bytes()

    ok = run("release", "--verify", str(bundle), "--output-format", "json", "--lang", "nl")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["status"] == "valid"
    assert ok.stderr == f"{bundle}: valid (in orde)\n"
    with zipfile.ZipFile(bundle, "a") as archive:
        archive.writestr(f"{bundle.stem}/extra.txt", b"x")
    differs = run("release", "--verify", str(bundle), "--lang", "en")
    assert differs.exit_code == 1
    assert differs.stdout == f"{bundle}: extra.txt: not in the manifest\n"
    assert differs.stderr == f"{bundle}: invalid (differs from its manifest)\n"
    assert run("release", "--verify", str(bundle), "-q").stderr == ""
    usage = run("release", "--lang", "nl")
    assert usage.exit_code == 2 and "geef -o MAP of --verify BUNDEL" in usage.stderr
