"""Small declarations and retours for the ledger tests, written through the library's writers.

Prestatie 1: the RESV ``RESV`` declares to insurer ``INSURER`` under agreement ``AGREEMENT``
(region ``REGION``). Prestatie 2: ``EXECUTING`` declares to the RESV under that agreement.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from resv_edi.formats.registry import get_format
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE, RETOUR
from resv_edi.model.retour import RetourHeader, RetourPrestatie, RetourTotalen
from resv_edi.standard.catalogue import catalogue
from resv_edi.standard.facts import facts

RESV = "98249524"
EXECUTING = "98247515"
INSURER = "3358"
AGREEMENT = "OVK-3358-2027"
REGION = "W001"

AGREEMENTS_CSV = (
    "Overeenkomst,Zorgaanbieder,Zorgverzekeraar,GeldigVanaf,GeldigTot,Werkgebied,Hoofdtaken,"
    "JaarBedrag\r\n"
    f"{AGREEMENT},{RESV},{INSURER},2027-01-01,2027-12-31,{REGION},1 2 4 5,\r\n"
)


def header(ident: str, *, soort: str = "1", invoice: str | None = None, **kw: Any) -> Header:
    d = facts().declaratie
    values: dict[str, Any] = {
        "BerichtCode": d.code,
        "BerichtVersie": d.version,
        "BerichtSubversie": d.subversion,
        "XsdVersie": facts().version,
        "SoortBericht": "T",
        "Afzender": RESV if soort == "1" else EXECUTING,
        "OntvangerUzovi": INSURER if soort == "1" else None,
        "OntvangerAgb": RESV if soort == "2" else None,
        "BerichtIdentificatie": ident,
        "Dagtekening": date(2028, 1, 15),
        "Declaratienummer": invoice or f"D-{ident}"[:12],
        "DeclaratieperiodeBegin": date(2027, 1, 1),
        "DeclaratieperiodeEinde": date(2027, 12, 31),
        "Valuta": "EUR",
    }
    values.update(kw)
    return Header(**values)


def line(ref: str, amount: int, *, dc: str = "D", soort: str = "1", **kw: Any) -> Prestatie:
    values: dict[str, Any] = {
        "Referentienummer": ref,
        "Prestatiesoort": soort,
        "Prestatiecode": "RESV01" if soort == "1" else "RESV02",
        "Hoofdtaak": "2",
        "Overeenkomst": AGREEMENT,
        "ResvPlan": f"PLAN-{RESV}",
        "Zorgverzekeraar": INSURER,
        "Werkgebied": REGION,
        "Begindatum": date(2027, 3, 1),
        "Einddatum": date(2027, 3, 31),
        "Bedrag": amount,
        "DebetCredit": dc,
    }
    if soort == "2":
        values["UitvoerendeZorgaanbieder"] = EXECUTING
        values["OpdrachtgevendeZorgaanbieder"] = RESV
        values["OpdrachtOvereenkomst"] = f"SUB-{EXECUTING}"
    values.update(kw)
    return Prestatie(**values)


def write_declaration(
    path: Path, head: Header, lines: list[Prestatie], fmt: str = "ndjson"
) -> Path:
    total = sum(p.signed_amount for p in lines)
    totals = Totalen(
        AantalPrestaties=len(lines), TotaalBedrag=abs(total), DebetCredit="D" if total >= 0 else "C"
    )
    with path.open("wb") as out:
        get_format(fmt).writer([head, *lines, totals], out, DECLARATIE)
    return path


def write_retour(path: Path, head: Header, granted: dict[str, int | None]) -> Path:
    """A retour of the declaration ``head``: per reference its granted amount (None: rejected
    in full, with the code of G008)."""
    r = facts().retour
    lines = []
    for ref, amount in granted.items():
        lines.append(
            RetourPrestatie(
                Referentienummer=ref,
                IngediendBedrag=amount or 100,
                IngediendDebetCredit="D",
                ToegekendBedrag=amount or 0,
                ToegekendDebetCredit="D",
                Retourcode=["0200" if amount else catalogue()["G008"].return_code],
            )
        )
    submitted = sum(p.ingediend_bedrag for p in lines)
    given = sum(p.toegekend_bedrag for p in lines)
    retour_header = RetourHeader(
        BerichtCode=r.code,
        BerichtVersie=r.version,
        BerichtSubversie=r.subversion,
        XsdVersie=facts().version,
        SoortBericht="T",
        AfzenderUzovi=head.ontvanger_uzovi,
        AfzenderAgb=head.ontvanger_agb,
        Ontvanger=head.afzender,
        BerichtIdentificatie=f"RET-{head.bericht_identificatie}"[:20],
        Dagtekening=date(2028, 2, 1),
        ReferentieBerichtIdentificatie=head.bericht_identificatie,
        ReferentieDagtekening=head.dagtekening,
        Declaratienummer=head.declaratienummer,
        Retourcode=["0200"],
    )
    totals = RetourTotalen(
        AantalPrestaties=len(lines),
        TotaalIngediendBedrag=submitted,
        IngediendDebetCredit="D",
        TotaalToegekendBedrag=given,
        ToegekendDebetCredit="D",
    )
    with path.open("wb") as out:
        get_format("ndjson").writer([retour_header, *lines, totals], out, RETOUR)
    return path
