"""(Re)create the conformance scenarios in ``conformance/scenarios/`` deterministically.

Each scenario (casus) is a folder ``conformance/scenarios/<id>/`` with ``scenario.toml`` (the
story in Dutch and English, which side of a vendor's software it tests, the codes it
provokes), the declaration in every format it can be written in (``declaratie.xml``,
``.json``, ``.ndjson``, ``.asc`` for EI; ``.zip`` for the VECOZO archive rules) and the
return message expected for it (``retour.xml``), made by resv-edi's own retour builder. The
tool refuses to write when the formats of one scenario would be answered differently, when a
clean scenario raises any issue, or when a scenario does not provoke the codes it names.

Groups: ``c`` clean messages (both sides of a vendor's software), ``r`` one per business rule
(``rule_scenarios``), ``m`` message-level rejection, ``s``/``x``/``j``/``f``/``e`` one per
technical rule (``structure_scenarios``), ``v`` the VECOZO archive rules. A new rule of the
catalogue gets its scenario as one more ``_rule(...)`` line (or structure case);
``tests/conformance/test_conformance_scenarios.py`` fails until every code a declaration can
raise has one.

Run from the repository root after a change of the standard::

    python tools/make_scenarios.py            # write the scenarios
    python tools/make_scenarios.py --check    # exit 1 when the files on disk are out of date
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from resv_edi.formats.registry import get_format  # noqa: E402
from resv_edi.model.base import Record  # noqa: E402
from resv_edi.model.declaratie import Header, Prestatie, Totalen  # noqa: E402
from resv_edi.model.messages import DECLARATIE, RETOUR  # noqa: E402
from resv_edi.pipeline import check_file  # noqa: E402
from resv_edi.retour.answer import answer_records  # noqa: E402
from resv_edi.standard.catalogue import catalogue  # noqa: E402
from resv_edi.standard.codelists import codelist  # noqa: E402
from resv_edi.standard.facts import facts  # noqa: E402
from resv_edi.standard.paths import mappings_dir  # noqa: E402

SCENARIOS = ROOT / "conformance" / "scenarios"
#: the Dagtekening of every expected return message (the kit ignores it when comparing)
RETOUR_DAY = date(2027, 5, 3)
TEXT_FORMATS = ("xml", "json", "ndjson", "ei")
SUFFIX = {"xml": "xml", "json": "json", "ndjson": "ndjson", "ei": "asc", "zip": "zip"}

# the parties and agreements of the stories (fictitious)
RESV = "98012345"  # RESV Zorgzaam Twente: declares prestatie 1, commissions prestatie 2
WIJKVERBAND = "98054321"  # Hecht wijkverband Enschede-Oost: executes for the RESV
INSURER = "3311"  # the market-leading insurer of the region
AGREEMENT = "OVK-3311-2027"
PLAN = "PLAN-TWENTE-2027"
REGION = "W004"  # Twente, code list werkgebieden
SUBCONTRACT = "OO-98012345-2027"  # the RESV's order to the wijkverband (prestatie 2)
HOOFDTAKEN = ("1", "2", "3", "4", "4a", "4b", "5")

Data = dict[str, Any]


@dataclass
class Message:
    """A declaration as element name -> value: header, lines, and totals when they must lie."""

    header: Data
    lines: list[Data]
    totals: Data | None = None

    def records(self) -> list[Record]:
        lines = [{k: v for k, v in line.items() if v is not None} for line in self.lines]
        return [
            Header.model_validate({k: v for k, v in self.header.items() if v is not None}),
            *(Prestatie.model_validate(line) for line in lines),
            Totalen.model_validate(self.totals or totals(lines)),
        ]

    def render(self, fmt: str) -> bytes:
        out = io.BytesIO()
        get_format(fmt).writer(self.records(), out, DECLARATIE)
        return out.getvalue()

    def edit(self, line: int | None = None, **changes: Any) -> Message:
        """A copy with ``changes`` in the header (``line=None``) or in line ``line`` (0-based)."""
        header, lines = dict(self.header), [dict(x) for x in self.lines]
        (header if line is None else lines[line]).update(changes)
        return Message(header, lines, dict(self.totals) if self.totals else None)


def totals(lines: list[Data]) -> Data:
    signed = sum(x["Bedrag"] if x["DebetCredit"] == "D" else -x["Bedrag"] for x in lines)
    return {
        "AantalPrestaties": len(lines),
        "TotaalBedrag": abs(signed),
        "DebetCredit": "D" if signed >= 0 else "C",
    }


def header(number: int, soort: str = "1") -> Data:
    std = facts()
    return {
        "BerichtCode": std.declaratie.code,
        "BerichtVersie": std.declaratie.version,
        "BerichtSubversie": std.declaratie.subversion,
        "XsdVersie": std.version,
        "SoortBericht": "T",
        "Afzender": RESV if soort == "1" else WIJKVERBAND,
        "OntvangerUzovi": INSURER if soort == "1" else None,
        "OntvangerAgb": RESV if soort == "2" else None,
        "BerichtIdentificatie": f"KIT-{number:03d}",
        "Dagtekening": date(2027, 4, 15),
        "SoftwareleverancierCode": "123456",
        "SoftwarepakketVersie": "kit",
        "Declaratienummer": f"D2027Q1{number:03d}",
        "DeclaratieperiodeBegin": date(2027, 1, 1),
        "DeclaratieperiodeEinde": date(2027, 3, 31),
        "Valuta": "EUR",
    }


def line(
    number: int,
    seq: int,
    hoofdtaak: str,
    amount: int,
    soort: str = "1",
    *,
    credit_of: int | None = None,
    month: int = 1,
) -> Data:
    """Line ``seq`` of scenario ``number``; ``credit_of`` makes it a credit of line ``n``."""
    last = {1: 31, 2: 28, 3: 31}[month]
    return {
        "Referentienummer": ref(number, seq),
        "VorigReferentienummer": ref(number, credit_of) if credit_of else None,
        "Prestatiesoort": soort,
        "Prestatiecode": "RESV01" if soort == "1" else "RESV02",
        "Hoofdtaak": hoofdtaak,
        "Overeenkomst": AGREEMENT,
        "OpdrachtOvereenkomst": SUBCONTRACT if soort == "2" else None,
        "ResvPlan": PLAN,
        "Zorgverzekeraar": INSURER,
        "UitvoerendeZorgaanbieder": WIJKVERBAND if soort == "2" else None,
        "OpdrachtgevendeZorgaanbieder": RESV if soort == "2" else None,
        "Werkgebied": REGION,
        "Begindatum": date(2027, month, 1),
        "Einddatum": date(2027, month, last),
        "Bedrag": amount,
        "DebetCredit": "C" if credit_of else "D",
        "Omschrijving": (
            f"Creditering van {ref(number, credit_of)}" if credit_of else f"Hoofdtaak {hoofdtaak}"
        ),
    }


def ref(number: int, seq: int) -> str:
    return f"K{number:03d}-{seq:04d}"


def simple(number: int, soort: str = "1", n: int = 3) -> Message:
    """A clean message of ``n`` lines of one quarter."""
    lines = [
        line(number, i, HOOFDTAKEN[(i - 1) % 7], 250_000 * i, soort, month=(i - 1) % 3 + 1)
        for i in range(1, n + 1)
    ]
    return Message(header(number, soort), lines)


@dataclass
class Scenario:
    """One casus: its story, what it tests and how its declaration is made."""

    id: str
    title: tuple[str, str]  # nl, en
    story: tuple[str, str]  # nl, en
    provokes: tuple[str, ...] = ()  # issue codes the declaration must raise
    sides: tuple[str, ...] = ("answered",)
    formats: tuple[str, ...] = TEXT_FORMATS
    message: Message | None = None
    raw: Callable[[], dict[str, bytes]] | None = None  # files made otherwise: fmt -> bytes
    extra: dict[str, Any] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        if self.raw is not None:
            return self.raw()
        assert self.message is not None
        return {fmt: self.message.render(fmt) for fmt in self.formats}


# -- the scenarios -----------------------------------------------------------------------------


def clean_scenarios() -> list[Scenario]:
    both = ("sent", "answered")
    out = [
        Scenario(
            "c01-p1-een-regel",
            ("Prestatie 1, één regel", "Prestatie 1, one line"),
            (
                "RESV Zorgzaam Twente (AGB 98012345) declareert bij zorgverzekeraar 3311 voor "
                "januari 2027 € 2.500,00 voor hoofdtaak 1 (mandatering en vertegenwoordiging), "
                "op overeenkomst OVK-3311-2027 en plan PLAN-TWENTE-2027, werkgebied W004 (Twente).",
                "RESV Zorgzaam Twente (AGB 98012345) bills insurer 3311 EUR 2,500.00 for main "
                "task 1 (mandate and representation) for January 2027, under agreement "
                "OVK-3311-2027 and plan PLAN-TWENTE-2027, region W004 (Twente).",
            ),
            sides=both,
            message=simple(1, n=1),
        ),
        Scenario(
            "c02-p1-alle-hoofdtaken",
            ("Prestatie 1, alle hoofdtaken", "Prestatie 1, every main task"),
            (
                "De RESV declareert het eerste kwartaal van 2027 bij zorgverzekeraar 3311: één "
                "regel per hoofdtaak 1, 2, 3, 4, 4a, 4b en 5, bedragen € 2.500 tot € 17.500.",
                "The RESV bills the first quarter of 2027 to insurer 3311: one line per main "
                "task 1, 2, 3, 4, 4a, 4b and 5, amounts EUR 2,500 to EUR 17,500.",
            ),
            sides=both,
            message=simple(2, n=7),
        ),
        Scenario(
            "c03-p2-alle-hoofdtaken",
            (
                "Prestatie 2 (onderlinge dienstverlening), alle hoofdtaken",
                "Prestatie 2 (mutual services), every main task",
            ),
            (
                "Hecht wijkverband Enschede-Oost (AGB 98054321) voert werk uit voor de RESV "
                "(AGB 98012345) en declareert dat bij de RESV als opdrachtgevende zorgaanbieder: "
                "één regel per hoofdtaak, op opdrachtovereenkomst OO-98012345-2027 en de "
                "overeenkomst die de RESV met zorgverzekeraar 3311 heeft.",
                "Neighbourhood team Enschede-Oost (AGB 98054321) works for the RESV (AGB "
                "98012345) and bills the RESV as commissioning provider: one line per main "
                "task, under order OO-98012345-2027 and the agreement the RESV holds with "
                "insurer 3311.",
            ),
            sides=both,
            message=simple(3, "2", n=7),
        ),
    ]
    vat = simple(4, n=2).edit(
        None, BtwIdentificatienummer="NL004495445B01", Iban="NL91ABNA0417164300"
    )
    vat = vat.edit(1, BtwBedrag=500_000 * 21 // 121)
    out.append(
        Scenario(
            "c04-p1-btw-en-iban",
            ("Prestatie 1 met btw en IBAN", "Prestatie 1 with VAT and IBAN"),
            (
                "De RESV vermeldt haar btw-identificatienummer NL004495445B01 en IBAN "
                "NL91ABNA0417164300; op de tweede regel (€ 5.000, hoofdtaak 2) zit € 867,76 btw.",
                "The RESV gives its VAT id NL004495445B01 and IBAN NL91ABNA0417164300; the second "
                "line (EUR 5,000, main task 2) includes EUR 867.76 VAT.",
            ),
            sides=both,
            message=vat,
        )
    )
    toel = simple(5, n=2).edit(
        0, Toelichting="Activiteiten uit het RESV-plan, niet gedeclareerd als O&I"
    )
    out.append(
        Scenario(
            "c05-p1-toelichting",
            ("Prestatie 1 met toelichting", "Prestatie 1 with an explanation"),
            (
                "De RESV licht op de eerste regel toe dat de activiteiten niet ook als O&I "
                "(organisatie en infrastructuur) zijn gedeclareerd (geen dubbele bekostiging).",
                "On the first line the RESV explains that the activities are not also billed as "
                "O&I (organisation and infrastructure): no double funding.",
            ),
            sides=both,
            message=toel,
        )
    )
    for number, soort in ((6, "1"), (8, "2")):
        message = simple(number, soort, n=2)
        amount = message.lines[0]["Bedrag"]
        message.lines.append(line(number, 3, "1", amount, soort, credit_of=1))
        out.append(
            Scenario(
                f"c{number:02d}-p{soort}-credit",
                (f"Prestatie {soort}, creditering", f"Prestatie {soort}, credit"),
                (
                    f"Na twee debetregels crediteert de declarant regel {ref(number, 1)} "
                    f"volledig: creditregel {ref(number, 3)} herhaalt haar en verwijst er met "
                    "VorigReferentienummer naar.",
                    f"After two debit lines the declaring party credits line {ref(number, 1)} "
                    f"in full: credit line {ref(number, 3)} repeats it and refers to it by "
                    "VorigReferentienummer.",
                ),
                sides=both,
                message=message,
            )
        )
    message = simple(7, n=2)
    first, second = message.lines
    message.lines.append(line(7, 3, "1", first["Bedrag"], credit_of=1))
    message.lines.append(line(7, 4, "2", second["Bedrag"], credit_of=2, month=2))
    out.append(
        Scenario(
            "c07-p1-twee-credits",
            ("Prestatie 1, twee regels gecrediteerd", "Prestatie 1, two lines credited"),
            (
                f"De declarant crediteert beide debetregels ({ref(7, 1)} en {ref(7, 2)}) "
                f"volledig; het bericht sluit op € 0,00.",
                f"The declaring party credits both debit lines ({ref(7, 1)} and {ref(7, 2)}) "
                "in full; the message nets to EUR 0.00.",
            ),
            sides=both,
            message=message,
        )
    )
    for number, soort in ((9, "1"), (10, "2")):
        message = simple(number, soort, n=2)
        old = message.lines[1]["Bedrag"]
        message.lines.append(line(number, 3, "2", old, soort, credit_of=2, month=2))
        message.lines.append(line(number, 4, "2", old - 12_345, soort, month=2))
        message.lines[3]["Omschrijving"] = f"Correctie van {ref(number, 2)}"
        out.append(
            Scenario(
                f"c{number:02d}-p{soort}-correctie",
                (f"Prestatie {soort}, correctie", f"Prestatie {soort}, correction"),
                (
                    f"Regel {ref(number, 2)} was € 123,45 te hoog: de declarant crediteert haar "
                    f"volledig ({ref(number, 3)}) en declareert het juiste bedrag opnieuw "
                    f"({ref(number, 4)}).",
                    f"Line {ref(number, 2)} was EUR 123.45 too high: the declaring party credits "
                    f"it in full ({ref(number, 3)}) and bills the right amount again "
                    f"({ref(number, 4)}).",
                ),
                sides=both,
                message=message,
            )
        )
    return out


#: rule code -> (nl, en, how the clean message is edited, formats, companion codes)
RuleEdit = Callable[[Message], Message]


def _rule(
    code: str,
    slug: str,
    nl: str,
    en: str,
    change: RuleEdit,
    soort: str = "1",
    formats: tuple[str, ...] = TEXT_FORMATS,
) -> Scenario:
    number = 100 + int(code[1:])
    message = change(simple(number, soort))
    entry = catalogue()[code]
    texts = codelist("retourcodes")
    short = (texts.text(entry.return_code, "nl"), texts.text(entry.return_code, "en"))
    if entry.severity.value == "warning":
        outcome = (
            f"De ontvanger keurt het goed, maar meldt de retourcode die regel {code} voorschrijft.",
            f"The receiver grants it, but reports the return code rule {code} prescribes.",
        )
    else:
        outcome = (
            f"De ontvanger moet dit afkeuren met de retourcode die regel {code} voorschrijft.",
            f"The receiver must reject it with the return code rule {code} prescribes.",
        )
    return Scenario(
        f"{code.lower()}-{slug}",
        (f"Regel {code}: {short[0] or nl}", f"Rule {code}: {short[1] or en}"),
        (
            f"Een bericht met drie regels waarin {nl}. {outcome[0]}",
            f"A message of three lines in which {en}. {outcome[1]}",
        ),
        provokes=(code,),
        message=message,
        formats=formats,
    )


def _credit_too_much(m: Message) -> Message:
    number = int(m.header["BerichtIdentificatie"][4:])
    m.lines.append(line(number, 4, "1", m.lines[0]["Bedrag"] + 1, credit_of=1))
    return m


def _wrong_total(m: Message) -> Message:
    m.totals = {**totals(m.lines)}
    m.totals["TotaalBedrag"] += 1
    return m


def _wrong_count(m: Message) -> Message:
    m.totals = {**totals(m.lines)}
    m.totals["AantalPrestaties"] += 1
    return m


def rule_scenarios() -> list[Scenario]:
    d = date
    return [
        _rule(
            "R001",
            "totaal",
            "het totaalbedrag één cent afwijkt van de som",
            "the total amount is one cent off the sum of the lines",
            _wrong_total,
        ),
        _rule(
            "R002",
            "aantal",
            "het aantal prestaties in de totalen één te hoog is",
            "the line count in the totals is one too high",
            _wrong_count,
        ),
        _rule(
            "R003",
            "referentie-dubbel",
            "twee regels hetzelfde referentienummer hebben",
            "two lines share a reference number",
            lambda m: m.edit(1, Referentienummer=m.lines[0]["Referentienummer"]),
        ),
        _rule(
            "R004",
            "credit-zonder-debet",
            "een creditregel naar een latere regel verwijst",
            "a credit line refers to a later line",
            lambda m: m.edit(
                0, DebetCredit="C", VorigReferentienummer=m.lines[2]["Referentienummer"]
            ),
        ),
        _rule(
            "R005",
            "begin-na-einde",
            "een regel eindigt vóór zij begint",
            "a line ends before it begins",
            lambda m: m.edit(0, Begindatum=d(2027, 3, 31), Einddatum=d(2027, 3, 1)),
        ),
        _rule(
            "R006",
            "na-experiment",
            "een regel doorloopt tot na het experiment",
            "a line runs beyond the end of the experiment",
            lambda m: m.edit(None, DeclaratieperiodeEinde=d(2032, 12, 31)).edit(
                0, Begindatum=d(2031, 12, 1), Einddatum=d(2032, 1, 31)
            ),
        ),
        _rule(
            "R007",
            "buiten-periode",
            "een regel buiten de declaratieperiode valt",
            "a line lies outside the declaration period",
            lambda m: m.edit(0, Begindatum=d(2027, 6, 1), Einddatum=d(2027, 6, 30)),
        ),
        _rule(
            "R008",
            "onbekende-code",
            "een regel een onbekende prestatiecode heeft",
            "a line carries an unknown prestatiecode",
            lambda m: m.edit(0, Prestatiecode="RESV99"),
        ),
        _rule(
            "R009",
            "code-andere-soort",
            "een regel van prestatie 1 de code van prestatie 2 heeft",
            "a prestatie 1 line carries the code of prestatie 2",
            lambda m: m.edit(0, Prestatiecode="RESV02"),
        ),
        _rule(
            "R010",
            "p1-aan-zorgaanbieder",
            "prestatie 1 aan een zorgaanbieder wordt gedeclareerd",
            "prestatie 1 is billed to a care provider",
            lambda m: m.edit(None, OntvangerUzovi=None, OntvangerAgb="98123456"),
        ),
        _rule(
            "R011",
            "uitvoerende-ontbreekt",
            "de uitvoerende zorgaanbieder ontbreekt",
            "the executing provider is missing",
            lambda m: m.edit(0, UitvoerendeZorgaanbieder=None),
            soort="2",
        ),
        _rule(
            "R012",
            "zelfde-zorgaanbieders",
            "uitvoerende en opdrachtgevende zorgaanbieder "
            "gelijk zijn (en de ontvanger dus niet de opdrachtgever is)",
            "executing and "
            "commissioning provider are the same (so the receiver is not the commissioning "
            "one either)",
            lambda m: m.edit(0, OpdrachtgevendeZorgaanbieder=WIJKVERBAND),
            soort="2",
        ),
        _rule(
            "R013",
            "ontvanger-niet-opdrachtgever",
            "de ontvanger niet de opdrachtgevende zorgaanbieder is",
            "the receiver is not the commissioning provider",
            lambda m: m.edit(None, OntvangerAgb="97000123"),
            soort="2",
        ),
        _rule(
            "R014",
            "agb-ongeldig",
            "de afzender een AGB-code van zorgaanbiedertype 00 heeft",
            "the sender's AGB code has provider type 00",
            lambda m: m.edit(None, Afzender="00123456"),
        ),
        _rule(
            "R015",
            "uzovi-ongeldig",
            "de zorgverzekeraar UZOVI 0000 heeft",
            "the insurer has UZOVI 0000",
            _uzovi_0000,
        ),
        _rule(
            "R016",
            "bsn-in-tekst",
            "de omschrijving van een regel een burgerservicenummer bevat",
            "a line's description contains a citizen service number (BSN)",
            lambda m: m.edit(1, Omschrijving="Overleg over patient 123456782"),
        ),
        _rule(
            "R017",
            "bedrag-te-breed",
            "een bedrag niet in de veldbreedte past",
            "an amount does not fit the field width",
            lambda m: m.edit(0, Bedrag=100_000_000_000),
            formats=("xml", "json", "ndjson"),
        ),
        _rule(
            "R019",
            "andere-verzekeraar",
            "een regel een andere zorgverzekeraar noemt dan de ontvanger",
            "a line names another insurer than the receiver",
            lambda m: m.edit(0, Zorgverzekeraar="9999"),
        ),
        _rule(
            "R020",
            "hoofdtaak-te-vroeg",
            "een regel in 2026 ligt, vóór de geldigheid van de "
            "hoofdtaken (en van de prestatiecode en het experiment)",
            "a line lies in 2026, "
            "before the main tasks (and the prestatiecode and the experiment) are valid",
            lambda m: m.edit(None, DeclaratieperiodeBegin=d(2026, 12, 1)).edit(
                0, Begindatum=d(2026, 12, 1), Einddatum=d(2026, 12, 31)
            ),
        ),
        _rule(
            "R021",
            "periode-omgekeerd",
            "de declaratieperiode eindigt vóór zij begint (zodat geen regel erin valt)",
            "the declaration period ends before it begins (so no line lies inside it)",
            lambda m: m.edit(
                None, DeclaratieperiodeBegin=d(2027, 3, 31), DeclaratieperiodeEinde=d(2027, 1, 1)
            ),
        ),
        _rule(
            "R022",
            "afzender-niet-uitvoerend",
            "de afzender van prestatie 2 niet de uitvoerende zorgaanbieder is",
            "the sender of prestatie 2 is not the executing provider",
            lambda m: m.edit(None, Afzender="97000456"),
            soort="2",
        ),
        _rule(
            "R023",
            "btw-nummer",
            "het btw-identificatienummer een fout controlecijfer heeft",
            "the VAT id has a wrong check digit",
            lambda m: m.edit(None, BtwIdentificatienummer="NL123456789B01"),
        ),
        _rule(
            "R024",
            "iban",
            "het IBAN niet aan de modulus-97-proef voldoet",
            "the IBAN fails the mod-97 check",
            lambda m: m.edit(None, Iban="NL91ABNA0417164301"),
        ),
        _rule(
            "R025",
            "credit-te-hoog",
            "een creditregel meer crediteert dan de debetregel waarnaar zij verwijst",
            "a credit line credits more than the debit line it refers to",
            _credit_too_much,
        ),
        _rule(
            "R026",
            "btw-te-hoog",
            "het btw-bedrag hoger is dan het bedrag van de regel",
            "the VAT amount exceeds the line amount",
            lambda m: m.edit(1, BtwBedrag=m.lines[1]["Bedrag"] + 1),
        ),
        _rule(
            "R028",
            "berichtcode",
            "de berichtcode die van een ander bericht is",
            "the message code is that of another message",
            lambda m: m.edit(None, BerichtCode="903"),
            # in EI the message code picks the layout: 903 is another layout (E014 and more)
            formats=("xml", "json", "ndjson"),
        ),
        _rule(
            "R034",
            "opdrachtovereenkomst-bij-p1",
            "een regel van prestatie 1 een opdrachtovereenkomst noemt",
            "a prestatie 1 line names a subcontract",
            lambda m: m.edit(0, OpdrachtOvereenkomst="OO-98012345-2027"),
        ),
        _rule(
            "R035",
            "gedeeltelijke-credit",
            "een creditregel maar een deel van haar "
            "debetregel crediteert (een gedeeltelijke correctie is een volledige creditering "
            "plus een nieuwe debetregel)",
            "a credit line credits only part of its debit "
            "line (a partial correction is a full credit plus a new debit)",
            _partial_credit,
        ),
        _rule(
            "R036",
            "onbekend-werkgebied",
            "het werkgebied W999 niet in de codelijst staat",
            "the werkgebied W999 is not in the code list",
            _every_line(Werkgebied="W999"),
        ),
        _rule(
            "R037",
            "twee-werkgebieden",
            "één RESV-plan twee werkgebieden heeft",
            "one RESV plan has two werkgebieden",
            lambda m: m.edit(2, Werkgebied="W001"),
        ),
        _rule(
            "R038",
            "einde-na-dagtekening",
            "een regel eindigt na de dagtekening van het bericht",
            "a line ends after the message's Dagtekening",
            lambda m: m.edit(None, DeclaratieperiodeEinde=d(2027, 6, 30)).edit(
                0, Begindatum=d(2027, 4, 1), Einddatum=d(2027, 4, 30)
            ),
        ),
        _rule(
            "R039",
            "toekomst",
            "een regel pas na de dagtekening begint (en eindigt)",
            "a line begins (and ends) after the Dagtekening",
            lambda m: m.edit(None, DeclaratieperiodeEinde=d(2027, 6, 30)).edit(
                0, Begindatum=d(2027, 5, 1), Einddatum=d(2027, 5, 31)
            ),
        ),
        _rule(
            "R040",
            "zorgkantoor",
            "aan Wlz-zorgkantoor 5509 wordt gedeclareerd",
            "Wlz care office 5509 is billed",
            _insurer("5509"),
        ),
        _rule(
            "R041",
            "uzovi-niet-in-register",
            "de zorgverzekeraar 9999 niet in het UZOVI-register staat",
            "insurer 9999 is not in the UZOVI register",
            _insurer("9999"),
        ),
        _rule(
            "R042",
            "bsn-achtige-referentie",
            "een referentienummer een getal is dat de "
            "elfproef doorstaat (een waarschuwing: de regel wordt toegekend)",
            "a reference "
            "number is a number that passes the eleven test (a warning: the line is granted)",
            lambda m: m.edit(1, Referentienummer="123456782"),
        ),
        _rule(
            "R027",
            "berichtversie",
            "de berichtversie niet bij deze standaard hoort",
            "the message version does not belong to this standard",
            lambda m: m.edit(None, BerichtVersie=facts().declaratie.version + 1),
        ),
    ]


def _partial_credit(m: Message) -> Message:
    number = int(m.header["BerichtIdentificatie"][4:])
    m.lines.append(line(number, 4, "1", 100_000, credit_of=1))
    return m


def _every_line(**changes: Any) -> Callable[[Message], Message]:
    def change(m: Message) -> Message:
        for x in m.lines:
            x.update(changes)
        return m

    return change


def _insurer(uzovi: str) -> Callable[[Message], Message]:
    def change(m: Message) -> Message:
        return _every_line(Zorgverzekeraar=uzovi)(m.edit(None, OntvangerUzovi=uzovi))

    return change


def _uzovi_0000(m: Message) -> Message:
    m = m.edit(None, OntvangerUzovi="0000")
    for x in m.lines:
        x["Zorgverzekeraar"] = "0000"
    return m


def _bytes_scenario(
    sid: str,
    code: str,
    title: tuple[str, str],
    story: tuple[str, str],
    make: Callable[[], bytes],
    fmt: str,
) -> Scenario:
    return Scenario(sid, title, story, provokes=(code,), formats=(fmt,), raw=lambda: {fmt: make()})


def message_scenarios() -> list[Scenario]:
    xml = simple(201).render("xml")
    ei = simple(202).render("ei")
    return [
        _bytes_scenario(
            "m01-xml-afgebroken",
            "X001",
            ("Bericht afgekeurd: XML afgebroken", "Message rejected: XML cut off"),
            (
                "Het bestand houdt halverwege op; het bericht is niet te lezen en wordt als geheel "
                "afgekeurd (retourcode 0001), zonder regels.",
                "The file stops half-way; the message cannot be read and is rejected as a whole "
                "(return code 0001), without lines.",
            ),
            lambda: xml[: len(xml) // 2],
            "xml",
        ),
        _bytes_scenario(
            "m02-xml-doctype",
            "X002",
            ("Bericht afgekeurd: DOCTYPE met entiteit", "Message rejected: DOCTYPE with entity"),
            (
                "Het bericht bevat een DOCTYPE met een entiteit; onveilige XML wordt niet gelezen "
                "en het bericht als geheel afgekeurd.",
                "The message holds a DOCTYPE with an entity; unsafe XML is not read and the "
                "message is rejected as a whole.",
            ),
            lambda: xml.replace(
                b"?>\n", b"?>\n<!DOCTYPE Declaratiebericht [<!ENTITY x 'y'>]>\n", 1
            ),
            "xml",
        ),
        _bytes_scenario(
            "m03-geen-bericht",
            "F002",
            ("Bericht afgekeurd: geen declaratiebericht", "Message rejected: not a declaration"),
            (
                "Het aangeleverde bestand is platte tekst, geen bericht van de standaard.",
                "The file delivered is plain text, not a message of the standard.",
            ),
            lambda: b"Dit is geen declaratiebericht.\n",
            "xml",
        ),
        _bytes_scenario(
            "m04-ei-recordlengte",
            "E001",
            ("EI: recordlengte onjuist", "EI: wrong record length"),
            (
                "In het EI-bestand is de tweede prestatieregel één teken te kort.",
                "In the EI file the second service record is one character short.",
            ),
            lambda: _shorten_record(ei, 2),
            "ei",
        ),
        _bytes_scenario(
            "m05-ei-sluitrecord-totaal",
            "R001",
            ("EI: totaal in sluitrecord klopt niet", "EI: trailer total does not reconcile"),
            (
                "Het totaalbedrag in het sluitrecord (99) van het EI-bestand is één cent te hoog.",
                "The total amount in the EI trailer record (99) is one cent too high.",
            ),
            lambda: _wrong_total(simple(203)).render("ei"),
            "ei",
        ),
    ]


def _shorten_record(ei: bytes, index: int) -> bytes:
    rows = ei.split(b"\r\n")
    rows[index] = rows[index][:-1]
    return b"\r\n".join(rows)


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=(2027, 4, 15, 12, 0, 0))
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return out.getvalue()


def _as_zip(make: Callable[[], bytes]) -> Callable[[], dict[str, bytes]]:
    return lambda: {"zip": make()}


def archive_scenarios() -> list[Scenario]:
    xml = simple(301).render("xml")
    rules = "mappings/transport/vecozo.toml"
    cases: list[tuple[str, str, tuple[str, str], tuple[str, str], Callable[[], bytes]]] = [
        (
            "v01-zip-geaccepteerd",
            "",
            ("Archief geaccepteerd", "Archive accepted"),
            (
                "De declaratie komt in een zip-archief dat aan alle VECOZO-regels voldoet; het "
                "antwoord is dat op de declaratie zelf.",
                "The declaration comes in a zip archive that meets every VECOZO rule; the answer "
                "is that to the declaration itself.",
            ),
            lambda: _zip([("declaratie.xml", xml)]),
        ),
        (
            "v02-zip-te-veel-bestanden",
            "F010",
            ("Archief afgewezen: te veel bestanden", "Archive refused: too many files"),
            (
                "Het archief bevat 31 bestanden; VECOZO staat er hoogstens 30 toe "
                f"({rules}, max_members).",
                f"The archive holds 31 files; VECOZO accepts at most 30 ({rules}, max_members).",
            ),
            lambda: _zip([(f"declaratie{i:02d}.xml", xml) for i in range(31)]),
        ),
        (
            "v03-zip-in-zip",
            "F010",
            ("Archief afgewezen: archief in archief", "Archive refused: archive inside archive"),
            (
                "Het archief bevat zelf weer een zip-bestand; geneste archieven worden niet "
                "uitgepakt.",
                "The archive holds another zip file; nested archives are not unpacked.",
            ),
            lambda: _zip([("declaraties.zip", _zip([("declaratie.xml", xml)]))]),
        ),
        (
            "v04-zip-onveilige-naam",
            "F010",
            ("Archief afgewezen: onveilige bestandsnaam", "Archive refused: unsafe file name"),
            (
                "Een bestand in het archief heet ../declaratie.xml en zou buiten de map "
                "terechtkomen.",
                "A file in the archive is named ../declaratie.xml and would land "
                "outside the folder.",
            ),
            lambda: _zip([("../declaratie.xml", xml)]),
        ),
        (
            "v05-zip-bom",
            "F010",
            ("Archief afgewezen: zip-bom", "Archive refused: zip bomb"),
            (
                "Een bestand van 2 MB pakt meer dan 100 keer zo groot uit als het gecomprimeerd "
                f"is ({rules}, max_ratio).",
                "A 2 MB member unpacks to more than 100 times its packed size "
                f"({rules}, max_ratio).",
            ),
            lambda: _zip([("declaratie.xml", b" " * 2 * 1024 * 1024)]),
        ),
        (
            "v06-zip-compressiemethode",
            "F010",
            ("Archief afgewezen: compressiemethode", "Archive refused: compression method"),
            (
                "Het archief is met bzip2 (methode 12) gecomprimeerd; alleen stored en deflate "
                "zijn toegestaan.",
                "The archive is compressed with bzip2 (method 12); only stored and "
                "deflate are accepted.",
            ),
            lambda: _zip([("declaratie.xml", xml)], zipfile.ZIP_BZIP2),
        ),
    ]
    return [
        Scenario(
            sid,
            title,
            story,
            provokes=(code,) if code else (),
            formats=("zip",),
            raw=_as_zip(make),
        )
        for sid, code, title, story, make in cases
    ]


# -- structure: the technical rules of each format (one scenario per code) ------------------------

Structure = tuple[str, str, str, str, str, str, str, Callable[[], bytes]]


def _ei_fields() -> dict[str, tuple[int, int]]:
    """EI field id -> (start, length) in the declaration's layout."""
    msg = facts().declaratie
    name = f"{msg.ei_standard}_v{msg.version}.{msg.subversion}.json"
    layout = json.loads((mappings_dir() / "ei" / name).read_text(encoding="utf-8"))
    records = layout["records"]
    records = records if isinstance(records, list) else list(records.values())
    return {f["id"]: (f["start"], f["length"]) for r in records for f in r["fields"]}


