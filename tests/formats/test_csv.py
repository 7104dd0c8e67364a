"""The CSV form: lossless for both messages, and bad rows give coded, positioned issues."""

from __future__ import annotations

from pathlib import Path

import pytest

from resv_edi.api import check_file, convert, read
from resv_edi.formats.csv.codec import columns
from resv_edi.model.messages import DECLARATIE, Entry

ROOT = Path(__file__).resolve().parents[2]
VALID = sorted((ROOT / "fixtures" / "valid").glob("*.xml"))


@pytest.mark.parametrize("source", VALID, ids=lambda p: p.name)
def test_xml_csv_xml_is_lossless(tmp_path: Path, source: Path) -> None:
    table = tmp_path / "m.csv"
    assert convert(source, table, "csv").written
    assert check_file(table).errors == 0
    back = tmp_path / "back.xml"
    assert convert(table, back, "xml").written
    assert back.read_bytes() == source.read_bytes()


def test_retour_as_csv(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from resv_edi.cli.main import cli

    table = tmp_path / "r.csv"
    result = CliRunner().invoke(cli, ["retour", str(VALID[0]), "-o", str(table), "--to", "csv"])
    assert result.exit_code == 0, result.output
    report = check_file(table)
    assert report.errors == 0 and report.message == "Retourbericht"


def _table(tmp_path: Path) -> list[str]:
    table = tmp_path / "m.csv"
    assert convert(VALID[0], table, "csv").written
    return table.read_text().splitlines()


def test_bad_rows_are_reported_with_their_line(tmp_path: Path) -> None:
    rows = _table(tmp_path)
    rows[2] = rows[2] + ",extra"  # a cell too many
    rows[3] = "Regel" + rows[3][len("Prestatie") :]  # unknown record
    rows[4] = rows[4].replace(",D,", ",X,", 1)  # a bad DebetCredit
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n")
    found = [(i.code, i.location.line) for i in check_file(path).issues]
    assert ("C002", 3) in found and ("C002", 4) in found
    assert ("S002", 5) in found


def test_a_wrong_column_row_is_refused(tmp_path: Path) -> None:
    rows = _table(tmp_path)
    rows[0] = rows[0].replace("Bedrag", "Amount", 1)
    path = tmp_path / "cols.csv"
    path.write_text("\n".join(rows) + "\n")
    report = check_file(path, "csv")
    assert [i.code for i in report.issues] == ["C001"]
    assert int(report.exit_code) == 2


def test_columns_hold_every_element_once() -> None:
    names = columns(DECLARATIE)
    assert len(names) == len(set(names))
    for part in ("header", "line", "totals"):
        assert set(DECLARATIE.record_class(part).element_names) <= set(names)


def test_detected_from_content(tmp_path: Path) -> None:
    rows = _table(tmp_path)
    path = tmp_path / "no_suffix"
    path.write_text("\n".join(rows) + "\n")
    assert all(isinstance(i, Entry) for i in read(path))
