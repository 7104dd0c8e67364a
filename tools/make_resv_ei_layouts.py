"""Write the EI layouts of the RESV standard: ``mappings/ei/RESV901_v1.1.json`` (declaratie),
``RESV902_v1.1.json`` (retour) and ``RESV903_v1.0.json`` (lump-sum records); the versions of
901 and 902 are the messages' BerichtVersie and -Subversie in ``mappings/standard.toml``.

The layouts are authored here as ordered field lists so that start positions and reserves
are computed, never typed by hand; the JSON files are the published data the engine loads.
Each field names the model element it carries (``element``; ``index`` for the repeated
Retourcode). ``tests/formats/ei/test_resv_layout.py`` proves layout and model agree.

Conventions beyond Vektis': optional numeric identifiers and the optional VAT amount are
``AN`` fields holding digits (right-aligned, zero-padded) or spaces when absent, so that
"absent" and "zero" stay distinct and every conversion is lossless.

    python tools/make_resv_ei_layouts.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECORD_LENGTH = 310

# (id, name, type, length, element, extra)
Field = tuple[str, str, str, int, str | None, dict[str, Any]]


def _f(
    fid: str, name: str, kind: str, length: int, element: str | None = None, **extra: Any
) -> Field:
    return (fid, name, kind, length, element, extra)


DIGITS = {"digits": True}

DECLARATIE_RECORDS: list[dict[str, Any]] = [
    {
        "type": "01",
        "name": "VoorloopRecord",
        "role": "header",
        "parent": None,
        "fields": [
            _f("0101", "KENMERK RECORD", "N", 2),
            _f("0102", "CODE EXTERNE-INTEGRATIEBERICHT", "N", 3, "BerichtCode"),
            _f("0103", "VERSIENUMMER BERICHTSTANDAARD", "N", 2, "BerichtVersie"),
            _f("0104", "SUBVERSIENUMMER BERICHTSTANDAARD", "N", 2, "BerichtSubversie"),
            _f("0105", "SOORT BERICHT", "AN", 1, "SoortBericht"),
            _f(
                "0106",
                "CODE INFORMATIESYSTEEM SOFTWARELEVERANCIER",
                "AN",
                6,
                "SoftwareleverancierCode",
                **DIGITS,
            ),
            _f(
                "0107",
                "VERSIEAANDUIDING INFORMATIESYSTEEM SOFTWARELEVERANCIER",
                "AN",
                10,
                "SoftwarepakketVersie",
            ),
            _f("0108", "XSD-VERSIE", "AN", 8, "XsdVersie"),
            _f("0109", "AFZENDER (AGB-CODE DECLARANT)", "N", 8, "Afzender"),
            _f("0110", "ONTVANGER UZOVI-NUMMER", "AN", 4, "OntvangerUzovi", **DIGITS),
            _f(
                "0111",
                "ONTVANGER AGB-CODE (OPDRACHTGEVENDE ZORGAANBIEDER)",
                "AN",
                8,
                "OntvangerAgb",
                **DIGITS,
            ),
            _f("0112", "BERICHTIDENTIFICATIE", "AN", 20, "BerichtIdentificatie"),
            _f("0113", "DAGTEKENING BERICHT", "date", 8, "Dagtekening"),
            _f("0114", "DECLARATIENUMMER", "AN", 12, "Declaratienummer"),
            _f("0115", "BEGINDATUM DECLARATIEPERIODE", "date", 8, "DeclaratieperiodeBegin"),
            _f("0116", "EINDDATUM DECLARATIEPERIODE", "date", 8, "DeclaratieperiodeEinde"),
            _f("0117", "VALUTACODE", "AN", 3, "Valuta"),
            _f("0118", "BTW-IDENTIFICATIENUMMER", "AN", 14, "BtwIdentificatienummer"),
            _f("0119", "IBAN", "AN", 34, "Iban"),
        ],
    },
    {
        "type": "04",
        "name": "PrestatieRecord",
        "role": "service",
        "parent": "01",
        "fields": [
            _f("0401", "KENMERK RECORD", "N", 2),
            _f("0402", "IDENTIFICATIE DETAILRECORD", "N", 12),
            _f("0403", "REFERENTIENUMMER", "AN", 20, "Referentienummer"),
            _f("0404", "VORIG REFERENTIENUMMER", "AN", 20, "VorigReferentienummer"),
            _f("0405", "PRESTATIESOORT", "AN", 1, "Prestatiesoort"),
            _f("0406", "PRESTATIECODE", "AN", 6, "Prestatiecode"),
            _f("0407", "HOOFDTAAK", "AN", 2, "Hoofdtaak"),
            _f("0408", "OVEREENKOMST", "AN", 20, "Overeenkomst"),
            _f("0409", "RESV-PLAN", "AN", 20, "ResvPlan"),
            _f("0410", "UZOVI-NUMMER ZORGVERZEKERAAR OVEREENKOMST", "N", 4, "Zorgverzekeraar"),
            _f(
                "0411",
                "AGB-CODE UITVOERENDE ZORGAANBIEDER",
                "AN",
                8,
                "UitvoerendeZorgaanbieder",
                **DIGITS,
            ),
            _f(
                "0412",
                "AGB-CODE OPDRACHTGEVENDE ZORGAANBIEDER",
                "AN",
                8,
                "OpdrachtgevendeZorgaanbieder",
                **DIGITS,
            ),
            _f("0413", "WERKGEBIED", "AN", 10, "Werkgebied"),
            _f("0414", "BEGINDATUM PRESTATIE", "date", 8, "Begindatum"),
            _f("0415", "EINDDATUM PRESTATIE", "date", 8, "Einddatum"),
            _f("0416", "DECLARATIEBEDRAG", "amount", 11, "Bedrag"),
            _f("0417", "INDICATIE DEBET/CREDIT", "dc", 1, "DebetCredit"),
            _f("0418", "BTW-BEDRAG", "AN", 11, "BtwBedrag", **DIGITS),
            _f("0419", "OMSCHRIJVING", "AN", 100, "Omschrijving"),
            # standard 1.1: taken from the reserve, so every field of 1.0 keeps its position
            _f("0420", "OPDRACHTOVEREENKOMST", "AN", 20, "OpdrachtOvereenkomst"),
        ],
    },
    {
        "type": "98",
        "name": "CommentaarRecord",
        "role": "comment",
        "parent": "*",
        "max_per_parent": 1,
        "fields": [
            _f("9801", "KENMERK RECORD", "N", 2),
            _f("9802", "IDENTIFICATIE DETAILRECORD", "N", 12),
            _f("9803", "REGELNUMMER VRIJE TEKST", "N", 4),
            _f("9804", "TOELICHTING", "AN", 250, "Toelichting"),
        ],
    },
    {
        "type": "99",
        "name": "SluitRecord",
        "role": "trailer",
        "parent": None,
        "fields": [
            _f("9901", "KENMERK RECORD", "N", 2),
            _f("9902", "AANTAL PRESTATIERECORDS", "N", 7, "AantalPrestaties"),
            _f("9903", "AANTAL COMMENTAARRECORDS", "N", 7),
            _f("9904", "TOTAAL AANTAL DETAILRECORDS", "N", 7),
            _f("9905", "TOTAAL DECLARATIEBEDRAG", "amount", 13, "TotaalBedrag"),
            _f("9906", "INDICATIE DEBET/CREDIT", "dc", 1, "DebetCredit"),
        ],
    },
]

DECLARATIE_TRAILER = {
    "counts": [
        {"field": "9902", "records": ["04"]},
        {"field": "9903", "records": ["98"]},
        {"field": "9904", "records": ["04", "98"]},
    ],
    "totals": [
        {"field": "9905", "dc": "9906", "sums": [{"record": "04", "amount": "0416", "dc": "0417"}]}
    ],
}

RETOUR_RECORDS: list[dict[str, Any]] = [
    {
        "type": "01",
        "name": "VoorloopRecord",
        "role": "header",
        "parent": None,
        "fields": [
            _f("0101", "KENMERK RECORD", "N", 2),
            _f("0102", "CODE EXTERNE-INTEGRATIEBERICHT", "N", 3, "BerichtCode"),
            _f("0103", "VERSIENUMMER BERICHTSTANDAARD", "N", 2, "BerichtVersie"),
            _f("0104", "SUBVERSIENUMMER BERICHTSTANDAARD", "N", 2, "BerichtSubversie"),
            _f("0105", "SOORT BERICHT", "AN", 1, "SoortBericht"),
            _f("0106", "XSD-VERSIE", "AN", 8, "XsdVersie"),
            _f("0107", "AFZENDER UZOVI-NUMMER", "AN", 4, "AfzenderUzovi", **DIGITS),
            _f("0108", "AFZENDER AGB-CODE", "AN", 8, "AfzenderAgb", **DIGITS),
            _f("0109", "ONTVANGER (AGB-CODE DECLARANT)", "AN", 8, "Ontvanger", **DIGITS),
            _f("0110", "BERICHTIDENTIFICATIE", "AN", 20, "BerichtIdentificatie"),
            _f("0111", "DAGTEKENING RETOURBERICHT", "date", 8, "Dagtekening"),
            _f(
                "0112",
                "REFERENTIE BERICHTIDENTIFICATIE DECLARATIE",
                "AN",
                20,
                "ReferentieBerichtIdentificatie",
            ),
            _f("0113", "REFERENTIE DAGTEKENING DECLARATIE", "date", 8, "ReferentieDagtekening"),
            _f("0114", "DECLARATIENUMMER", "AN", 12, "Declaratienummer"),
            _f("0115", "RETOURCODE (01)", "AN", 4, "Retourcode", index=0, **DIGITS),
            _f("0116", "RETOURCODE (02)", "AN", 4, "Retourcode", index=1, **DIGITS),
            _f("0117", "RETOURCODE (03)", "AN", 4, "Retourcode", index=2, **DIGITS),
            _f("0118", "TOELICHTING", "AN", 150, "Toelichting"),
        ],
    },
    {
        "type": "04",
        "name": "PrestatieRecord",
        "role": "service",
        "parent": "01",
        "fields": [
            _f("0401", "KENMERK RECORD", "N", 2),
            _f("0402", "IDENTIFICATIE DETAILRECORD", "N", 12),
            _f("0403", "REFERENTIENUMMER", "AN", 20, "Referentienummer"),
            _f("0404", "INGEDIEND BEDRAG", "amount", 11, "IngediendBedrag"),
            _f("0405", "INDICATIE DEBET/CREDIT INGEDIEND", "dc", 1, "IngediendDebetCredit"),
            _f("0406", "TOEGEKEND BEDRAG", "amount", 11, "ToegekendBedrag"),
            _f("0407", "INDICATIE DEBET/CREDIT TOEGEKEND", "dc", 1, "ToegekendDebetCredit"),
            _f("0408", "RETOURCODE (01)", "AN", 4, "Retourcode", index=0, **DIGITS),
            _f("0409", "RETOURCODE (02)", "AN", 4, "Retourcode", index=1, **DIGITS),
            _f("0410", "RETOURCODE (03)", "AN", 4, "Retourcode", index=2, **DIGITS),
        ],
    },
    {
        "type": "99",
        "name": "SluitRecord",
        "role": "trailer",
        "parent": None,
        "fields": [
            _f("9901", "KENMERK RECORD", "N", 2),
            _f("9902", "AANTAL PRESTATIERECORDS", "N", 7, "AantalPrestaties"),
            _f("9903", "TOTAAL AANTAL DETAILRECORDS", "N", 7),
            _f("9904", "TOTAAL INGEDIEND BEDRAG", "amount", 13, "TotaalIngediendBedrag"),
            _f("9905", "INDICATIE DEBET/CREDIT INGEDIEND", "dc", 1, "IngediendDebetCredit"),
            _f("9906", "TOTAAL TOEGEKEND BEDRAG", "amount", 13, "TotaalToegekendBedrag"),
            _f("9907", "INDICATIE DEBET/CREDIT TOEGEKEND", "dc", 1, "ToegekendDebetCredit"),
        ],
    },
]

RETOUR_TRAILER = {
    "counts": [
        {"field": "9902", "records": ["04"]},
        {"field": "9903", "records": ["04"]},
    ],
    "totals": [
        {"field": "9904", "dc": "9905", "sums": [{"record": "04", "amount": "0404", "dc": "0405"}]},
        {"field": "9906", "dc": "9907", "sums": [{"record": "04", "amount": "0406", "dc": "0407"}]},
    ],
}


#: lump-sum records (``resv-edi lumpsum --to ei``): one 04 record per LumpSumRecord. A signed
#: element (AantalPrestaties, Saldo) is written as its absolute value, with a ``dc`` field
#: naming the same element for its sign (D: zero or more, C: less than zero).
LUMPSUM_RECORDS: list[dict[str, Any]] = [
    {
        "type": "01",
        "name": "VoorloopRecord",
        "role": "header",
        "parent": None,
        "fields": [
            _f("0101", "KENMERK RECORD", "N", 2),
            _f("0102", "CODE EXTERNE-INTEGRATIEBERICHT", "N", 3),
            _f("0103", "VERSIENUMMER BERICHTSTANDAARD", "N", 2),
            _f("0104", "SUBVERSIENUMMER BERICHTSTANDAARD", "N", 2),
            _f("0105", "SOORT BERICHT", "AN", 1),
            _f("0106", "DAGTEKENING", "date", 8),
        ],
    },
    {
        "type": "04",
        "name": "LumpsumRecord",
        "role": "service",
        "parent": "01",
        "fields": [
            _f("0401", "KENMERK RECORD", "N", 2),
            _f("0402", "IDENTIFICATIE DETAILRECORD", "N", 12),
            _f("0403", "MAPPING", "AN", 40, "Mapping"),
            _f("0404", "BRONSTANDAARD", "AN", 10, "Bronstandaard"),
            _f("0405", "AGB-CODE ZORGAANBIEDER", "AN", 8, "Zorgaanbieder", **DIGITS),
            _f("0406", "UZOVI-NUMMER ZORGVERZEKERAAR", "AN", 4, "Zorgverzekeraar", **DIGITS),
            _f("0407", "BEGINDATUM PERIODE", "date", 8, "PeriodeBegin"),
            _f("0408", "EINDDATUM PERIODE", "date", 8, "PeriodeEinde"),
            _f("0409", "HOOFDTAAK", "AN", 2, "Hoofdtaak"),
            _f("0410", "BRONCODE", "AN", 10, "Broncode"),
            _f("0411", "AANTAL REGELS", "N", 9, "AantalRegels"),
            _f("0412", "AANTAL PRESTATIES", "N", 9, "AantalPrestaties"),
            _f("0413", "INDICATIE DEBET/CREDIT AANTAL PRESTATIES", "dc", 1, "AantalPrestaties"),
            _f("0414", "DEBETBEDRAG", "amount", 13, "Debet"),
            _f("0415", "CREDITBEDRAG", "amount", 13, "Credit"),
            _f("0416", "SALDO", "amount", 13, "Saldo"),
            _f("0417", "INDICATIE DEBET/CREDIT SALDO", "dc", 1, "Saldo"),
        ],
    },
    {
        "type": "99",
        "name": "SluitRecord",
        "role": "trailer",
        "parent": None,
        "fields": [
            _f("9901", "KENMERK RECORD", "N", 2),
            _f("9902", "AANTAL LUMPSUMRECORDS", "N", 7),
            _f("9903", "TOTAAL SALDO", "amount", 15),
            _f("9904", "INDICATIE DEBET/CREDIT", "dc", 1),
        ],
    },
]

LUMPSUM_TRAILER = {
    "counts": [{"field": "9902", "records": ["04"]}],
    "totals": [
        {"field": "9903", "dc": "9904", "sums": [{"record": "04", "amount": "0416", "dc": "0417"}]}
    ],
}


def _key(name: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "_" for ch in name)
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")


_PART_OF_ROLE = {"header": "header", "service": "line", "trailer": "totals", "comment": "line"}


def _model_facts(kind_name: str | None, role: str) -> dict[str, tuple[bool, list[str] | None]]:
    """Per element of the record's model class: (required, the values of a Literal type).
    The model is the one source of both: an EI reader then reports a blank required field as
    E007 and a value outside a fixed set as E008, at its column, as Vektis files do."""
    if kind_name is None:
        return {}
    sys.path.insert(0, str(ROOT))
    from resv_edi.model.messages import KINDS

    cls = KINDS[kind_name].record_class(_PART_OF_ROLE[role])  # type: ignore[arg-type]
    out = {}
    for info in cls.model_fields.values():
        annotation = info.annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
            annotation = args[0]
        literal = typing.get_origin(annotation) is typing.Literal
        out[info.alias or ""] = (info.is_required(), list(typing.get_args(annotation)) if literal
                                 else None)  # fmt: skip
    return out


def _record(spec: dict[str, Any], kind_name: str | None = None) -> dict[str, Any]:
    fields = []
    start = 1
    rtype = spec["type"]
    facts = _model_facts(kind_name, spec["role"])
    for fid, name, kind, length, element, extra in spec["fields"]:
        required, values = facts.get(element or "", (False, None))
        if extra.get("index"):  # a repeated element: only its first occurrence can be required
            required = False
        if kind == "dc":  # the reader checks D/C itself (E013)
            values = None
        if values and any(len(v) != length for v in values):
            values = None  # the reader compares the field's full width (Hoofdtaak: the model)
        field = {
            "id": fid,
            "name": name,
            "key": _key(name),
            "start": start,
            "length": length,
            "type": kind,
            "mandatory": fid.endswith("01") or required,
            "patient": False,
            "pattern": None,
            "values": [rtype] if fid.endswith("01") else values,
        }
        if element:
            field["element"] = element
        if "index" in extra:
            field["index"] = extra["index"]
        if extra.get("digits"):
            field["digits"] = True
        fields.append(field)
        start += length
    reserve = RECORD_LENGTH - (start - 1)
    if reserve < 0:
        raise SystemExit(f"record {rtype} is {start - 1} positions, more than {RECORD_LENGTH}")
    if reserve:
        fields.append(
            {
                "id": f"{rtype}80",
                "name": "RESERVE",
                "key": "reserve",
                "start": start,
                "length": reserve,
                "type": "AN",
                "mandatory": False,
                "patient": False,
                "pattern": None,
                "values": None,
            }
        )
    out = {k: v for k, v in spec.items() if k != "fields"}
    out["fields"] = fields
    return out


def _message_version(kind_name: str) -> tuple[int, int]:
    """BerichtVersie and -Subversie of a message of the standard (``mappings/standard.toml``)."""
    sys.path.insert(0, str(ROOT))
    from resv_edi.standard.facts import facts

    message = getattr(facts(), kind_name)
    return message.version, message.subversion


def layouts() -> dict[str, dict[str, Any]]:
    version, subversion = _message_version("declaratie")
    assert (version, subversion) == _message_version("retour")
    release = f"v{version}.{subversion}"
    common = {
        "version": version,
        "subversion": subversion,
        "record_length": RECORD_LENGTH,
        "source": "resv-edi: tools/make_resv_ei_layouts.py (PROVISIONAL message codes 901/902)",
        "repairs": [],
    }
    return {
        f"RESV901_{release}.json": {
            "standard": "RESV901",
            "message_code": 901,
            "description": "DECLARATIE RESV-HOOFDTAKEN EN ONDERLINGE DIENSTVERLENING (VOORLOPIG)",
            "kind": "declaration",
            "declaration_standard": None,
            **common,
            "trailer": DECLARATIE_TRAILER,
            "records": [_record(r, "declaratie") for r in DECLARATIE_RECORDS],
        },
        f"RESV902_{release}.json": {
            "standard": "RESV902",
            "message_code": 902,
            "description": "RETOURINFORMATIE DECLARATIE RESV (VOORLOPIG)",
            "kind": "return",
            "declaration_standard": "RESV901",
            **common,
            "trailer": RETOUR_TRAILER,
            "records": [_record(r, "retour") for r in RETOUR_RECORDS],
        },
        "RESV903_v1.0.json": {
            "standard": "RESV903",
            "message_code": 903,
            "description": "LUMPSUMRECORDS UIT DECLARATIEBESTANDEN (VOORLOPIG)",
            "kind": "declaration",
            "declaration_standard": None,
            **common,
            "version": 1,  # lump-sum records are no message of the standard: their own version
            "subversion": 0,
            "source": "resv-edi: tools/make_resv_ei_layouts.py (PROVISIONAL message code 903)",
            "trailer": LUMPSUM_TRAILER,
            "records": [_record(r) for r in LUMPSUM_RECORDS],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are out of date")
    args = parser.parse_args()
    stale = []
    for name, data in layouts().items():
        path = ROOT / "mappings" / "ei" / name
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(path)
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
