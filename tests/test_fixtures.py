"""Every fixture in ``fixtures/`` behaves as its folder and file name say.

Valid fixtures: exit code 0, no issues, and they pass the published XSD / JSON Schemas
independently of our reader. Invalid fixtures ``<CODE>_<what>.<ext>``: the named code is
reported, with the exit code of its severity, through the API and the CLI, without a traceback.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from click.testing import CliRunner

from resv_edi.api import check_file
from resv_edi.cli.main import cli
from resv_edi.errors import Severity, UnknownFormatError
from resv_edi.formats.detect import detect_format
from resv_edi.standard.catalogue import catalogue

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
XSD = ROOT / "xsd"
VALID = sorted((FIXTURES / "valid").glob("*.*"))
INVALID = sorted((FIXTURES / "invalid").glob("*.*"))

#: codes whose issues are fatal: the file cannot be read any further (exit code 2)
FATAL_CODES = {"L001", "X001", "X002", "X003", "J001"}

#: codes that unavoidably come with the named one (the edit cannot provoke it alone)
COMPANIONS: dict[str, set[str]] = {
    # equal providers: the commissioning provider is then not the receiver either
    "R012_same_providers.xml": {"R013"},
    # every hoofdtaak, prestatiecode and werkgebied is valid 2027-2031 only: a date before 2027
    # breaks the experiment period (R006), the prestatiecode (R008) and the werkgebied (R036)
    "R020_hoofdtaak_before_experiment.xml": {"R006", "R008", "R036"},
    # UZOVI 0000 is in no register (standard 1.1: the insurer is a Zvw insurer of the register)
    "R015_uzovi_0000.xml": {"R041"},
    # no line can lie inside an inverted declaration period
    "R021_period_begin_after_end.xml": {"R007"},
    # an NDJSON line that is not read is not counted: the totals do not reconcile
    "J002_broken_line.ndjson": {"R001", "R002"},
    "J003_unknown_line_key.ndjson": {"R001", "R002"},
}

#: library bugs that these fixtures expose (strict: the test fails once the bug is fixed)
KNOWN_BUGS: dict[str, str] = {}
EXACT_BUGS: dict[str, str] = {}


def _id(path: Path) -> str:
    return path.name


def expected_code(path: Path) -> str:
    """The code a fixture is named after."""
    return path.name.split("_", 1)[0]


def expected_exit(code: str) -> int:
    """Exit code for a fixture provoking ``code`` (a warning alone leaves the file valid)."""
    if code.startswith("F") or code in FATAL_CODES:
        return 2
    return 0 if catalogue()[code].severity is Severity.WARNING else 1


def _mark(path: Path, bugs: dict[str, str]) -> Any:
    reason = bugs.get(path.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(path, id=_id(path), marks=marks)


def run_validate(*args: str) -> Any:
    """``resv-edi validate`` through click's runner."""
    return CliRunner().invoke(cli, ["validate", *args], catch_exceptions=True)


def assert_no_traceback(result: Any) -> None:
    """The command ended by ``sys.exit``, never by an uncaught exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exc_info and "".join(__import__("traceback").format_exception(*result.exc_info))
    )
    assert "Traceback" not in result.output


def test_fixture_folders_are_populated() -> None:
    """Fixtures exist: valid messages in three formats, invalid ones for every rule."""
    assert len(VALID) >= 6
    codes = {expected_code(p) for p in INVALID}
    rules = {f"R{n:03d}" for n in (*range(1, 29), *range(34, 43))} - {"R018"}
    assert rules <= codes, sorted(rules - codes)
    structural = {"X001", "X002", "X003", "X004", "X005", "S001", "S002", "S003"}
    assert structural | {"J001", "J002", "J003", "J004", "F002", "F003", "F005"} <= codes


def test_fixtures_are_up_to_date() -> None:
    """``tools/make_fixtures.py --check`` finds nothing to rewrite."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_fixtures
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert make_fixtures.main(["--check"]) == 0


