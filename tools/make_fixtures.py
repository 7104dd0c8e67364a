"""(Re)create ``fixtures/valid`` and ``fixtures/invalid`` deterministically.

Valid fixtures come from the generator (``resv_edi.generate.declarations``) plus a correction
(a credit followed by a new debit); invalid fixtures are the smallest targeted edits of a short
valid message that provoke one issue code each, named ``<CODE>_<what it provokes>.<ext>``.

Run from the repository root::

    python tools/make_fixtures.py            # write the files
    python tools/make_fixtures.py --check    # exit 1 when the files on disk are out of date
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.base import Record
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE
from resv_edi.standard.codelists import codelist

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

Data = dict[str, Any]
Message = tuple[Data, list[Data]]

ZVW_INSURERS = [
    c.code for c in codelist("uzovi_register").codes.values() if c.attributes.get("kind") == "zvw"
]
REGIONS = list(codelist("werkgebieden").codes)


# -- building messages -----------------------------------------------------------------------


def base(soort: str = "1", n: int = 3, seed: int = 11) -> Message:
    """A short valid message as (header, lines) of element name -> value."""
    records = list(generate_declaration(n, seed=seed, prestatiesoort=soort))
    header = records[0].to_data()
    lines = [r.to_data() for r in records[1:-1]]
    return header, lines


def with_correction(message: Message) -> Message:
    """Append a new debit that replaces the line credited last (credit + new debit)."""
    header, lines = message
    credit = next(line for line in reversed(lines) if line["DebetCredit"] == "C")
    debit = next(
        line for line in lines if line["Referentienummer"] == credit["VorigReferentienummer"]
    )
    number = len(lines) + 1
    new = {k: v for k, v in debit.items() if k not in ("BtwBedrag", "Toelichting")}
    new["Referentienummer"] = credit["Referentienummer"][:-3] + f"{number:03d}"
    new["Bedrag"] = debit["Bedrag"] - 12_345
    new["Omschrijving"] = f"Correctie van {debit['Referentienummer']}"
    new["Toelichting"] = "Nieuwe debetregel na creditering (correctie)"
    return header, [*lines, new]


def totals(lines: Iterable[Data]) -> Data:
    """Totals that reconcile with ``lines``."""
    rows = list(lines)
    signed = sum(r["Bedrag"] if r["DebetCredit"] == "D" else -r["Bedrag"] for r in rows)
    return {
        "AantalPrestaties": len(rows),
        "TotaalBedrag": abs(signed),
        "DebetCredit": "D" if signed >= 0 else "C",
    }


def records(message: Message, total: Data | None = None) -> list[Record]:
    """The model records of ``message`` (all edits for business rules stay model-valid)."""
    header, lines = message
    clean = [{k: v for k, v in line.items() if v is not None} for line in lines]
    return [
        Header.model_validate({k: v for k, v in header.items() if v is not None}),
        *(Prestatie.model_validate(line) for line in clean),
        Totalen.model_validate(total or totals(clean)),
    ]


def render(message: Message, fmt: str = "xml", total: Data | None = None) -> bytes:
    """``message`` written by the library's writer for ``fmt``."""
    out = io.BytesIO()
    get_format(fmt).writer(records(message, total), out, DECLARATIE)
    return out.getvalue()


def edit(message: Message, line: int | None = None, **changes: Any) -> Message:
    """A copy with ``changes`` applied to the header (``line=None``) or a line (0-based)."""
    header, lines = dict(message[0]), [dict(x) for x in message[1]]
    target = header if line is None else lines[line]
    target.update(changes)
    return header, lines


def every_line(message: Message, **changes: Any) -> Message:
    """A copy with ``changes`` applied to every line."""
    header, lines = message
    return dict(header), [{**x, **changes} for x in lines]


def replace_once(data: bytes, old: str, new: str) -> bytes:
    """``data`` with the first ``old`` replaced; fails loudly when ``old`` is absent."""
    if old.encode() not in data:
        raise ValueError(f"{old!r} not in fixture source")
    return data.replace(old.encode(), new.encode(), 1)


