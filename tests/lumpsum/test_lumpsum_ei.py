"""Lump-sum records in their EI form (layout RESV903): the same records as every other format."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.errors import Issue
from resv_edi.vektis import EIRecord, read_records


def test_lumpsum_to_ei_equals_csv_and_reconciles(tmp_path: Path) -> None:
    runner = CliRunner()
    claims = tmp_path / "ha.asc"
    generate = ["generate", "--standard", "HA304", "--mapping", "ha304_oi", "--records", "300"]
    made = runner.invoke(cli, [*generate, "--year", "2027", "-o", str(claims)])
    assert made.exit_code == 0, made.output
    outputs = {}
    for fmt in ("ei", "csv"):
        outputs[fmt] = tmp_path / f"ls.{fmt}"
        args = ["--mapping", "ha304_oi", "-o", str(outputs[fmt]), "--to", fmt]
        result = runner.invoke(cli, ["lumpsum", str(claims), *args])
        assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(outputs["csv"].read_text(encoding="utf-8"))))
    items = list(read_records(outputs["ei"]))
    assert not [i for i in items if isinstance(i, Issue)]  # counts and the net total reconcile
    records = [i for i in items if isinstance(i, EIRecord)]
    assert [r.record_type for r in records] == ["01", *["04"] * len(rows), "99"]
    assert records[0].values["code_externe_integratiebericht"] == "903"
    for row, rec in zip(rows, records[1:-1], strict=True):
        v = rec.values
        assert v["mapping"] == row["Mapping"] and v["bronstandaard"] == row["Bronstandaard"]
        assert v["agb_code_zorgaanbieder"] == row["Zorgaanbieder"]
        assert v["uzovi_nummer_zorgverzekeraar"] == row["Zorgverzekeraar"]
        assert v["begindatum_periode"].isoformat() == row["PeriodeBegin"]
        assert v["einddatum_periode"].isoformat() == row["PeriodeEinde"]
        assert v["hoofdtaak"] == row["Hoofdtaak"]
        assert int(v["aantal_regels"]) == int(row["AantalRegels"])  # N fields read as digits
        sign = -1 if v["indicatie_debet_credit_aantal_prestaties"] == "C" else 1
        assert sign * int(v["aantal_prestaties"]) == int(row["AantalPrestaties"])
        assert (v["debetbedrag"], v["creditbedrag"]) == (int(row["Debet"]), int(row["Credit"]))
        sign = -1 if v["indicatie_debet_credit_saldo"] == "C" else 1
        assert sign * v["saldo"] == int(row["Saldo"])
    trailer = records[-1].values
    assert int(trailer["aantal_lumpsumrecords"]) == len(rows)
    net = sum(int(r["Saldo"]) for r in rows)
    assert trailer["totaal_saldo"] == abs(net)
