"""Issue 15, point 3: values from files and file names are printed with their controls,
ANSI/OSC escapes, C1 controls and bidirectional overrides escaped, in text and JSON output;
file names that are not UTF-8 never crash JSON output."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.terminal import printable, printable_data

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.json"
#: what must never reach a terminal raw: C0 (but the line ends of our own output), DEL, C1,
#: bidirectional controls, line separators, lone surrogates
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
EVIL_NAME = "evil\x1b[2J\x1b]0;pwned\x07\u202etxt.json"
NOT_UTF8 = os.fsdecode(b"bad\xff\xfe.json")


def _hostile_message() -> str:
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    data["Declaratiebericht"]["Header"]["\x1b]8;;http://evil/\x07X\u202e"] = "\x9b31m"
    data["Declaratiebericht"]["Prestaties"][0]["Omschrijving"] = "a\x1b[31mred\u2066\r"
    return json.dumps(data)


def _run(*args: str) -> tuple[int, str, bytes]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stderr, result.stdout_bytes


def _clean(text: str) -> None:
    assert "Traceback" not in text
    found = RAW.search(text)
    assert found is None, (
        f"raw {found.group()!r} in {text[max(0, found.start() - 40) : found.end() + 40]!r}"
    )


@pytest.mark.parametrize(
    "text, shown",
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("\x9b\x85", "\\x9b\\x85"),
        ("x\u202ey\u2066", "x\\u202ey\\u2066"),
        (NOT_UTF8, "bad\\xff\\xfe.json"),
        ("gewoon één € ok", "gewoon één € ok"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_printable_data_escapes_keys_and_nested_values() -> None:
    assert printable_data({"a\x1b": ["\u202e", 3, {"k": "\x07"}]}) == {
        "a\\x1b": ["\\u202e", 3, {"k": "\\x07"}]
    }


@pytest.mark.parametrize("name", [EVIL_NAME, NOT_UTF8])
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_validate_output_is_escaped(tmp_path: Path, name: str, output_format: str) -> None:
    (tmp_path / name).write_text(_hostile_message(), encoding="utf-8")
    (tmp_path / "ok.json").write_bytes(SOURCE.read_bytes())
    code, err, out = _run("validate", "-j", "1", "--output-format", output_format, str(tmp_path))
    assert code == 1
    text = out.decode("utf-8")
    _clean(text)
    _clean(err)
    if output_format == "json":
        files = {f["file"] for f in json.loads(text)["files"]}
        assert str(tmp_path / printable(name)) in files
    else:
        assert printable(name) in text + err


@pytest.mark.parametrize("name", [EVIL_NAME, NOT_UTF8])
def test_convert_output_is_escaped(tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    source.write_bytes(SOURCE.read_bytes())
    target = tmp_path / (name + ".xml")
    code, err, out = _run("convert", str(source), "-o", str(target), "--to", "xml")
    assert code == 0 and target.exists()
    _clean(err)
    assert printable(name) in err
    code, err, out = _run(
        "convert", str(source), "-o", str(target), "--to", "xml", "--output-format", "json"
    )
    assert code == 0
    _clean(out.decode("utf-8"))
    assert json.loads(out)["files"][0]["file"] == str(tmp_path / printable(name))


@pytest.mark.parametrize("name", [EVIL_NAME, NOT_UTF8])
def test_report_output_is_escaped(tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    source.write_text(_hostile_message(), encoding="utf-8")
    code, err, out = _run("report", str(source), "-o", str(tmp_path / "out"))
    assert code == 1
    _clean(err)
    _clean(out.decode("utf-8"))  # the report's issues go to stdout, its status to stderr
    assert printable(name) in out.decode("utf-8") + err


def test_zip_member_names_are_escaped(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("lmx.\u202ejson", _hostile_message())
    for output_format in ("text", "json"):
        code, err, out = _run("validate", "--output-format", output_format, str(archive))
        assert code == 1
        _clean(out.decode("utf-8"))
        _clean(err)
        assert "\\u202ejson" in out.decode("utf-8") + err


def test_generate_and_lumpsum_names_are_escaped(tmp_path: Path) -> None:
    claims = tmp_path / EVIL_NAME.replace(".json", ".asc")
    code, err, _ = _run("generate", "--standard", "HA304", "--records", "5", "-o", str(claims))
    assert code == 0
    _clean(err)
    target = tmp_path / EVIL_NAME.replace(".json", ".csv")
    code, err, _ = _run(
        "lumpsum", str(claims), "--mapping", "ha304_oi", "-o", str(target), "--to", "csv"
    )
    assert code == 0, err
    _clean(err)
    assert printable(str(target)) in err