# -- the fixtures ----------------------------------------------------------------------------


def valid_fixtures() -> dict[str, bytes]:
    """Prestatie 1 and 2 with a credit and a correction, in every text format."""
    files: dict[str, bytes] = {}
    for soort, seed in (("1", 3), ("2", 4)):
        message = with_correction(base(soort, n=10, seed=seed))
        for fmt in ("xml", "json", "ndjson"):
            files[f"prestatie{soort}_credit_correction.{fmt}"] = render(message, fmt)
    return files


def _business_rules() -> dict[str, bytes]:
    p1 = base("1")
    p2 = base("2")
    h1, lines1 = p1
    lines2 = p2[1]
    ref = [x["Referentienummer"] for x in lines1]
    files: dict[str, bytes] = {}
    wrong_total = totals(lines1)
    wrong_total["TotaalBedrag"] += 1
    files["R001_total_mismatch.xml"] = render(p1, total=wrong_total)
    wrong_total_json = totals(lines1)
    wrong_total_json["TotaalBedrag"] -= 100
    files["R001_total_mismatch.json"] = render(p1, "json", total=wrong_total_json)
    wrong_count = totals(lines1)
    wrong_count["AantalPrestaties"] += 1
    files["R002_line_count_mismatch.xml"] = render(p1, total=wrong_count)
    files["R003_duplicate_reference.xml"] = render(edit(p1, 1, Referentienummer=ref[0]))
    files["R003_duplicate_reference.ndjson"] = render(
        edit(p1, 2, Referentienummer=ref[1]), "ndjson"
    )
    files["R004_credit_without_reference.xml"] = render(
        edit(p1, 1, DebetCredit="C", VorigReferentienummer=None)
    )
    files["R004_credit_of_later_line.xml"] = render(
        edit(p1, 0, DebetCredit="C", VorigReferentienummer=ref[2])
    )
    files["R005_begin_after_end.xml"] = render(
        edit(p1, 0, Begindatum=date(2027, 3, 31), Einddatum=date(2027, 3, 1))
    )
    files["R006_period_after_experiment.xml"] = render(
        edit(
            edit(p1, DeclaratieperiodeEinde=date(2032, 12, 31), Dagtekening=date(2032, 2, 15)),
            0,
            Begindatum=date(2031, 12, 1),
            Einddatum=date(2032, 1, 31),
        )
    )
    files["R007_outside_declaration_period.xml"] = render(
        edit(p1, 0, Begindatum=date(2028, 1, 1), Einddatum=date(2028, 1, 10))
    )
    files["R008_unknown_prestatiecode.xml"] = render(edit(p1, 0, Prestatiecode="RESV99"))
    files["R009_code_of_other_soort.xml"] = render(edit(p1, 0, Prestatiecode="RESV02"))
    files["R010_prestatie1_to_provider.xml"] = render(
        edit(p1, OntvangerUzovi=None, OntvangerAgb="98123456")
    )
    files["R011_missing_executing_provider.xml"] = render(
        edit(p2, 0, UitvoerendeZorgaanbieder=None)
    )
    files["R012_same_providers.xml"] = render(
        edit(p2, 0, OpdrachtgevendeZorgaanbieder=lines2[0]["UitvoerendeZorgaanbieder"])
    )
    files["R013_receiver_not_commissioning.xml"] = render(edit(p2, OntvangerAgb="97000123"))
    files["R014_agb_type_00.xml"] = render(edit(p1, Afzender="00123456"))
    files["R015_uzovi_0000.xml"] = render(
        every_line(edit(p1, OntvangerUzovi="0000"), Zorgverzekeraar="0000")
    )
    files["R016_bsn_in_omschrijving.xml"] = render(
        edit(p1, 1, Omschrijving="Overleg over patient 123456782")
    )
    files["R016_bsn_in_toelichting.json"] = render(
        edit(p1, 0, Toelichting="BSN 111222333 hoort hier niet"), "json"
    )
    files["R017_amount_too_wide.xml"] = render(edit(p1, 0, Bedrag=100_000_000_000))
    other = next(c for c in ZVW_INSURERS if c != h1["OntvangerUzovi"])
    files["R019_insurer_not_receiver.xml"] = render(edit(p1, 0, Zorgverzekeraar=other))
    files["R020_hoofdtaak_before_experiment.xml"] = render(
        edit(
            edit(p1, DeclaratieperiodeBegin=date(2026, 12, 1)),
            0,
            Begindatum=date(2026, 12, 1),
            Einddatum=date(2026, 12, 31),
        )
    )
    files["R021_period_begin_after_end.xml"] = render(
        edit(
            p1,
            DeclaratieperiodeBegin=h1["DeclaratieperiodeEinde"],
            DeclaratieperiodeEinde=h1["DeclaratieperiodeBegin"],
        )
    )
    files["R022_sender_not_executing.xml"] = render(edit(p2, Afzender="97000456"))
    files["R023_vat_check_digit.xml"] = render(edit(p1, BtwIdentificatienummer="NL123456789B01"))
    files["R024_iban_check_digits.xml"] = render(edit(p1, Iban="NL91ABNA0417164301"))
    credit = {
        **lines1[0],
        "Referentienummer": ref[0][:-3] + "009",
        "VorigReferentienummer": ref[0],
        "DebetCredit": "C",
        "Omschrijving": f"Creditering van {ref[0]}",
    }
    twice = {**credit, "Referentienummer": ref[0][:-3] + "010"}
    files["R025_credited_twice.xml"] = render((h1, [*lines1, credit, twice]))
    files["R025_credited_twice.ndjson"] = render((h1, [*lines1, credit, twice]), "ndjson")
    vat = lines1[1]["Bedrag"] + 1
    files["R026_vat_exceeds_amount.xml"] = render(edit(p1, 1, BtwBedrag=vat))
    files["R027_wrong_message_version.xml"] = render(edit(p1, BerichtVersie=2))
    files["R027_wrong_xsd_version.json"] = render(edit(p1, XsdVersie="2.0.0"), "json")
    files.update(_rules_of_1_1(p1, p2, credit))
    return files


