"""The Retourbericht: exactly the injected faults come back, on exactly the faulty lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner

from resv_edi.api import check_file, convert, read
from resv_edi.cli.main import cli
from resv_edi.formats.ei.inspect import inspect_file
from resv_edi.formats.registry import get_format
from resv_edi.generate.claims import generate_claims
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.base import Record
from resv_edi.model.declaratie import Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE, RETOUR, Entry
from resv_edi.model.retour import RetourHeader, RetourPrestatie, RetourTotalen
from resv_edi.retour.builder import RetourSummary, retour_records
from resv_edi.retour.reconcile import reconcile
from resv_edi.standard.codelists import codelist
from resv_edi.vektis.returncodes import NOT_LISTED, explain

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2028, 2, 1)

#: line number -> (field changes, the return code the fault must raise)
FAULTS: dict[int, tuple[dict[str, object], str]] = {
    # line 6, not 5: line 20 credits line 5, and a credit must repeat its debit (R035)
    6: ({"Einddatum": date(2027, 1, 1), "Begindatum": date(2027, 2, 1)}, "8007"),
    8: ({"Prestatiecode": "XXXX01"}, "0582"),
    15: ({"Omschrijving": "patient 111222333 besproken"}, "7514"),
    21: ({"UitvoerendeZorgaanbieder": "01000000"}, "7512"),
    26: ({"Werkgebied": " W004"}, "7001"),  # schema level: no leading space
}
DUPLICATE_OF = {12: 3}  # line 12 repeats the reference of line 3 -> 0501 on line 12 only


def _faulty_declaration(n: int = 40) -> list[Record]:
    records = list(generate_declaration(n, seed=5))
    lines = records[1:-1]
    for number, (changes, _) in FAULTS.items():
        if number > n:
            continue
        lines[number - 1] = lines[number - 1].model_copy(update=_attrs(changes))
    for number, original in DUPLICATE_OF.items():
        if number > n:
            continue
        ref = lines[original - 1].referentienummer
        lines[number - 1] = lines[number - 1].model_copy(update={"referentienummer": ref})
    assert all(line.debet_credit == "D" for n, line in enumerate(lines, 1) if n in FAULTS)
    return [records[0], *lines, records[-1]]


def _attrs(changes: dict[str, object]) -> dict[str, object]:
    by_alias = {f.alias: name for name, f in Prestatie.model_fields.items()}
    return {by_alias[k]: v for k, v in changes.items()}


def _write(records: list[Record], path: Path, fmt: str = "xml") -> Path:
    with path.open("wb") as fh:
        get_format(fmt).writer(records, fh, DECLARATIE)
    return path


def _retour(path: Path) -> tuple[list[Record], RetourSummary]:
    summary = RetourSummary()
    return list(retour_records(path, today=DAY, summary=summary)), summary


@pytest.mark.parametrize("fmt", ["xml", "json", "ndjson", "ei"])
def test_codes_on_exactly_the_faulty_lines(tmp_path: Path, fmt: str) -> None:
    source = _write(_faulty_declaration(), tmp_path / f"decl.{fmt}", fmt)
    records, summary = _retour(source)
    header, lines, totals = records[0], records[1:-1], records[-1]
    assert isinstance(header, RetourHeader) and isinstance(totals, RetourTotalen)
    assert header.retourcodes == ["0200"]
    expected = {n: [code] for n, (_, code) in FAULTS.items()}
    expected.update({n: ["7501"] for n in DUPLICATE_OF})
    for number, line in enumerate(lines, 1):
        assert isinstance(line, RetourPrestatie)
        assert line.retourcodes == expected.get(number, ["0200"]), number
        rejected = number in expected
        assert line.toegekend_bedrag == (0 if rejected else line.ingediend_bedrag), number
    assert summary.rejected_lines == len(expected)
    assert totals.aantal_prestaties == len(lines)
    assert totals.signed_granted == sum(line.signed_granted for line in lines)
    assert totals.signed_submitted == sum(line.signed_submitted for line in lines)


def test_retour_validates_against_its_schema_in_every_format(tmp_path: Path) -> None:
    source = _write(_faulty_declaration(), tmp_path / "decl.xml")
    records, _ = _retour(source)
    schema = xmlschema.XMLSchema(str(ROOT / "xsd" / "retour.xsd"))
    for fmt in ("xml", "json", "ndjson", "ei"):
        target = tmp_path / f"retour.{fmt}"
        with target.open("wb") as fh:
            get_format(fmt).writer(records, fh, RETOUR)
        report = check_file(target)
        assert report.errors == 0, report.issues[:3]
        assert report.message == "Retourbericht"
        if fmt == "xml":
            schema.validate(str(target))


def test_formats_carry_the_same_information(tmp_path: Path) -> None:
    source = _write(_faulty_declaration(), tmp_path / "decl.xml")
    records, _ = _retour(source)
    xml = tmp_path / "r.xml"
    with xml.open("wb") as fh:
        get_format("xml").writer(records, fh, RETOUR)
    previous = xml
    for fmt in ("json", "ei", "ndjson", "xml"):
        target = tmp_path / f"r2.{fmt}"
        assert convert(previous, target, fmt).written
        items = list(read(target))
        assert all(isinstance(i, Entry) for i in items)
        assert [i.record for i in items] == records
        previous = target


def test_reconcile_counts_the_faults(tmp_path: Path) -> None:
    source = _write(_faulty_declaration(), tmp_path / "decl.xml")
    records, _ = _retour(source)
    retour = tmp_path / "retour.json"
    with retour.open("wb") as fh:
        get_format("json").writer(records, fh, RETOUR)
    result = reconcile(source, retour)
    assert result.reconciled
    assert result.matched_lines == result.declared_lines == 40
    assert result.rejected_lines == len(FAULTS) + len(DUPLICATE_OF)
    per_code = {c.code: c.lines for c in result.per_code}
    assert per_code == {"7001": 1, "7501": 1, "8007": 1, "0582": 1, "7512": 1, "7514": 1}
    assert all(c.nl and c.en for c in result.per_code)


def test_reconcile_finds_missing_and_changed_lines(tmp_path: Path) -> None:
    source = _write(list(generate_declaration(10, seed=2)), tmp_path / "decl.xml")
    records, _ = _retour(source)
    header, lines, _totals = records[0], records[1:-1], records[-1]
    changed = lines[2].model_copy(update={"ingediend_bedrag": lines[2].ingediend_bedrag + 1})
    kept = [lines[0], lines[1], changed, *lines[4:]]  # line 4 dropped
    signed = sum(line.signed_submitted for line in kept)
    granted = sum(line.signed_granted for line in kept)
    totals = RetourTotalen(
        AantalPrestaties=len(kept),
        TotaalIngediendBedrag=abs(signed),
        IngediendDebetCredit="D" if signed >= 0 else "C",
        TotaalToegekendBedrag=abs(granted),
        ToegekendDebetCredit="D" if granted >= 0 else "C",
    )
    retour = tmp_path / "retour.xml"
    with retour.open("wb") as fh:
        get_format("xml").writer([header, *kept, totals], fh, RETOUR)
    result = reconcile(source, retour)
    assert not result.reconciled
    assert result.missing_in_retour == 1
    assert result.amount_mismatches == 1
    assert result.examples["missing_in_retour"] == [lines[3].referentienummer]
    cli_result = CliRunner().invoke(cli, ["reconcile", str(source), str(retour)])
    assert cli_result.exit_code == 1
    assert "NOT reconciled" in cli_result.output


def test_message_level_fault_rejects_every_line(tmp_path: Path) -> None:
    records = _faulty_declaration(12)
    totals = records[-1]
    assert isinstance(totals, Totalen)
    records[-1] = totals.model_copy(update={"totaal_bedrag": totals.totaal_bedrag + 1})
    source = _write(records, tmp_path / "decl.xml")
    retour, summary = _retour(source)
    assert retour[0].retourcodes == ["7031"]  # type: ignore[attr-defined]
    assert summary.rejected_lines == 12
    assert all(line.toegekend_bedrag == 0 for line in retour[1:-1])  # type: ignore[attr-defined]
    faulty = set(FAULTS) | set(DUPLICATE_OF)
    clean = [line for n, line in enumerate(retour[1:-1], 1) if n not in faulty]
    assert all(line.retourcodes == ["7599"] for line in clean)  # type: ignore[attr-defined]


def test_unreadable_declaration_gets_a_message_rejection(tmp_path: Path) -> None:
    source = tmp_path / "broken.xml"
    source.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><x/>')
    target = tmp_path / "retour.xml"
    result = CliRunner().invoke(
        cli, ["retour", str(source), "-o", str(target), "--date", "2028-02-01"]
    )
    assert result.exit_code == 2, result.output  # unreadable: exit 2, retour written
    assert check_file(target).errors == 0
    header = next(iter(read(target)))
    assert isinstance(header, Entry) and isinstance(header.record, RetourHeader)
    assert header.record.retourcodes == ["0001"]
    assert header.record.toelichting and "X002" in header.record.toelichting


def test_cli_retour_clean_declaration_exits_zero(tmp_path: Path) -> None:
    source = _write(list(generate_declaration(20, seed=9)), tmp_path / "decl.ndjson", "ndjson")
    target = tmp_path / "retour.asc"
    result = CliRunner().invoke(cli, ["retour", str(source), "-o", str(target), "--to", "ei"])
    assert result.exit_code == 0, result.output
    assert check_file(target).errors == 0


@pytest.mark.parametrize("standard", ["HA305", "AW320", "PM305"])
def test_vektis_return_messages_are_read_with_code_texts(tmp_path: Path, standard: str) -> None:
    path = tmp_path / f"{standard}.asc"
    with path.open("wb") as fh:
        generate_claims(standard, 200, fh, seed=4)
    summary = inspect_file(path)
    assert summary["issues"] == 0
    assert summary["kind"] == "return"
    codes = summary["return_codes"]
    assert codes, "the generator puts return codes in about one record in five"
    held = codelist("vektis_retourcodes")
    for code, info in codes.items():
        assert info["count"] > 0
        entry = held.get(code)
        if entry is not None:  # found in the bundled list: its listed texts, not a fallback
            assert (info["nl"], info["en"]) == (entry.text("nl"), entry.text("en"))
            assert explain(code).listed
        else:  # not listed: reported as such, with the list the code's width belongs to
            assert info["nl"].startswith(NOT_LISTED[0]) and info["en"].startswith(NOT_LISTED[1])
            assert explain(code).list_id is not None and explain(code).list_id in info["en"]


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("R€漢字 x", "ONBEKEND-1"),
        ("R" * 25, "ONBEKEND-1"),
        ("R0001\n", "ONBEKEND-1"),
        ("GOED-REF 1", "GOED-REF 1"),
    ],
)
def test_a_line_with_a_bad_reference_gets_a_retour_line(
    tmp_path: Path, bad: str, expected: str
) -> None:
    """A line whose reference the schema refuses (characters, length) is rejected in the
    retour under a reference the retour can carry; reconcile matches it. No traceback."""
    import json

    records = list(generate_declaration(5, seed=4))
    src = tmp_path / "d.json"
    with src.open("wb") as fh:
        get_format("json").writer(records, fh, DECLARATIE)
    doc = json.loads(src.read_text(encoding="utf-8"))
    doc["Declaratiebericht"]["Prestaties"][0]["Referentienummer"] = bad
    if expected.startswith("GOED"):  # a valid reference on a line that fails otherwise
        doc["Declaratiebericht"]["Prestaties"][0]["Hoofdtaak"] = "9"
    src.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "r.xml"
    result = CliRunner().invoke(cli, ["retour", str(src), "-o", str(target)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1 and target.exists()
    lines = [e.record for e in read(target) if isinstance(e, Entry) and e.part == "line"]
    assert len(lines) == 5 and lines[0].referentienummer == expected
    assert lines[0].retourcodes and lines[1].referentienummer == records[2].referentienummer
    outcome = reconcile(src, target)
    assert outcome.reconciled, outcome.as_dict()