def _ei_set(ei: bytes, row: int, field_id: str, value: bytes) -> bytes:
    """``ei`` with field ``field_id`` of record ``row`` (0 = header) set to ``value``."""
    start, length = _ei_fields()[field_id]
    rows = ei.split(b"\r\n")
    rec = rows[row]
    rows[row] = rec[: start - 1] + value.ljust(length)[:length] + rec[start - 1 + length :]
    return b"\r\n".join(rows)


def _ei_rows(ei: bytes, change: Callable[[list[bytes]], list[bytes]]) -> bytes:
    rows = ei.split(b"\r\n")[:-1]
    return b"\r\n".join(change(rows)) + b"\r\n"


def _xml_value(xml: bytes, element: str, value: str) -> bytes:
    start = xml.index(f"<{element}>".encode()) + len(element) + 2
    return xml[:start] + value.encode() + xml[xml.index(f"</{element}>".encode(), start) :]


def _drop_line(data: bytes, marker: str) -> bytes:
    start = data.rindex(b"\n", 0, data.index(marker.encode())) + 1
    return data[:start] + data[data.index(b"\n", start) + 1 :]


def _once(data: bytes, old: str, new: str) -> bytes:
    if old.encode() not in data:
        raise ValueError(f"{old!r} not in the scenario's declaration")
    return data.replace(old.encode(), new.encode(), 1)


