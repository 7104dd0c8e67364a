"""``resv-edi overlap``: declarations beside claims, flags from mappings/overlap/rules.toml."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from lumpsum_helpers import write_claims

from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.lumpsum import load_mapping, lump_sums
from resv_edi.lumpsum.overlap import split_by_period
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE


def _declaration(path: Path, provider: str, insurer: str, amounts: dict[str, int]) -> None:
    """A prestatie-1 declaration of ``provider`` for 2027-Q1, one line per hoofdtaak."""
    records: list = [
        Header(
            BerichtCode="901", BerichtVersie=1, BerichtSubversie=1, XsdVersie="1.1.0",
            SoortBericht="T", Afzender=provider, OntvangerUzovi=insurer,
            BerichtIdentificatie="OVL1", Dagtekening=date(2027, 4, 15), Declaratienummer="D1",
            DeclaratieperiodeBegin=date(2027, 1, 1), DeclaratieperiodeEinde=date(2027, 3, 31),
            Valuta="EUR",
        )
    ]  # fmt: skip
    for i, (task, cents) in enumerate(amounts.items(), 1):
        records.append(
            Prestatie(
                Referentienummer=f"R{i}", Prestatiesoort="1", Prestatiecode="RESV01",
                Hoofdtaak=task, Overeenkomst="OVK", ResvPlan="PLAN", Zorgverzekeraar=insurer,
                Werkgebied="W004", Begindatum=date(2027, 1, 1), Einddatum=date(2027, 3, 31),
                Bedrag=cents, DebetCredit="D",
            )
        )  # fmt: skip
    total = sum(amounts.values())
    records.append(Totalen(AantalPrestaties=len(amounts), TotaalBedrag=total, DebetCredit="D"))
    with path.open("wb") as out:
        get_format("xml").writer(records, out, DECLARATIE)


def test_overlap_flags_and_tables(tmp_path: Path) -> None:
    claims = tmp_path / "ha.ei"
    write_claims(claims, "HA304", 120, seed=5, codes=["39901", "39903", "12000"])
    nursing = tmp_path / "aw.ei"
    write_claims(nursing, "AW319", 60, seed=6, codes=["CC901"])
    records, _ = lump_sums([claims], load_mapping("ha304_oi"))
    provider, insurer = records[0].zorgaanbieder, records[0].zorgverzekeraar
    assert provider and insurer
    decl = tmp_path / "decl.xml"
    _declaration(decl, provider, insurer, {"5": 100, "3": 50_000_000})
    for suffix in ("json", "csv"):
        out = tmp_path / f"overlap.{suffix}"
        args = ["overlap", "--declarations", str(decl), "--claims", str(claims)]
        args += ["--claims", str(nursing), "-o", str(out)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, result.output  # flags raised
    data = json.loads((tmp_path / "overlap.json").read_text())
    codes = {(f["code"], f["hoofdtaak"]) for f in data["flags"]}
    assert ("O001", "5") in codes  # O&I claims beside a hoofdtaak-5 declaration
    assert ("O003", "5") in codes  # O&I for hoofdtaak 5 far above the declared 1 euro
    assert not any(f["hoofdtaak"] == "3" for f in data["flags"])  # no claims map to 3
    row5 = next(r for r in data["rows"] if r["provider"] == provider and r["hoofdtaak"] == "5")
    oi5 = sum(r.saldo for r in records if r.hoofdtaak == "5")
    assert row5["declared"] == 100 and row5["claims"] == oi5 and "O001" in row5["flags"]
    with (tmp_path / "overlap.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(data["rows"]) and {r["period"] for r in rows} == {"2027-Q1"}


def test_no_flags_without_declaration_overlap(tmp_path: Path) -> None:
    claims = tmp_path / "ha.ei"
    write_claims(claims, "HA304", 40, seed=5, codes=["39901"])
    decl = tmp_path / "decl.xml"
    _declaration(decl, "98123456", "3311", {"4": 1000})
    out = tmp_path / "o.json"
    args = ["overlap", "--declarations", str(decl), "--claims", str(claims), "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["flags"] == []


def test_split_by_period_is_exact() -> None:
    parts = split_by_period(date(2027, 2, 15), date(2027, 8, 10), 100_001, "quarter")
    assert [p for p, _ in parts] == [date(2027, 1, 1), date(2027, 4, 1), date(2027, 7, 1)]
    assert sum(c for _, c in parts) == 100_001
    assert (
        sum(c for _, c in split_by_period(date(2027, 1, 1), date(2027, 12, 31), -7, "month")) == -7
    )
