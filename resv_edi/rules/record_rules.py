"""The rules of the catalogue that look at one record (with the header as context).

Each function returns the ``(placeholders, field)`` findings of every breach (an empty tuple
when there is none: most records break no rule, so that path is kept cheap); the engine turns
them into issues with the catalogue's text and the record's location.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any

from resv_edi.identifiers import agb, iban, uzovi
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.privacy import contains_possible_bsn, may_hold_bsn
from resv_edi.rules.registry import Finding, Findings, rule
from resv_edi.standard.codelists import codelist
from resv_edi.standard.facts import facts


class MessageContext:
    """What record rules may know about the message: its header (or ``None`` if unreadable)."""

    def __init__(self) -> None:
        self.header: Header | None = None


def _identifier_findings(
    record: Any, fields: tuple[str, ...], problem: Callable[[str], str | None]
) -> Findings:
    found: list[Finding] = []
    for name in fields:
        value = getattr(record, name)
        if value is not None:
            reason = problem(value)
            if reason:
                found.append(
                    ({"value": value, "field": _alias(record, name), "reason": reason}, name)
                )
    return found


def _alias(record: Any, name: str) -> str:
    return type(record).model_fields[name].alias or name


def _bsn_findings(record: Any, scope: str = "free_text") -> Findings:
    """A finding per field of ``record`` in ``scope`` (``free_text``: the free-text fields,
    R016; ``reference``: the identifying fields, R042) that holds a possible BSN."""
    fields, texts_of = _text_fields(record.__class__, scope)
    texts = texts_of(record)
    if not may_hold_bsn("|".join(filter(None, texts))):  # the usual case: no 9 digits
        return ()
    return [
        ({"field": element}, attr)
        for (element, attr), text in zip(fields, texts, strict=True)
        if text and contains_possible_bsn(text)
    ]


@cache
def _text_fields(
    cls: type, scope: str
) -> tuple[tuple[tuple[str, str], ...], Callable[[Any], tuple[Any, ...]]]:
    """(element, attribute) of the fields of ``cls`` in ``scope`` (the element lists of
    ``[privacy]`` in ``mappings/standard.toml``), and a getter of their values as a tuple."""
    elements = facts().reference_fields if scope == "reference" else facts().free_text_fields
    by_alias = {f.alias or name: name for name, f in cls.model_fields.items()}  # type: ignore[attr-defined]
    fields = tuple((e, by_alias[e]) for e in elements if e in by_alias)
    if not fields:
        return fields, lambda record: ()
    if len(fields) == 1:
        single = attrgetter(fields[0][1])
        return fields, lambda record: (single(record),)
    return fields, attrgetter(*(attr for _, attr in fields))


# -- header ----------------------------------------------------------------------------------


@rule("R014", "header")
def header_agb(header: Header, ctx: MessageContext) -> Findings:
    return _identifier_findings(header, ("afzender", "ontvanger_agb"), agb.problem)


@rule("R015", "header")
def header_uzovi(header: Header, ctx: MessageContext) -> Findings:
    return _identifier_findings(header, ("ontvanger_uzovi",), uzovi.problem)


@rule("R016", "header")
def header_bsn(header: Header, ctx: MessageContext) -> Findings:
    return _bsn_findings(header)


@rule("R042", "header")
def header_reference_bsn(header: Header, ctx: MessageContext) -> Findings:
    return _bsn_findings(header, "reference")


@rule("R021", "header")
def declaration_period(header: Header, ctx: MessageContext) -> Findings:
    begin, end = header.declaratieperiode_begin, header.declaratieperiode_einde
    if begin > end:
        return [
            ({"begin": begin, "end": end, "reason": "begin after end"}, "declaratieperiode_begin")
        ]
    return ()


@rule("R023", "header")
def vat_number(header: Header, ctx: MessageContext) -> Findings:
    value = header.btw_identificatienummer
    if value is None:
        return ()
    from stdnum.nl import btw  # here: python-stdnum costs ~40 ms of start-up

    if not btw.is_valid(value):
        return [({"value": value}, "btw_identificatienummer")]
    return ()


@rule("R024", "header")
def iban_number(header: Header, ctx: MessageContext) -> Findings:
    if header.iban is not None and not iban.is_valid(header.iban):
        return [({"value": header.iban}, "iban")]
    return ()


@rule("R027", "header")
def message_version(header: Header, ctx: MessageContext) -> Findings:
    return version_findings(header, facts().declaratie)


@rule("R028", "header")
def message_code(header: Header, ctx: MessageContext) -> Findings:
    return code_findings(header, facts().declaratie)


def code_findings(header: Any, message: Any) -> Findings:
    """BerichtCode of this message (R028)."""
    if header.bericht_code != message.code:
        return [({"found": header.bericht_code, "expected": message.code}, "bericht_code")]
    return ()


def version_findings(header: Any, message: Any) -> Findings:
    """BerichtVersie, -Subversie and the XsdVersie's major.minor of this release (R027); a
    header of a retired release is F005 instead (the engine reports it)."""
    if retired_release(header) is not None:
        return ()
    found: list[Finding] = []
    for field, value, expected in (
        ("bericht_versie", header.bericht_versie, message.version),
        ("bericht_subversie", header.bericht_subversie, message.subversion),
    ):
        if value != expected:
            found.append(
                ({"field": _alias(header, field), "found": value, "expected": expected}, field)
            )
    major_minor = facts().release
    if header.xsd_versie.rsplit(".", 1)[0] != major_minor:
        found.append(
            (
                {"field": "XsdVersie", "found": header.xsd_versie, "expected": f"{major_minor}.x"},
                "xsd_versie",
            )
        )
    return found


def retired_release(header: Any) -> str | None:
    """The retired release of the standard a header names (XsdVersie, or BerichtVersie and
    -Subversie), or ``None``."""
    return facts().retired_release(
        xsd_version=header.xsd_versie,
        version=header.bericht_versie,
        subversion=header.bericht_subversie,
    )


# -- lines -----------------------------------------------------------------------------------


@rule("R005", "line")
def begin_before_end(line: Prestatie, ctx: MessageContext) -> Findings:
    if line.begindatum > line.einddatum:
        return [({"begin": line.begindatum, "end": line.einddatum}, "begindatum")]
    return ()


@rule("R006", "line")
def within_experiment(line: Prestatie, ctx: MessageContext) -> Findings:
    first, last = facts().first_day, facts().last_day
    if line.begindatum < first or line.einddatum > last:
        return [
            (
                {
                    "begin": line.begindatum,
                    "end": line.einddatum,
                    "first": first,
                    "last": last,
                },
                "begindatum",
            )
        ]
    return ()


@rule("R007", "line")
def within_declaration_period(line: Prestatie, ctx: MessageContext) -> Findings:
    """Debit lines only: a credit may correct a line of an earlier declaration period."""
    header = ctx.header
    if header is None or line.debet_credit == "C":
        return ()
    begin, end = header.declaratieperiode_begin, header.declaratieperiode_einde
    if line.begindatum < begin or line.einddatum > end:
        return [
            (
                {
                    "begin": line.begindatum,
                    "end": line.einddatum,
                    "period_begin": begin,
                    "period_end": end,
                },
                "begindatum",
            )
        ]
    return ()


@rule("R008", "line")
def code_valid_on_date(line: Prestatie, ctx: MessageContext) -> Findings:
    if not codelist("prestatiecodes").is_valid(line.prestatiecode, line.begindatum):
        return [({"value": line.prestatiecode, "date": line.begindatum}, "prestatiecode")]
    return ()


@rule("R009", "line")
def code_matches_soort(line: Prestatie, ctx: MessageContext) -> Findings:
    entry = codelist("prestatiecodes").get(line.prestatiecode)
    if entry is not None and entry.attributes.get("prestatiesoort") != line.prestatiesoort:
        return [({"value": line.prestatiecode, "soort": line.prestatiesoort}, "prestatiecode")]
    return ()


@rule("R020", "line")
def hoofdtaak_valid_on_date(line: Prestatie, ctx: MessageContext) -> Findings:
    if not codelist("hoofdtaken").is_valid(line.hoofdtaak, line.begindatum):
        return [({"value": line.hoofdtaak, "date": line.begindatum}, "hoofdtaak")]
    return ()


@rule("R010", "line")
def prestatie1_to_insurer(line: Prestatie, ctx: MessageContext) -> Findings:
    if line.prestatiesoort == "1" and ctx.header is not None and ctx.header.ontvanger_uzovi is None:
        return [({}, "prestatiesoort")]
    return ()


@rule("R019", "line")
def insurer_is_receiver(line: Prestatie, ctx: MessageContext) -> Findings:
    header = ctx.header
    if line.prestatiesoort != "1" or header is None or header.ontvanger_uzovi is None:
        return ()
    if line.zorgverzekeraar != header.ontvanger_uzovi:
        return [
            ({"found": line.zorgverzekeraar, "expected": header.ontvanger_uzovi}, "zorgverzekeraar")
        ]
    return ()


@rule("R011", "line")
def prestatie2_parties(line: Prestatie, ctx: MessageContext) -> Findings:
    if line.prestatiesoort == "2" and (
        line.uitvoerende_zorgaanbieder is None or line.opdrachtgevende_zorgaanbieder is None
    ):
        missing = (
            "uitvoerende_zorgaanbieder"
            if line.uitvoerende_zorgaanbieder is None
            else "opdrachtgevende_zorgaanbieder"
        )
        return [({}, missing)]
    return ()


@rule("R012", "line")
def prestatie2_distinct(line: Prestatie, ctx: MessageContext) -> Findings:
    if (
        line.prestatiesoort == "2"
        and line.uitvoerende_zorgaanbieder is not None
        and line.uitvoerende_zorgaanbieder == line.opdrachtgevende_zorgaanbieder
    ):
        return [({"value": line.uitvoerende_zorgaanbieder}, "opdrachtgevende_zorgaanbieder")]
    return ()


@rule("R013", "line")
def prestatie2_receiver(line: Prestatie, ctx: MessageContext) -> Findings:
    header = ctx.header
    commissioning = line.opdrachtgevende_zorgaanbieder
    if line.prestatiesoort != "2" or header is None or commissioning is None:
        return ()
    if header.ontvanger_agb != commissioning:
        return [
            (
                {"expected": commissioning, "found": header.ontvanger},
                "opdrachtgevende_zorgaanbieder",
            )
        ]
    return ()


@rule("R022", "line")
def prestatie2_sender(line: Prestatie, ctx: MessageContext) -> Findings:
    header = ctx.header
    executing = line.uitvoerende_zorgaanbieder
    if line.prestatiesoort != "2" or header is None or executing is None:
        return ()
    if header.afzender != executing:
        return [({"found": header.afzender, "expected": executing}, "uitvoerende_zorgaanbieder")]
    return ()


@rule("R014", "line")
def line_agb(line: Prestatie, ctx: MessageContext) -> Findings:
    return _identifier_findings(
        line, ("uitvoerende_zorgaanbieder", "opdrachtgevende_zorgaanbieder"), agb.problem
    )
    return ()


@rule("R015", "line")
def line_uzovi(line: Prestatie, ctx: MessageContext) -> Findings:
    return _identifier_findings(line, ("zorgverzekeraar",), uzovi.problem)


@rule("R016", "line")
def line_bsn(line: Prestatie, ctx: MessageContext) -> Findings:
    return _bsn_findings(line)


@rule("R042", "line")
def line_reference_bsn(line: Prestatie, ctx: MessageContext) -> Findings:
    return _bsn_findings(line, "reference")


@rule("R017", "line")
def line_amount_width(line: Prestatie, ctx: MessageContext) -> Findings:
    found: list[Finding] = []
    digits = facts().line_amount_digits
    if line.bedrag >= 10**digits:
        found.append(({"value": line.bedrag, "field": "Bedrag", "digits": digits}, "bedrag"))
    vat_digits = facts().vat_amount_digits
    if line.btw_bedrag is not None and line.btw_bedrag >= 10**vat_digits:
        found.append(
            ({"value": line.btw_bedrag, "field": "BtwBedrag", "digits": vat_digits}, "btw_bedrag")
        )
    return found


@rule("R026", "line")
def vat_within_amount(line: Prestatie, ctx: MessageContext) -> Findings:
    if line.btw_bedrag is not None and line.btw_bedrag > line.bedrag:
        return [({"found": line.btw_bedrag, "expected": line.bedrag}, "btw_bedrag")]
    return ()


@rule("R017", "totals")
def total_amount_width(totals: Totalen, ctx: MessageContext) -> Findings:
    digits = facts().total_amount_digits
    if totals.totaal_bedrag >= 10**digits:
        return [
            (
                {"value": totals.totaal_bedrag, "field": "TotaalBedrag", "digits": digits},
                "totaal_bedrag",
            )
        ]
    return ()
