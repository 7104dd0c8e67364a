"""A draft RESV declaration (prestatie 1 or 2) from lump-sum records.

One Prestatie line per lump-sum record with a positive balance; groups that net to zero or
less are left out with an M006 warning (a credit needs an earlier debit to refer to). The
result is a Header, the lines and Totalen, in the order every registry writer takes, and it
passes the catalogue rules (``resv_edi.pipeline.check_file`` finds no errors). It is a draft: the
parties review amounts and texts before sending it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from resv_edi.errors import Issue, Location
from resv_edi.lumpsum.records import LumpSumRecord
from resv_edi.model.base import Record
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.standard.catalogue import issue
from resv_edi.standard.codelists import codelist
from resv_edi.standard.facts import facts


class DraftError(ValueError):
    """The records and options do not make a valid declaration; the message says why."""


@dataclass(frozen=True, slots=True)
class DraftOptions:
    """Who declares to whom, under which agreement and plan, for which region."""

    prestatiesoort: str
    sender: str
    agreement: str
    plan: str
    region: str | None = None  # None: the first region of the list, with warning M008
    insurer: str | None = None
    commissioning: str | None = None
    subcontract: str | None = None  # OpdrachtOvereenkomst, prestatie 2 only
    dagtekening: date = field(default_factory=date.today)
    declaration_number: str | None = None
    message_id: str | None = None
    production: bool = False


def prestatiecode(soort: str, day: date) -> str:
    """The prestatiecode of ``soort`` valid on ``day`` (from the prestatiecodes code list)."""
    for code in codelist("prestatiecodes").codes.values():
        if code.attributes.get("prestatiesoort") == soort and code.valid_on(day):
            return code.code
    raise DraftError(f"no prestatiecode of prestatiesoort {soort} is valid on {day}")


def build_draft(
    records: Iterable[LumpSumRecord], options: DraftOptions
) -> tuple[list[Record], list[Issue]]:
    """The draft message (header, lines, totals) and the warnings about left-out groups."""
    o = options
    if o.prestatiesoort not in ("1", "2"):
        raise DraftError("prestatiesoort must be 1 or 2")
    if o.prestatiesoort == "2" and not o.commissioning:
        raise DraftError("prestatie 2 needs the commissioning provider (--commissioning)")
    if o.prestatiesoort == "2" and not o.subcontract:
        raise DraftError("prestatie 2 needs its subcontract (--subcontract, OpdrachtOvereenkomst)")
    rows = list(records)
    insurers = sorted({r.zorgverzekeraar for r in rows if r.zorgverzekeraar})
    if any(r.zorgverzekeraar is None or r.hoofdtaak is None for r in rows):
        raise DraftError("the mapping must group by insurer and hoofdtaak")
    insurer = o.insurer
    if insurer is None:
        if len(insurers) != 1:
            raise DraftError(f"records of {len(insurers)} insurers; choose one with --insurer")
        insurer = insurers[0]
    warnings: list[Issue] = []
    lines: list[LumpSumRecord] = []
    for r in rows:
        if r.zorgverzekeraar != insurer:
            continue
        if r.saldo <= 0:
            group = f"{r.zorgaanbieder or '-'}/{r.zorgverzekeraar}/{r.periode_begin}/{r.hoofdtaak}"
            warnings.append(issue("M006", Location(), group=group, amount=r.saldo))
            continue
        lines.append(r)
    if not lines:
        raise DraftError(f"no group with a positive balance for insurer {insurer}")
    begin = min(r.periode_begin for r in lines)
    end = max(r.periode_einde for r in lines)
    first, last = facts().first_day, facts().last_day
    if begin < first or end > last:
        raise DraftError(f"period {begin}..{end} lies outside the experiment ({first}..{last})")
    soort = o.prestatiesoort
    stamp = o.dagtekening.strftime("%Y%m%d")
    region = o.region or _first_region(begin, warnings)
    header = Header(
        bericht_code=facts().declaratie.code,
        bericht_versie=facts().declaratie.version,
        bericht_subversie=facts().declaratie.subversion,
        xsd_versie=facts().version,
        soort_bericht="P" if o.production else "T",
        afzender=o.sender,
        ontvanger_uzovi=insurer if soort == "1" else None,
        ontvanger_agb=o.commissioning if soort == "2" else None,
        bericht_identificatie=o.message_id or f"LUMPSUM{stamp}",
        dagtekening=o.dagtekening,
        softwarepakket_versie="resv-edi",
        declaratienummer=o.declaration_number or f"C{stamp}",
        declaratieperiode_begin=begin,
        declaratieperiode_einde=end,
        valuta="EUR",
    )
    out: list[Record] = [header]
    total = 0
    for i, r in enumerate(lines, 1):
        out.append(
            Prestatie(
                referentienummer=f"LS{stamp}{i:08d}",
                prestatiesoort=soort,  # type: ignore[arg-type]  # validated: "1" or "2"
                prestatiecode=prestatiecode(soort, r.periode_begin),
                hoofdtaak=r.hoofdtaak,  # type: ignore[arg-type]  # validated: None is refused
                overeenkomst=o.agreement,
                opdracht_overeenkomst=o.subcontract if soort == "2" else None,
                resv_plan=o.plan,
                zorgverzekeraar=insurer,
                uitvoerende_zorgaanbieder=o.sender if soort == "2" else None,
                opdrachtgevende_zorgaanbieder=o.commissioning if soort == "2" else None,
                werkgebied=region,
                begindatum=r.periode_begin,
                einddatum=r.periode_einde,
                bedrag=r.saldo,
                debet_credit="D",
                omschrijving=f"Concept lumpsum uit {r.mapping} ({r.bronstandaard})",
            )
        )
        total += r.saldo
    out.append(Totalen(aantal_prestaties=len(lines), totaal_bedrag=total, debet_credit="D"))
    return out, warnings


def _first_region(day: date, warnings: list[Issue]) -> str:
    """The first Werkgebied of the code list valid on ``day``, with warning M008."""
    for code in codelist("werkgebieden").codes.values():
        if code.valid_on(day):
            warnings.append(issue("M008", Location(), region=code.code))
            return code.code
    raise DraftError(f"no werkgebied is valid on {day}; choose one with --region")