def structure_scenarios() -> list[Scenario]:
    xml = simple(401).render("xml")
    doc = simple(402).render("json")
    nd = simple(403).render("ndjson")
    ei = simple(404).render("ei")
    cases: list[Structure] = [
        (
            "s001-veld-ontbreekt",
            "S001",
            "xml",
            "een verplicht veld ontbreekt",
            "a mandatory field is missing",
            "in de eerste regel ontbreekt het element Werkgebied",
            "the first line lacks the element Werkgebied",
            lambda: _drop_line(xml, "<Werkgebied>"),
        ),
        (
            "s002-veld-ongeldig",
            "S002",
            "xml",
            "een veld heeft een ongeldige waarde",
            "a field holds an invalid value",
            "het eerste Bedrag is 12a34",
            "the first Bedrag is 12a34",
            lambda: _xml_value(xml, "Bedrag", "12a34"),
        ),
        (
            "s003-onbekend-veld",
            "S003",
            "json",
            "een onbekend veld",
            "an unknown field",
            "een regel heeft een veld Patientnaam dat de standaard niet kent",
            "a line has a field Patientnaam the standard does not know",
            lambda: _once(doc, '"Werkgebied":', '"Patientnaam":"Jansen","Werkgebied":'),
        ),
        (
            "f005-release-1-0",
            "F005",
            "xml",
            "een bericht van release 1.0",
            "a message of release 1.0",
            "het bericht is opgesteld volgens release 1.0 (namespace, XsdVersie en subversie)",
            "the message follows release 1.0 (namespace, XsdVersie and subversion)",
            lambda: _release_1_0(),
        ),
        (
            "x003-xml-verkeerde-root",
            "X003",
            "xml",
            "een ander root-element",
            "another root element",
            "het root-element heet Factuurbericht",
            "the root element is Factuurbericht",
            lambda: xml.replace(b"Declaratiebericht", b"Factuurbericht"),
        ),
        (
            "x004-xml-onbekend-element",
            "X004",
            "xml",
            "een onbekend element",
            "an unknown element",
            "een regel bevat een element Bijlage",
            "a line holds an element Bijlage",
            lambda: _once(xml, "</Werkgebied>", "</Werkgebied><Bijlage>x</Bijlage>"),
        ),
        (
            "x005-xml-totalen-ontbreken",
            "X005",
            "xml",
            "de totalen ontbreken",
            "the totals are missing",
            "het element Totalen ontbreekt",
            "the element Totalen is missing",
            lambda: xml[: xml.index(b"  <Totalen>")] + xml[xml.index(b"</Totalen>\n") + 11 :],
        ),
        (
            "j001-json-afgebroken",
            "J001",
            "json",
            "JSON afgebroken",
            "JSON cut off",
            "het JSON-document houdt halverwege op",
            "the JSON document stops half-way",
            lambda: doc[: len(doc) // 2],
        ),
        (
            "j002-ndjson-regel-kapot",
            "J002",
            "ndjson",
            "een kapotte NDJSON-regel",
            "a broken NDJSON line",
            "de derde regel van het NDJSON-bestand is afgebroken",
            "the third line of the NDJSON file is cut off",
            lambda: _break_line(nd, 2),
        ),
        (
            "j003-json-onbekend-object",
            "J003",
            "json",
            "een onbekend JSON-object",
            "an unknown JSON object",
            "het document heeft een object Bijlage",
            "the document has an object Bijlage",
            lambda: _once(doc, '"Totalen":', '"Bijlage": {"Tekst": "x"},\n"Totalen":'),
        ),
        (
            "j004-json-dubbele-sleutel",
            "J004",
            "json",
            "een dubbele sleutel",
            "a duplicate key",
            "een regel heeft de sleutel DebetCredit twee keer",
            "a line has the key DebetCredit twice",
            lambda: _once(doc, '"DebetCredit":"D"', '"DebetCredit":"D","DebetCredit":"C"'),
        ),
        (
            "f003-leeg-bestand",
            "F003",
            "xml",
            "een leeg bestand",
            "an empty file",
            "het bestand is leeg",
            "the file is empty",
            lambda: b"",
        ),
        (
            "f004-utf16",
            "F004",
            "json",
            "een niet toegestane tekenset",
            "a character encoding not accepted",
            "het JSON-document is in UTF-16 gecodeerd",
            "the JSON document is encoded in UTF-16",
            lambda: b"\xff\xfe" + doc.decode().encode("utf-16-le"),
        ),
        (
            "e002-ei-regeleinde",
            "E002",
            "ei",
            "regeleinden zonder CR",
            "line ends without CR",
            "de records eindigen op LF in plaats van CR LF",
            "the records end in LF, not CR LF",
            lambda: ei.replace(b"\r\n", b"\n"),
        ),
        (
            "e003-ei-onbekend-recordtype",
            "E003",
            "ei",
            "een onbekend recordtype",
            "an unknown record type",
            "na de eerste prestatie staat een record van type 05",
            "a record of type 05 follows the first service record",
            lambda: _ei_rows(ei, lambda r: [*r[:2], b"05" + r[1][2:], *r[2:]]),
        ),
        (
            "e004-ei-volgorde",
            "E004",
            "ei",
            "records in de verkeerde volgorde",
            "records out of order",
            "een prestatierecord staat na het sluitrecord",
            "a service record follows the trailer",
            lambda: _ei_rows(ei, lambda r: [r[0], *r[2:], r[1]]),
        ),
        (
            "e005-ei-niet-numeriek",
            "E005",
            "ei",
            "letters in een numeriek veld",
            "letters in a numeric field",
            "de zorgverzekeraar van de eerste regel is 33A1",
            "the insurer of the first line is 33A1",
            lambda: _ei_set(ei, 1, "0410", b"33A1"),
        ),
        (
            "e006-ei-datum",
            "E006",
            "ei",
            "een ongeldige datum",
            "an invalid date",
            "de begindatum van de eerste regel is 30 februari 2027",
            "the begin date of the first line is 30 February 2027",
            lambda: _ei_set(ei, 1, "0414", b"20270230"),
        ),
        (
            "e007-ei-verplicht-veld-leeg",
            "E007",
            "ei",
            "een leeg verplicht veld",
            "an empty mandatory field",
            "de prestatiesoort van de eerste regel is leeg",
            "the prestatiesoort of the first line is empty",
            lambda: _ei_set(ei, 1, "0405", b""),
        ),
        (
            "e009-ei-sluitrecord-aantal",
            "E009",
            "ei",
            "een aantal in het sluitrecord klopt niet",
            "a count in the trailer does not reconcile",
            "het totaal aantal detailrecords in het sluitrecord is 9",
            "the trailer's count of detail records is 9",
            lambda: _ei_set(ei, 4, "9904", b"0000009"),
        ),
        (
            "e011-ei-tekenset",
            "E011",
            "ei",
            "een teken buiten de tekenset",
            "a character outside the character set",
            "de omschrijving van de eerste regel bevat een stuurteken",
            "the description of the first line holds a control character",
            lambda: _ei_set(ei, 1, "0419", b"Hoofdtaak\x011"),
        ),
        (
            "e012-ei-sluitrecord-ontbreekt",
            "E012",
            "ei",
            "het sluitrecord ontbreekt",
            "the trailer is missing",
            "het bestand eindigt zonder sluitrecord (99)",
            "the file ends without a trailer record (99)",
            lambda: _ei_rows(ei, lambda r: r[:-1]),
        ),
        (
            "e013-ei-debet-credit",
            "E013",
            "ei",
            "een ongeldige debet/creditindicator",
            "an invalid debit/credit indicator",
            "de debet/creditindicator van de eerste regel is X",
            "the debit/credit indicator of the first line is X",
            lambda: _ei_set(ei, 1, "0417", b"X"),
        ),
        (
            "e014-ei-onbekende-standaard",
            "E014",
            "ei",
            "een onbekende EI-standaard",
            "an unknown EI standard",
            "de berichtcode in het voorlooprecord is 999",
            "the message code in the header record is 999",
            lambda: _ei_set(ei, 0, "0102", b"999"),
        ),
    ]
    out = []
    for sid, code, fmt, nl, en, story_nl, story_en, make in cases:
        out.append(
            Scenario(
                sid,
                (f"{code}: {nl}", f"{code}: {en}"),
                (
                    f"Een {fmt.upper()}-bericht waarin {story_nl}. De ontvanger moet het "
                    f"afkeuren met de retourcode die {code} voorschrijft.",
                    f"A message in {fmt.upper()} in which {story_en}. The receiver must reject "
                    f"it with the return code {code} prescribes.",
                ),
                provokes=(code,),
                formats=(fmt,),
                raw=_as_raw(fmt, make),
            )
        )
    return out


def _release_1_0() -> bytes:
    xml = simple(405).edit(None, BerichtSubversie=0, XsdVersie="1.0.0").render("xml")
    return _once(xml, DECLARATIE.namespace, DECLARATIE.namespace.rsplit(":", 1)[0] + ":1.0")


def _as_raw(fmt: str, make: Callable[[], bytes]) -> Callable[[], dict[str, bytes]]:
    return lambda: {fmt: make()}


def _break_line(ndjson: bytes, index: int) -> bytes:
    rows = ndjson.split(b"\n")
    rows[index] = rows[index][: len(rows[index]) // 2]
    return b"\n".join(rows)


def all_scenarios() -> list[Scenario]:
    found = clean_scenarios() + rule_scenarios() + message_scenarios()
    found += structure_scenarios() + archive_scenarios()
    ids = [s.id for s in found]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate scenario ids")
    return found


# -- writing -----------------------------------------------------------------------------------


def expected_retour(path: Path) -> bytes:
    """The return message resv-edi's retour builder gives the declaration at ``path``."""
    out = io.BytesIO()
    get_format("xml").writer(answer_records(path, today=RETOUR_DAY), out, RETOUR)
    return out.getvalue()


def build_scenario(scenario: Scenario) -> dict[str, bytes]:
    """File name -> content of one scenario folder; checks what the scenario claims."""
    files = {f"declaratie.{SUFFIX[fmt]}": data for fmt, data in scenario.files().items()}
    answers: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            path = Path(folder) / name
            path.write_bytes(data)
            codes = {i.code for i in check_file(path).issues}
            missing = set(scenario.provokes) - codes
            if missing or (not scenario.provokes and scenario.id.startswith("c") and codes):
                raise ValueError(f"{scenario.id}/{name}: provokes {sorted(codes)}")
            answers[name] = expected_retour(path)
    distinct = set(answers.values())
    if len(distinct) != 1:
        raise ValueError(f"{scenario.id}: the formats are answered differently")
    files["retour.xml"] = distinct.pop()
    files["scenario.toml"] = scenario_toml(scenario, sorted(n for n in files if n.startswith("d")))
    return files


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def scenario_toml(scenario: Scenario, declarations: list[str]) -> bytes:
    rows = [
        "# Generated by tools/make_scenarios.py: change the tool, not this file.",
        f"id = {_toml_str(scenario.id)}",
        f"title_nl = {_toml_str(scenario.title[0])}",
        f"title_en = {_toml_str(scenario.title[1])}",
        f"story_nl = {_toml_str(scenario.story[0])}",
        f"story_en = {_toml_str(scenario.story[1])}",
        f"sides = [{', '.join(_toml_str(s) for s in scenario.sides)}]",
        f"provokes = [{', '.join(_toml_str(c) for c in scenario.provokes)}]",
        f"declarations = [{', '.join(_toml_str(d) for d in declarations)}]",
        'expected_retour = "retour.xml"',
        f"standard_version = {_toml_str(facts().version)}",
    ]
    return ("\n".join(rows) + "\n").encode()


def build() -> dict[Path, bytes]:
    """Every scenario file (relative to ``conformance/scenarios``) -> content."""
    return {
        Path(s.id) / name: data for s in all_scenarios() for name, data in build_scenario(s).items()
    }


def main(argv: list[str] | None = None) -> int:
    """Write the scenarios, or with ``--check`` report whether they are up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--root", type=Path, default=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root: Path = args.root
    wanted = build()
    stale = [rel for rel, data in wanted.items() if _read(root / rel) != data]
    on_disk = (
        {p.relative_to(root) for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    )
    extra = sorted(on_disk - set(wanted))
    if args.check:
        for rel in [*stale, *extra]:
            print(f"out of date: {rel}", file=sys.stderr)
        return 1 if stale or extra else 0
    for rel in stale:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(wanted[rel])
    for rel in extra:
        (root / rel).unlink()
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    scenarios = len({rel.parts[0] for rel in wanted})
    print(
        f"{scenarios} scenarios, {len(stale)} files written, {len(extra)} removed", file=sys.stderr
    )
    return 0


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


if __name__ == "__main__":
    sys.exit(main())
