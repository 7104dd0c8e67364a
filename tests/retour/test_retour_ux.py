"""retour copies what it can of a refused header; reconcile says when lines were rejected."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.model.retour import RetourHeader
from resv_edi.retour.builder import RetourSummary, retour_records

VALID = (
    Path(__file__).resolve().parents[2] / "fixtures" / "valid" / "prestatie1_credit_correction.xml"
)


def _declaration(tmp_path: Path, old: str = "", new: str = "") -> Path:
    text = VALID.read_text(encoding="utf-8").replace(old, new, 1)
    path = tmp_path / "d.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_retour_on_an_invalid_header_copies_what_it_could_read(tmp_path: Path) -> None:
    path = _declaration(tmp_path, "<Afzender>98249524</Afzender>", "<Afzender>9824952</Afzender>")
    summary = RetourSummary()
    header = next(iter(retour_records(path, summary=summary)))
    assert isinstance(header, RetourHeader)
    assert header.soort_bericht == "T"  # test/production kind copied, not defaulted
    declared = VALID.read_text(encoding="utf-8")
    for element, value in (
        ("OntvangerUzovi", header.afzender_uzovi),
        ("BerichtIdentificatie", header.referentie_bericht_identificatie),
        ("Declaratienummer", header.declaratienummer),
    ):
        assert f"<{element}>{value}</{element}>" in declared
    assert header.ontvanger is None
    assert summary.header_not_copied == ["Afzender"]
    assert header.toelichting is not None and "Afzender" in header.toelichting


def test_retour_cli_says_which_header_elements_it_could_not_copy(tmp_path: Path) -> None:
    path = _declaration(
        tmp_path, "<BerichtIdentificatie>MSG00000300000010", "<BerichtIdentificatie> MSG0000"
    )
    result = CliRunner().invoke(cli, ["retour", str(path), "-o", str(tmp_path / "r.xml")])
    assert result.exit_code == 1
    assert "Not copied from the declaration's header (unreadable): BerichtIdentificatie" in (
        result.stdout
    )
    assert result.stderr.strip().endswith("r.xml: written")


def test_reconcile_says_when_lines_were_rejected_and_exits_1(tmp_path: Path) -> None:
    path = _declaration(tmp_path, "<Bedrag>3954856</Bedrag>", "<Bedrag>39548o6</Bedrag>")
    retour = tmp_path / "r.xml"
    made = CliRunner().invoke(cli, ["retour", str(path), "-o", str(retour)])
    assert made.exit_code == 1
    result = CliRunner().invoke(cli, ["reconcile", str(path), str(retour)])
    assert result.exit_code == 1
    assert "lines REJECTED" in result.stdout
    clean = _declaration(tmp_path)
    CliRunner().invoke(cli, ["retour", str(clean), "-o", str(retour)])
    ok = CliRunner().invoke(cli, ["reconcile", str(clean), str(retour)])
    assert ok.exit_code == 0 and "REJECTED" not in ok.stdout
