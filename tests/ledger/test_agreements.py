"""The agreement register: CSV and JSON, all rows or none, and its documented JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ledger_helpers import AGREEMENTS_CSV

from resv_edi.ledger import LedgerError, open_ledger
from resv_edi.ledger.agreements import agreement_schema, import_agreements

ROOT = Path(__file__).resolve().parents[2]

REGISTER = {
    "Overeenkomsten": [
        {
            "Overeenkomst": "OVK-1",
            "Zorgaanbieder": "98249524",
            "Zorgverzekeraar": "7854",
            "GeldigVanaf": "2027-01-01",
            "GeldigTot": "2028-12-31",
            "Werkgebied": "W002",
            "Hoofdtaken": ["1", "4"],
            "JaarBedrag": 150000000,
        },
        {
            "Overeenkomst": "OVK-2",
            "Zorgaanbieder": "98249524",
            "Zorgverzekeraar": "3311",
            "GeldigVanaf": "2027-01-01",
            "GeldigTot": "2027-12-31",
            "Werkgebied": "W002",
            "Hoofdtaken": ["5"],
        },
    ]
}


def test_the_documented_schema_is_the_models() -> None:
    documented = json.loads((ROOT / "docs" / "agreements.schema.json").read_text("utf-8"))
    assert documented == agreement_schema()
    jsonschema.Draft202012Validator.check_schema(documented)
    jsonschema.validate(REGISTER, documented)
    bad = {"Overeenkomsten": [{**REGISTER["Overeenkomsten"][1], "Hoofdtaken": ["6"]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, documented)


def test_json_and_csv_import_and_replace(ledger_url: str, tmp_path: Path) -> None:
    as_json = tmp_path / "register.json"
    as_json.write_text(json.dumps(REGISTER), encoding="utf-8")
    as_csv = tmp_path / "register.csv"
    as_csv.write_text(AGREEMENTS_CSV, encoding="utf-8")
    with open_ledger(ledger_url) as ledger:
        assert import_agreements(ledger.db, as_json).imported == 2
        assert import_agreements(ledger.db, as_csv).imported == 1
        again = import_agreements(ledger.db, as_json)
        assert (again.imported, again.replaced) == (2, 2)
        rows = ledger.query(
            "SELECT a.reference, a.annual_sum, COUNT(t.hoofdtaak) FROM agreements a JOIN "
            "agreement_tasks t ON t.agreement_id = a.id GROUP BY a.reference, a.annual_sum "
            "ORDER BY a.reference"
        )
    assert rows == [("OVK-1", 150000000, 2), ("OVK-2", None, 1), ("OVK-3358-2027", None, 4)]


def test_a_bad_row_imports_nothing(ledger_url: str, tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(
        AGREEMENTS_CSV
        + "OVK-9,98249524,7854,2027-12-31,2027-01-01,W002,2,\r\n"  # ends before it begins
        + "OVK-10,1234,7854,2027-01-01,2027-12-31,W002,9,\r\n",  # bad AGB, bad hoofdtaak
        encoding="utf-8",
    )
    with open_ledger(ledger_url) as ledger:
        result = import_agreements(ledger.db, register)
        assert result.imported == 0
        assert ledger.query("SELECT COUNT(*) FROM agreements")[0][0] == 0
    text = "\n".join(result.errors)
    assert "register.csv:3" in text and "GeldigTot" in text
    assert "register.csv:4: Zorgaanbieder" in text and "Hoofdtaken" in text


def test_not_a_register(ledger_url: str, tmp_path: Path) -> None:
    with open_ledger(ledger_url) as ledger:
        for name, content in (("x.txt", "a"), ("x.csv", "a,b\n1,2\n"), ("x.json", "[1]")):
            path = tmp_path / name
            path.write_text(content)
            with pytest.raises(LedgerError):
                import_agreements(ledger.db, path)
