"""The rules of the catalogue that look at one record (with the header as context).

Each function yields ``(placeholders, field)`` for every breach; the engine turns them into
issues with the catalogue's text and the record's location.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stdnum import iban
from stdnum.nl import btw

from resv_edi.identifiers import agb, uzovi
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.privacy import contains_possible_bsn
from resv_edi.rules.registry import Finding, rule
from resv_edi.standard.codelists import codelist
from resv_edi.standard.facts import facts


class MessageContext:
    """What record rules may know about the message: its header (or ``None`` if unreadable)."""

    def __init__(self) -> None:
        self.header: Header | None = None


def _agb_findings(record: Any, fields: tuple[str, ...]) -> Iterator[Finding]:
    for name in fields:
        value = getattr(record, name)
        if value is not None:
            reason = agb.problem(value)
            if reason:
                yield {"value": value, "field": _alias(record, name), "reason": reason}, name


def _uzovi_findings(record: Any, fields: tuple[str, ...]) -> Iterator[Finding]:
    for name in fields:
        value = getattr(record, name)
        if value is not None:
            reason = uzovi.problem(value)
            if reason:
                yield {"value": value, "field": _alias(record, name), "reason": reason}, name


def _alias(record: Any, name: str) -> str:
    return type(record).model_fields[name].alias or name


def _bsn_findings(record: Any) -> Iterator[Finding]:
    cls = type(record)
    for element in facts().free_text_fields:
        attr = _ATTR_BY_ALIAS.get((cls, element))
        if attr is None:
            continue
        value = getattr(record, attr)
        if isinstance(value, str) and contains_possible_bsn(value):
            yield {"field": element}, attr


_ATTR_BY_ALIAS: dict[tuple[type, str], str] = {
    (cls, f.alias or name): name
    for cls in (Header, Prestatie, Totalen)
    for name, f in cls.model_fields.items()
}


# -- header ----------------------------------------------------------------------------------


@rule("R014", "header")
def header_agb(header: Header, ctx: MessageContext) -> Iterator[Finding]:
    yield from _agb_findings(header, ("afzender", "ontvanger_agb"))


@rule("R015", "header")
def header_uzovi(header: Header, ctx: MessageContext) -> Iterator[Finding]:
    yield from _uzovi_findings(header, ("ontvanger_uzovi",))


@rule("R016", "header")
def header_bsn(header: Header, ctx: MessageContext) -> Iterator[Finding]:
    yield from _bsn_findings(header)


@rule("R021", "header")
def declaration_period(header: Header, ctx: MessageContext) -> Iterator[Finding]:
    begin, end = header.declaratieperiode_begin, header.declaratieperiode_einde
    if begin > end:
        yield {"begin": begin, "end": end, "reason": "begin after end"}, "declaratieperiode_begin"


@rule("R023", "header")
def vat_number(header: Header, ctx: MessageContext) -> Iterator[Finding]:
    value = header.btw_identificatienummer
    if value is not None and not btw.is_valid(value):
        yield {"value": value}, "btw_identificatienummer"


@rule("R024", "header")
def iban_number(header: Header, ctx: MessageContext) -> Iterator[Finding]:
    if header.iban is not None and not iban.is_valid(header.iban):
        yield {"value": header.iban}, "iban"


# -- lines -----------------------------------------------------------------------------------


@rule("R005", "line")
def begin_before_end(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    if line.begindatum > line.einddatum:
        yield {"begin": line.begindatum, "end": line.einddatum}, "begindatum"


@rule("R006", "line")
def within_experiment(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    first, last = facts().first_day, facts().last_day
    if line.begindatum < first or line.einddatum > last:
        yield (
            {
                "begin": line.begindatum,
                "end": line.einddatum,
                "first": first,
                "last": last,
            },
            "begindatum",
        )


@rule("R007", "line")
def within_declaration_period(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    header = ctx.header
    if header is None:
        return
    begin, end = header.declaratieperiode_begin, header.declaratieperiode_einde
    if line.begindatum < begin or line.einddatum > end:
        yield (
            {
                "begin": line.begindatum,
                "end": line.einddatum,
                "period_begin": begin,
                "period_end": end,
            },
            "begindatum",
        )


@rule("R008", "line")
def code_valid_on_date(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    if not codelist("prestatiecodes").is_valid(line.prestatiecode, line.begindatum):
        yield {"value": line.prestatiecode, "date": line.begindatum}, "prestatiecode"


@rule("R009", "line")
def code_matches_soort(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    entry = codelist("prestatiecodes").get(line.prestatiecode)
    if entry is not None and entry.attributes.get("prestatiesoort") != line.prestatiesoort:
        yield {"value": line.prestatiecode, "soort": line.prestatiesoort}, "prestatiecode"


@rule("R020", "line")
def hoofdtaak_valid_on_date(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    if not codelist("hoofdtaken").is_valid(line.hoofdtaak, line.begindatum):
        yield {"value": line.hoofdtaak, "date": line.begindatum}, "hoofdtaak"


@rule("R010", "line")
def prestatie1_to_insurer(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    if line.prestatiesoort == "1" and ctx.header is not None and ctx.header.ontvanger_uzovi is None:
        yield {}, "prestatiesoort"


@rule("R019", "line")
def insurer_is_receiver(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    header = ctx.header
    if line.prestatiesoort != "1" or header is None or header.ontvanger_uzovi is None:
        return
    if line.zorgverzekeraar != header.ontvanger_uzovi:
        yield {"found": line.zorgverzekeraar, "expected": header.ontvanger_uzovi}, "zorgverzekeraar"


@rule("R011", "line")
def prestatie2_parties(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    if line.prestatiesoort == "2" and (
        line.uitvoerende_zorgaanbieder is None or line.opdrachtgevende_zorgaanbieder is None
    ):
        missing = (
            "uitvoerende_zorgaanbieder"
            if line.uitvoerende_zorgaanbieder is None
            else "opdrachtgevende_zorgaanbieder"
        )
        yield {}, missing


@rule("R012", "line")
def prestatie2_distinct(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    if (
        line.prestatiesoort == "2"
        and line.uitvoerende_zorgaanbieder is not None
        and line.uitvoerende_zorgaanbieder == line.opdrachtgevende_zorgaanbieder
    ):
        yield {"value": line.uitvoerende_zorgaanbieder}, "opdrachtgevende_zorgaanbieder"


@rule("R013", "line")
def prestatie2_receiver(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    header = ctx.header
    commissioning = line.opdrachtgevende_zorgaanbieder
    if line.prestatiesoort != "2" or header is None or commissioning is None:
        return
    if header.ontvanger_agb != commissioning:
        yield (
            {"expected": commissioning, "found": header.ontvanger},
            "opdrachtgevende_zorgaanbieder",
        )


@rule("R022", "line")
def prestatie2_sender(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    header = ctx.header
    executing = line.uitvoerende_zorgaanbieder
    if line.prestatiesoort != "2" or header is None or executing is None:
        return
    if header.afzender != executing:
        yield {"found": header.afzender, "expected": executing}, "uitvoerende_zorgaanbieder"


@rule("R014", "line")
def line_agb(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    yield from _agb_findings(line, ("uitvoerende_zorgaanbieder", "opdrachtgevende_zorgaanbieder"))


@rule("R015", "line")
def line_uzovi(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    yield from _uzovi_findings(line, ("zorgverzekeraar",))


@rule("R016", "line")
def line_bsn(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    yield from _bsn_findings(line)


@rule("R017", "line")
def line_amount_width(line: Prestatie, ctx: MessageContext) -> Iterator[Finding]:
    digits = facts().line_amount_digits
    if line.bedrag >= 10**digits:
        yield {"value": line.bedrag, "field": "Bedrag", "digits": digits}, "bedrag"
    vat_digits = facts().vat_amount_digits
    if line.btw_bedrag is not None and line.btw_bedrag >= 10**vat_digits:
        yield {"value": line.btw_bedrag, "field": "BtwBedrag", "digits": vat_digits}, "btw_bedrag"


@rule("R017", "totals")
def total_amount_width(totals: Totalen, ctx: MessageContext) -> Iterator[Finding]:
    digits = facts().total_amount_digits
    if totals.totaal_bedrag >= 10**digits:
        yield (
            {"value": totals.totaal_bedrag, "field": "TotaalBedrag", "digits": digits},
            ("totaal_bedrag"),
        )