# -- valid -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_valid_fixture(path: Path) -> None:
    """No issues and exit code 0, via the API and via the CLI."""
    report = check_file(path)
    assert report.issues == []
    assert int(report.exit_code) == 0
    assert report.lines >= 8
    result = run_validate(str(path))
    assert_no_traceback(result)
    assert result.exit_code == 0, result.output


@cache
def _xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD / "declaratie.xsd"))


@cache
def _json_validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((XSD / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_valid_fixture_passes_published_schema(path: Path) -> None:
    """Independent check: XSD for XML, JSON Schema for JSON and every NDJSON line."""
    if path.suffix == ".xml":
        _xsd().validate(str(path))
    elif path.suffix == ".json":
        doc = json.loads(path.read_bytes())
        errors = list(_json_validator("declaratie.schema.json").iter_errors(doc))
        assert errors == []
    else:
        validator = _json_validator("declaratie.ndjson.schema.json")
        rows = path.read_bytes().splitlines()
        assert len(rows) >= 10
        for row in rows:
            assert list(validator.iter_errors(json.loads(row))) == []


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_valid_fixture_content(path: Path) -> None:
    """The valid fixtures hold a credit, a correction and the hoofdtaken 4a and 4b."""
    text = path.read_text(encoding="utf-8")
    assert "Creditering van" in text
    assert "Correctie van" in text
    for taak in ("4a", "4b"):
        assert f"<Hoofdtaak>{taak}</Hoofdtaak>" in text or f'"Hoofdtaak":"{taak}"' in text


# -- invalid ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [_mark(p, KNOWN_BUGS) for p in INVALID])
def test_invalid_fixture(path: Path) -> None:
    """The named code appears with the right exit code, via the API and the CLI."""
    code = expected_code(path)
    report = check_file(path)
    codes = [i.code for i in report.issues]
    assert code in codes, codes
    assert int(report.exit_code) == expected_exit(code), codes

    result = run_validate("--output-format", "json", str(path))
    assert_no_traceback(result)
    assert result.exit_code == expected_exit(code), result.output
    payload = json.loads(result.stdout)
    assert code in [i["code"] for i in payload["files"][0]["issues"]]


@pytest.mark.parametrize("path", [_mark(p, {**KNOWN_BUGS, **EXACT_BUGS}) for p in INVALID])
def test_invalid_fixture_is_minimal(path: Path) -> None:
    """Besides the named code only its documented unavoidable companions appear (notes, which
    say which check could not run, are not findings: they never make a file invalid)."""
    issues = check_file(path).issues
    notes = [i for i in issues if i.severity is Severity.INFO]
    assert all(i.code.startswith("I") and not i.is_error for i in notes)
    codes = {i.code for i in issues if i.severity is not Severity.INFO}
    assert codes == {expected_code(path)} | COMPANIONS.get(path.name, set())


_SUFFIX_FORMATS = {".xml": "xml", ".json": "json", ".ndjson": "ndjson", ".asc": "ei", ".csv": "csv"}


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_fixture_content_is_in_the_format_its_name_says(path: Path) -> None:
    """A fixture named ``.json`` is JSON (and so on): each format's cases test that format.
    The two fixtures about undetectable input (F002, F003) are the exceptions."""
    if path.parent.name == "invalid" and expected_code(path) in ("F002", "F003"):
        with pytest.raises(UnknownFormatError):
            detect_format(path.read_bytes()[:65536])
        return
    assert detect_format(path.read_bytes()[:65536]) == _SUFFIX_FORMATS[path.suffix]


@pytest.mark.parametrize(
    "fmt",
    [
        "xml",
        "ndjson",
        "json",
    ],
)
def test_empty_file_with_explicit_format_is_f003(fmt: str) -> None:
    """With the format given, an empty file is reported as F003 (fatal, exit code 2)."""
    path = FIXTURES / "invalid" / "F003_empty.xml"
    report = check_file(path, fmt)
    assert [i.code for i in report.issues] == ["F003"]
    assert int(report.exit_code) == 2
