"""Files of release 1.0 are recognised and refused naming their version (F005); in JSON and
NDJSON a number with a fraction or an exponent in an integer field is an error at that field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.api import check_file
from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.declaratie import Header
from resv_edi.model.messages import DECLARATIE
from resv_edi.standard.catalogue import text

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = {"xml": "xml", "json": "json", "ndjson": "ndjson", "ei": "asc", "csv": "csv"}


def _release_1_0(tmp_path: Path, fmt: str, *, namespace: bool = True) -> Path:
    records = list(generate_declaration(30, seed=4))
    header = records[0]
    assert isinstance(header, Header)
    records[0] = header.model_copy(update={"bericht_subversie": 0, "xsd_versie": "1.0.0"})
    path = tmp_path / f"old.{SUFFIX[fmt]}"
    with path.open("wb") as out:
        get_format(fmt).writer(records, out, DECLARATIE)
    if fmt == "xml" and namespace:
        data = path.read_bytes().replace(b"declaratie:1.1", b"declaratie:1.0", 1)
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", ("xml", "json", "ndjson", "ei", "csv"))
def test_a_file_of_release_1_0_gets_one_clear_error(tmp_path: Path, fmt: str) -> None:
    path = _release_1_0(tmp_path, fmt)
    report = check_file(path)
    assert [i.code for i in report.issues] == ["F005"], report.issues
    message = report.issues[0].message
    assert "version 1.0" in message and "Supported version(s): 1.1" in message
    assert int(report.exit_code) == 2
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2 and "F005" in result.output and "Traceback" not in result.output
    assert "versie 1.0" in text("F005", "nl", found="1.0", supported="1.1")


def test_an_xml_file_of_1_0_is_known_by_its_header_too(tmp_path: Path) -> None:
    """Namespace 1.1 but XsdVersie 1.0.0 and BerichtSubversie 0: still F005."""
    path = _release_1_0(tmp_path, "xml", namespace=False)
    assert [i.code for i in check_file(path).issues] == ["F005"]


def test_another_xsd_version_is_still_r027(tmp_path: Path) -> None:
    records = list(generate_declaration(3, seed=4))
    header = records[0]
    assert isinstance(header, Header)
    records[0] = header.model_copy(update={"xsd_versie": "1.2.0"})
    path = tmp_path / "m.json"
    with path.open("wb") as out:
        get_format("json").writer(records, out, DECLARATIE)
    assert [i.code for i in check_file(path).issues] == ["R027"]


# -- integers are integers -------------------------------------------------------------------


def _json_doc(tmp_path: Path) -> dict:
    path = tmp_path / "m.json"
    with path.open("wb") as out:
        get_format("json").writer(list(generate_declaration(3, seed=4)), out, DECLARATIE)
    return json.loads(path.read_bytes())


@pytest.mark.parametrize("written", ("950000.0", "6.0", "9.5e5", "1E3", "950000.00", "1e0"))
@pytest.mark.parametrize("key", ("Bedrag", "BtwBedrag"))
def test_json_amount_with_fraction_or_exponent_is_refused(
    tmp_path: Path, written: str, key: str
) -> None:
    doc = _json_doc(tmp_path)
    doc["Declaratiebericht"]["Prestaties"][1][key] = 123  # a marker, replaced as text below
    text = json.dumps(doc).replace(f'"{key}": 123', f'"{key}": {written}', 1)
    path = tmp_path / "f.json"
    path.write_text(text)
    issues = check_file(path).issues
    s002 = [i for i in issues if i.code == "S002"]
    assert len(s002) == 1, issues
    assert s002[0].location.field == key
    assert s002[0].location.path == f"/Declaratiebericht/Prestaties/1/{key}"
    assert "fraction or exponent" in s002[0].message
    assert "R001" not in [i.code for i in issues]  # the refused line is not counted as a number


@pytest.mark.parametrize(
    ("line", "key", "written"),
    [(0, "BerichtVersie", "1.0"), (2, "Bedrag", "2.5e4"), (-1, "AantalPrestaties", "3.0")],
)
def test_ndjson_integer_with_fraction_or_exponent_is_refused(
    tmp_path: Path, line: int, key: str, written: str
) -> None:
    path = tmp_path / "m.ndjson"
    with path.open("wb") as out:
        get_format("ndjson").writer(list(generate_declaration(3, seed=4)), out, DECLARATIE)
    rows = path.read_text().splitlines()
    row = rows[line]
    start = row.index(f'"{key}":') + len(key) + 3
    end = start
    while row[end].isdigit():
        end += 1
    rows[line] = row[:start] + written + row[end:]
    path.write_text("\n".join(rows) + "\n")
    issues = check_file(path).issues
    assert [(i.code, i.location.field) for i in issues if i.code == "S002"] == [("S002", key)]
    number = line if line >= 0 else len(rows) + line
    assert [i.location.line for i in issues if i.code == "S002"] == [number + 1]


def test_whole_json_integers_are_still_read(tmp_path: Path) -> None:
    doc = _json_doc(tmp_path)
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(doc))
    assert check_file(path).issues == []
