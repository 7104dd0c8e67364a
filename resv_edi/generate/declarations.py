"""Synthetic, valid declarations: for fixtures, benchmarks and vendors' own tests.

``generate_declaration`` yields a header, ``n`` lines and matching totals that pass every rule
of the catalogue: all hoofdtaken including 4a/4b, credits that refer to earlier debits, and
corrections (a credit followed by a new debit). Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from resv_edi.model.base import Record
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.standard.codelists import codelist
from resv_edi.standard.facts import facts

HOOFDTAKEN = ("1", "2", "3", "4", "4a", "4b", "5")
_WORDS = (
    "coordinatie",
    "overleg",
    "capaciteit",
    "toegang",
    "wijkteam",
    "netwerk",
    "afspraken",
    "ondersteuning",
    "mandaat",
    "regio",
    "scholing",
    "data",
)


def random_agb(rng: random.Random, kind: str | None = None) -> str:
    """An AGB code: 2-digit provider type, 6-digit number that is not all zeros."""
    prefix = kind or f"{rng.randint(1, 99):02d}"
    return f"{prefix}{rng.randint(1, 999_999):06d}"


def random_uzovi(rng: random.Random) -> str:
    return f"{rng.randint(3000, 9999):04d}"


def zvw_insurer(rng: random.Random, day: date) -> str:
    """A Zvw health insurer of the UZOVI register snapshot active on ``day`` (rules R040/R041)."""
    active = [
        c.code
        for c in codelist("uzovi_register").codes.values()
        if c.attributes.get("kind") == "zvw" and c.valid_on(day)
    ]
    if not active:
        raise LookupError(f"no Zvw insurer in the UZOVI register is active on {day}")
    return rng.choice(active)


def _code_for(soort: str) -> str:
    for code in codelist("prestatiecodes").codes.values():
        if code.attributes.get("prestatiesoort") == soort:
            return code.code
    raise LookupError(f"no prestatiecode for prestatiesoort {soort}")


def _region_for(seed: int, day: date) -> str:
    """A Werkgebied valid on ``day``: one per message (and so per ResvPlan, rule R037)."""
    regions = [c.code for c in codelist("werkgebieden").codes.values() if c.valid_on(day)]
    if not regions:
        raise LookupError(f"no werkgebied is valid on {day}")
    return regions[seed % len(regions)]


def generate_declaration(
    n: int,
    *,
    seed: int = 0,
    prestatiesoort: str = "1",
    year: int = 2027,
    test: bool = True,
) -> Iterator[Record]:
    """Yield a valid Declaratiebericht with ``n`` lines: header, lines, totals."""
    rng = random.Random(seed)
    sender = random_agb(rng, "98")
    insurer = zvw_insurer(rng, date(year, 1, 1))
    commissioning = random_agb(rng, "98") if prestatiesoort == "2" else None
    if commissioning == sender:
        commissioning = random_agb(rng, "97")
    period_begin = date(year, 1, 1)
    period_end = date(year, 12, 31)
    code = _code_for(prestatiesoort)
    header = Header(
        bericht_code=facts().declaratie.code,
        bericht_versie=facts().declaratie.version,
        bericht_subversie=facts().declaratie.subversion,
        xsd_versie=facts().version,
        soort_bericht="T" if test else "P",
        afzender=sender,
        ontvanger_uzovi=insurer if prestatiesoort == "1" else None,
        ontvanger_agb=commissioning,
        bericht_identificatie=f"MSG{seed:06d}{n:08d}"[:20],
        dagtekening=date(year + 1, 1, 15),
        softwareleverancier_code="123456",
        softwarepakket_versie="resv-edi",
        declaratienummer=f"D{year}{seed % 10_000_000:07d}",
        declaratieperiode_begin=period_begin,
        declaratieperiode_einde=period_end,
        valuta="EUR",
        btw_identificatienummer="NL004495445B01" if seed % 2 == 0 else None,
        iban="NL91ABNA0417164300" if seed % 3 == 0 else None,
    )
    yield header
    agreement = f"OVK-{insurer}-{year}"
    plan = f"PLAN-{sender}"
    region = _region_for(seed, period_begin)
    subcontract = f"OO-{commissioning}-{year}" if prestatiesoort == "2" else None
    total = 0
    debits: list[tuple[str, int, Prestatie]] = []
    for i in range(1, n + 1):
        ref = f"R{seed:04d}{i:010d}"
        month = rng.randint(1, 12)
        begin = date(year, month, 1)
        end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        # for prestatie 2 the executing provider is the one that declares
        executing = sender if prestatiesoort == "2" else None
        line_fields: dict[str, Any] = {
            "Referentienummer": ref,
            "Prestatiesoort": prestatiesoort,
            "Prestatiecode": code,
            "Hoofdtaak": HOOFDTAKEN[i % len(HOOFDTAKEN)],
            "Overeenkomst": agreement,
            "OpdrachtOvereenkomst": subcontract,
            "ResvPlan": plan,
            "Zorgverzekeraar": insurer,
            "UitvoerendeZorgaanbieder": executing,
            "OpdrachtgevendeZorgaanbieder": commissioning,
            "Werkgebied": region,
            "Begindatum": begin,
            "Einddatum": end,
        }
        if debits and i % 10 == 0:
            # a credit of an earlier debit line, in full: the debit repeated except for the
            # references and the debit/credit indicator (rule R035)
            earlier_ref, earlier_amount, earlier = debits.pop(rng.randrange(len(debits)))
            line = earlier.model_copy(
                update={
                    "referentienummer": ref,
                    "vorig_referentienummer": earlier_ref,
                    "debet_credit": "C",
                    "omschrijving": f"Creditering van {earlier_ref}",
                    "toelichting": None,
                }
            )
            total -= earlier_amount
        else:
            amount = rng.randint(10_000, 5_000_000)
            words = " ".join(rng.sample(_WORDS, 3))
            line = Prestatie(
                **line_fields,
                bedrag=amount,
                debet_credit="D",
                # Bedrag includes VAT; BtwBedrag is the 21 % VAT part of it
                btw_bedrag=amount * 21 // 121 if i % 7 == 0 else None,
                omschrijving=f"Hoofdtaak {line_fields['Hoofdtaak']}: {words}",
                toelichting=(
                    "Activiteiten uit het RESV-plan, niet gedeclareerd als O&I of centrale"
                    " coordinatie"
                    if i % 5 == 0
                    else None
                ),
            )
            debits.append((ref, amount, line))
            if len(debits) > 1000:  # keep memory flat for any n
                del debits[0]
            total += amount
        yield line
    yield Totalen(
        aantal_prestaties=n,
        totaal_bedrag=abs(total),
        debet_credit="D" if total >= 0 else "C",
    )
