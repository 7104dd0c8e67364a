"""The ``resv-edi`` command: generate, convert, schema, validate, help texts and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from resv_edi.cli.main import cli
from resv_edi.cli.schema import XSD_FILES, json_schema_files
from resv_edi.standard.paths import xsd_dir

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "fixtures" / "invalid"


def run(*args: str) -> Result:
    """Invoke the CLI; uncaught exceptions become a test failure with their traceback."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught exception for {args}") from result.exception
    return result


def issues_of(result: Result) -> list[dict[str, Any]]:
    """The issues of the first file of ``validate --output-format json``."""
    return json.loads(result.stdout)["files"][0]["issues"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 25-line prestatie-1 message in XML."""
    target = tmp_path_factory.mktemp("gen") / "msg.xml"
    result = run("generate", "--records", "25", "--to", "xml", "-o", str(target), "--seed", "3")
    assert result.exit_code == 0, result.output
    return target


# -- generate --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json", "ndjson"])
@pytest.mark.parametrize("soort", ["1", "2"])
def test_generate_writes_a_valid_message(tmp_path: Path, fmt: str, soort: str) -> None:
    """generate -> validate gives exit code 0 and the requested number of lines."""
    target = tmp_path / f"out.{fmt}"
    result = run(
        "generate", "--records", "12", "--to", fmt, "-o", str(target),
        "--seed", "9", "--prestatiesoort", soort,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{target}: 12 lines ({fmt})" in result.stdout  # a human summary, never a dict
    assert result.stderr == f"{target}: written\n"
    check = run("validate", "--output-format", "json", str(target))
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)["files"][0]
    assert report["lines"] == 12 and report["format"] == fmt and report["status"] == "valid"


def test_generate_is_deterministic(tmp_path: Path) -> None:
    """The same seed gives the same bytes; another seed other bytes."""
    paths = [tmp_path / f"{i}.xml" for i in range(3)]
    for path, seed in zip(paths, ("1", "1", "2"), strict=True):
        assert run("generate", "--records", "5", "-o", str(path), "--seed", seed).exit_code == 0
    assert paths[0].read_bytes() == paths[1].read_bytes() != paths[2].read_bytes()


def test_generate_refuses_zero_records(tmp_path: Path) -> None:
    """--records 0 is a usage error (exit code 2) and writes nothing."""
    result = run("generate", "--records", "0", "-o", str(tmp_path / "x.xml"))
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


# -- convert ---------------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["json", "ndjson", "xml"])
def test_convert_success(generated: Path, tmp_path: Path, to: str) -> None:
    """A valid message converts, and the output validates with the same line count."""
    target = tmp_path / f"out.{to}"
    result = run("convert", str(generated), "--to", to, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "25 lines" in result.stderr
    check = run("validate", "--output-format", "json", str(target))
    assert check.exit_code == 0
    assert json.loads(check.stdout)["files"][0]["lines"] == 25


@pytest.mark.parametrize(
    ("fixture", "exit_code"),
    [("R001_total_mismatch.xml", 1), ("S002_bedrag_not_digits.xml", 1), ("X001_truncated.xml", 2)],
)
def test_convert_failure_leaves_nothing(tmp_path: Path, fixture: str, exit_code: int) -> None:
    """A failed conversion leaves no output file and no ``*.part`` file behind."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "result.json"
    result = run("convert", str(INVALID / fixture), "--to", "json", "-o", str(target))
    assert result.exit_code == exit_code, result.output
    assert "not converted" in result.stderr
    assert list(out_dir.iterdir()) == []


def test_convert_failure_keeps_existing_target(tmp_path: Path) -> None:
    """A failed conversion does not touch a file already at the target."""
    target = tmp_path / "result.json"
    target.write_bytes(b"previous")
    result = run(
        "convert", str(INVALID / "R001_total_mismatch.xml"), "--to", "json", "-o", str(target)
    )
    assert result.exit_code == 1
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_convert_unknown_source(tmp_path: Path) -> None:
    """A missing source is exit code 2 and writes nothing."""
    result = run(
        "convert", str(tmp_path / "nope.xml"), "--to", "json", "-o", str(tmp_path / "o.json")
    )
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


# -- schema ----------------------------------------------------------------------------------


def test_schema_xsd_to_dir(tmp_path: Path) -> None:
    """--type xsd -o DIR writes the three XSDs unchanged."""
    result = run("schema", "--type", "xsd", "-o", str(tmp_path / "x"))
    assert result.exit_code == 0, result.output
    for name in XSD_FILES:
        assert (tmp_path / "x" / name).read_bytes() == (xsd_dir() / name).read_bytes()


def test_schema_json_to_dir(tmp_path: Path) -> None:
    """--type json -o DIR writes the generated schemas; they equal the shipped ones."""
    result = run("schema", "--type", "json", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert written == json_schema_files()
    for name, content in written.items():
        assert (ROOT / "xsd" / name).read_bytes() == content
        assert json.loads(content)["$schema"].endswith("2020-12/schema")


def test_schema_to_stdout() -> None:
    """Without -o the declaratie schema goes to stdout."""
    xsd = run("schema")
    assert xsd.exit_code == 0 and "<xs:schema" in xsd.stdout
    js = run("schema", "--type", "json")
    assert js.exit_code == 0 and "Declaratiebericht" in json.loads(js.stdout)["properties"]


# -- validate --------------------------------------------------------------------------------


def test_validate_json_output(generated: Path) -> None:
    """--output-format json is one parsable document with per-file reports."""
    bad = INVALID / "R003_duplicate_reference.xml"
    result = run("validate", "--output-format", "json", str(generated), str(bad))
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["exit_code"] == 1
    good, wrong = payload["files"]
    assert good["status"] == "valid" and good["issues"] == [] and good["lines"] == 25
    assert wrong["status"] == "invalid" and wrong["errors"] >= 1
    issue = wrong["issues"][0]
    assert issue["code"] == "R003"
    assert issue["severity"] == "error" and issue["return_code"] == "7501"
    assert issue["location"]["file"] == str(bad) and issue["location"]["line"] > 0


def test_validate_text_output(generated: Path) -> None:
    """Text output names the code and the file; the summary goes to stderr."""
    result = run("validate", str(INVALID / "R005_begin_after_end.xml"))
    assert result.exit_code == 1
    assert "R005" in result.stdout
    assert "invalid" in result.stderr
    ok = run("validate", str(generated))
    assert ok.exit_code == 0 and ok.stdout == "" and "valid" in ok.stderr


def test_validate_max_errors(tmp_path: Path) -> None:
    """--max-errors 1 lists one issue and then the L002 warning."""
    result = run(
        "validate", "--output-format", "json", "--max-errors", "1",
        str(INVALID / "R015_uzovi_0000.xml"),
    )  # fmt: skip
    assert result.exit_code == 1
    report = json.loads(result.stdout)["files"][0]
    codes = [i["code"] for i in report["issues"]]
    assert codes == ["R015", "L002"]
    assert report["errors"] > 1


def test_validate_several_files_exit_code(generated: Path) -> None:
    """Valid + invalid + unreadable files: exit code 1 (files were read); the unreadable
    file alone: 2 (nothing was checked)."""
    result = run(
        "validate", str(generated), str(INVALID / "R001_total_mismatch.xml"),
        str(INVALID / "X001_truncated.xml"),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "R001" in result.output and "X001" in result.output
    assert run("validate", str(INVALID / "X001_truncated.xml")).exit_code == 2


def test_validate_unknown_file(tmp_path: Path) -> None:
    """A file that does not exist: exit code 2 with F001."""
    result = run("validate", "--output-format", "json", str(tmp_path / "missing.xml"))
    assert result.exit_code == 2
    assert [i["code"] for i in issues_of(result)] == ["F001"]


def test_validate_explicit_format_mismatch() -> None:
    """An XML file read as JSON is refused with a fatal JSON issue, no traceback."""
    result = run("validate", "--format", "json", str(INVALID / "R001_total_mismatch.xml"))
    assert result.exit_code == 2


def test_usage_errors() -> None:
    """Unknown options, commands and choices are exit code 2."""
    assert run("validate").exit_code == 2
    assert run("validate", "--output-format", "yaml", "x").exit_code == 2
    assert run("nosuchcommand").exit_code == 2


# -- help ------------------------------------------------------------------------------------


CORE_COMMANDS = ("validate", "convert", "schema", "generate")


def test_core_commands_are_listed() -> None:
    """The group lists at least the four core subcommands."""
    assert set(CORE_COMMANDS) <= set(cli.list_commands(click.Context(cli)))


@pytest.mark.parametrize(
    "command", [[], *([name] for name in cli.list_commands(click.Context(cli)))], ids=str
)
def test_help(command: list[str]) -> None:
    """--help of the group and of every subcommand exits 0 with a usage line."""
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage:")


def test_version() -> None:
    """--version names the program."""
    result = run("--version")
    assert result.exit_code == 0 and "resv-edi" in result.stdout


@pytest.mark.parametrize(("standard", "version"), [("AP304", "7.2"), ("AW319", "1.3")])
def test_generate_any_layout_version(tmp_path: Path, standard: str, version: str) -> None:
    """Every layout in mappings/ei can be generated, older versions too."""
    from resv_edi.formats.ei.inspect import inspect_file

    target = tmp_path / "c.asc"
    result = run("generate", "--standard", standard, "--standard-version", version,
                 "--records", "5", "-o", str(target))  # fmt: skip
    assert result.exit_code == 0, result.output
    info = inspect_file(target)
    assert (info["standard"], info["version"]) == (standard, version), info


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--standard", "RESV901"], "--to ei"),
        (["--standard", "HA304", "--standard-version", "9.9"], "no EI layout for HA304 9.9"),
        (["--standard-version", "1.0"], "goes with --standard"),
    ],
)
def test_generate_refuses_clearly(tmp_path: Path, args: list[str], says: str) -> None:
    result = run("generate", *args, "-o", str(tmp_path / "x.asc"))
    assert result.exit_code == 2 and says in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.asc").exists()


def test_validate_counts_the_lines_of_a_claim_file(tmp_path: Path) -> None:
    """A claim file's lines are its service records, as `inspect` counts them."""
    target = tmp_path / "pm.asc"
    made = run("generate", "--standard", "PM304", "--records", "17", "-o", str(target))
    assert made.exit_code == 0, made.output
    result = run("validate", "--output-format", "json", str(target))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"][0]["lines"] == 17