def _rules_of_1_1(p1: Message, p2: Message, credit: Data) -> dict[str, bytes]:
    """One fixture (or more) per rule added in standard 1.1."""
    h1, lines1 = p1
    files: dict[str, bytes] = {}
    files["F005_release_1_0.xml"] = replace_once(
        render(edit(p1, BerichtSubversie=0, XsdVersie="1.0.0")),
        DECLARATIE.namespace,
        DECLARATIE.namespace.rsplit(":", 1)[0] + ":1.0",
    )
    files["F005_release_1_0.json"] = render(
        edit(p1, BerichtSubversie=0, XsdVersie="1.0.0"), "json"
    )
    files["F005_release_1_0.asc"] = render(edit(p1, BerichtSubversie=0, XsdVersie="1.0.0"), "ei")
    files["R028_wrong_message_code.xml"] = render(edit(p1, BerichtCode="903"))
    files["R034_prestatie2_without_subcontract.xml"] = render(
        edit(p2, 1, OpdrachtOvereenkomst=None)
    )
    files["R034_prestatie1_with_subcontract.json"] = render(
        edit(p1, 0, OpdrachtOvereenkomst="OO-2027-01"), "json"
    )
    debit = lines1[0]
    files["R035_partial_credit.xml"] = render(
        (h1, [*lines1, {**credit, "Bedrag": debit["Bedrag"] // 2}])
    )
    other_task = next(t for t in ("1", "2", "3", "5") if t != debit["Hoofdtaak"])
    files["R035_credit_other_hoofdtaak.xml"] = render(
        (h1, [*lines1, {**credit, "Hoofdtaak": other_task}])
    )
    files["R035_credit_other_period.ndjson"] = render(
        (h1, [*lines1, {**credit, "Begindatum": date(2027, 12, 1), "Einddatum": date(2027, 12, 31)}]),  # noqa: E501
        "ndjson",
    )
    files["R036_unknown_werkgebied.xml"] = render(every_line(p1, Werkgebied="W999"))
    region = next(c for c in REGIONS if c != lines1[0]["Werkgebied"])
    files["R037_two_werkgebieden_one_plan.xml"] = render(edit(p1, 2, Werkgebied=region))
    files["R038_end_after_dagtekening.xml"] = render(
        edit(
            edit(p1, DeclaratieperiodeEinde=date(2028, 1, 31)),
            0,
            Begindatum=date(2028, 1, 1),
            Einddatum=date(2028, 1, 31),
        )
    )
    files["R039_future_period.json"] = render(
        edit(
            edit(p1, DeclaratieperiodeEinde=date(2028, 3, 31)),
            0,
            Begindatum=date(2028, 2, 1),
            Einddatum=date(2028, 2, 29),
        ),
        "json",
    )
    files["R040_wlz_care_office.xml"] = render(
        every_line(edit(p1, OntvangerUzovi="5509"), Zorgverzekeraar="5509")
    )
    files["R041_uzovi_not_in_register.xml"] = render(
        every_line(edit(p1, OntvangerUzovi="9999"), Zorgverzekeraar="9999")
    )
    files["R042_bsn_like_reference.xml"] = render(edit(p1, 1, Referentienummer="123456782"))
    return files


def _structure() -> dict[str, bytes]:
    p1 = base("1")
    xml = render(p1)
    json_doc = render(p1, "json")
    ndjson = render(p1, "ndjson")
    ns = DECLARATIE.namespace
    files: dict[str, bytes] = {}
    files["X001_truncated.xml"] = xml[: len(xml) // 2]
    files["X002_doctype_entity.xml"] = replace_once(
        replace_once(
            xml,
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE Declaratiebericht [<!ENTITY plan "PLAN-X">]>\n',
        ),
        "<ResvPlan>",
        "<ResvPlan>&plan;",
    )
    files["X003_wrong_root.xml"] = xml.replace(b"Declaratiebericht", b"Factuurbericht")
    files["X003_wrong_namespace.xml"] = replace_once(xml, ns, "urn:example:other")
    files["X004_unknown_element.xml"] = replace_once(
        xml, "</Werkgebied>", "</Werkgebied>\n      <Patient>onbekend</Patient>"
    )
    files["X004_header_twice.xml"] = _header_twice(xml)
    files["X005_missing_totalen.xml"] = _drop_between(xml, "  <Totalen>", "</Totalen>\n")
    no_lines = _drop_between(xml, "    <Prestatie>", "  </Prestaties>")
    no_lines = _replace_value(no_lines, "AantalPrestaties", "0")
    files["X005_no_prestatie.xml"] = _replace_value(no_lines, "TotaalBedrag", "0")
    files["S001_missing_werkgebied.xml"] = _drop_line(xml, "<Werkgebied>")
    files["S001_missing_bedrag.ndjson"] = _drop_json_key(ndjson, "Bedrag", line=2)
    files["S002_bedrag_not_digits.xml"] = _replace_value(xml, "Bedrag", "12a34")
    files["S002_date_feb_30.xml"] = _replace_value(xml, "Einddatum", "2027-02-30")
    files["S002_bedrag_as_string.json"] = _json_string_amount(json_doc)
    # standard 1.1: a whole number written with a fraction or an exponent is refused
    files["S002_bedrag_fraction.json"] = _json_number_text(json_doc, "Bedrag", "{}.0")
    files["S002_bedrag_exponent.ndjson"] = _json_number_text(ndjson, "Bedrag", "{}e0")
    files["S002_versie_fraction.ndjson"] = _json_number_text(ndjson, "BerichtVersie", "{}.0")
    files["S003_unknown_field.json"] = replace_once(
        json_doc, '"Werkgebied":', '"Patientnaam":"Jansen","Werkgebied":'
    )
    files["S003_unknown_field.ndjson"] = replace_once(
        ndjson, '"Werkgebied":', '"Bsn":"onbekend","Werkgebied":'
    )
    files["J001_truncated.json"] = json_doc[: len(json_doc) // 2]
    files["J002_broken_line.ndjson"] = _break_ndjson_line(ndjson)
    files["J003_unknown_top_key.json"] = replace_once(
        json_doc, '"Totalen":', '"Bijlage": {"Tekst": "x"},\n"Totalen":'
    )
    files["J003_unknown_line_key.ndjson"] = replace_once(ndjson, '{"Prestatie":', '{"Regel":')
    files["J004_duplicate_key.json"] = replace_once(
        json_doc, '"DebetCredit":"D"', '"DebetCredit":"D","DebetCredit":"C"'
    )
    files["F002_plain_text.txt"] = b"Dit is geen declaratiebericht.\n"
    files["F003_empty.xml"] = b""
    return files


def _header_twice(xml: bytes) -> bytes:
    start = xml.index(b"  <Header>")
    end = xml.index(b"</Header>\n") + len(b"</Header>\n")
    return xml[:end] + xml[start:end] + xml[end:]


def _drop_between(data: bytes, first: str, last: str) -> bytes:
    start = data.index(first.encode())
    end = data.index(last.encode(), start) + (len(last) if last.endswith("\n") else 0)
    return data[:start] + data[end:]


def _drop_line(data: bytes, marker: str) -> bytes:
    start = data.index(marker.encode())
    start = data.rindex(b"\n", 0, start) + 1
    end = data.index(b"\n", start) + 1
    return data[:start] + data[end:]


def _replace_value(xml: bytes, element: str, value: str) -> bytes:
    start = xml.index(f"<{element}>".encode()) + len(element) + 2
    end = xml.index(f"</{element}>".encode(), start)
    return xml[:start] + value.encode() + xml[end:]


def _drop_json_key(ndjson: bytes, key: str, line: int) -> bytes:
    import json

    rows = ndjson.decode().splitlines()
    obj = json.loads(rows[line - 1])
    next(iter(obj.values())).pop(key)
    rows[line - 1] = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return ("\n".join(rows) + "\n").encode()


def _json_string_amount(json_doc: bytes) -> bytes:
    start = json_doc.index(b'"Bedrag":') + len(b'"Bedrag":')
    end = json_doc.index(b",", start)
    return json_doc[:start] + b'"' + json_doc[start:end] + b'"' + json_doc[end:]


def _json_number_text(data: bytes, key: str, form: str) -> bytes:
    """``data`` with the first integer value of ``key`` written as ``form`` (``{}.0``)."""
    start = data.index(f'"{key}":'.encode()) + len(key) + 3
    end = start
    while data[end : end + 1].isdigit():
        end += 1
    return data[:start] + form.format(data[start:end].decode()).encode() + data[end:]


def _break_ndjson_line(ndjson: bytes) -> bytes:
    rows = ndjson.split(b"\n")
    rows[2] = rows[2][: len(rows[2]) // 2]
    return b"\n".join(rows)


GROUPS: dict[str, Callable[[], dict[str, bytes]]] = {
    "valid": valid_fixtures,
    "invalid": lambda: {**_business_rules(), **_structure()},
}


def build() -> dict[Path, bytes]:
    """Every fixture path (relative to the repository root) -> content."""
    return {
        Path("fixtures") / group / name: content
        for group, make in GROUPS.items()
        for name, content in make().items()
    }


def main(argv: list[str] | None = None) -> int:
    """Write the fixtures, or with ``--check`` report whether they are up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    wanted = build()
    stale = []
    for rel, content in wanted.items():
        path = ROOT / rel
        if not path.exists() or path.read_bytes() != content:
            stale.append(rel)
    extra = (
        [
            p.relative_to(ROOT)
            for group in GROUPS
            for p in sorted((FIXTURES / group).glob("*"))
            if p.is_file() and p.relative_to(ROOT) not in wanted
        ]
        if FIXTURES.exists()
        else []
    )
    if args.check:
        for rel in [*stale, *extra]:
            print(f"out of date: {rel}", file=sys.stderr)
        return 1 if stale or extra else 0
    for rel in stale:
        (ROOT / rel).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / rel).write_bytes(wanted[rel])
    for rel in extra:
        (ROOT / rel).unlink()
    print(f"{len(wanted)} fixtures, {len(stale)} written, {len(extra)} removed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
