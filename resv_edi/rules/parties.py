"""Rules of standard 1.1 about the parties of a line: the subcontract of prestatie 2 (R034)
and the Zvw insurer (R040, R041; BR/REG-27110 art. 3), from the UZOVI register snapshot
``mappings/codelists/uzovi_register.toml``."""

from __future__ import annotations

from functools import cache

from resv_edi.model.declaratie import Prestatie
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.registry import Findings, rule
from resv_edi.standard.codelists import codelist

_REGISTER = "uzovi_register"


@rule("R034", "line")
def subcontract_for_prestatie2(line: Prestatie, ctx: MessageContext) -> Findings:
    """OpdrachtOvereenkomst: required for prestatiesoort 2, absent for 1."""
    if (line.opdracht_overeenkomst is None) == (line.prestatiesoort == "2"):
        return [({"soort": line.prestatiesoort}, "opdracht_overeenkomst")]
    return ()


@cache
def _wlz_range() -> tuple[str, str]:
    first, last = codelist(_REGISTER).meta["wlz_range"]
    return str(first), str(last)


def is_wlz_care_office(uzovi: str) -> bool:
    """A UZOVI number in the range of the Wlz care offices (zorgkantoren)."""
    first, last = _wlz_range()
    return first <= uzovi <= last


@rule("R040", "line")
def insurer_not_wlz(line: Prestatie, ctx: MessageContext) -> Findings:
    """The insurer is no Wlz care office: only Zvw costs are declared."""
    if is_wlz_care_office(line.zorgverzekeraar):
        return [({"value": line.zorgverzekeraar}, "zorgverzekeraar")]
    return ()


@rule("R041", "line")
def insurer_in_register(line: Prestatie, ctx: MessageContext) -> Findings:
    """The insurer is a Zvw health insurer of the register, active on the Begindatum."""
    uzovi = line.zorgverzekeraar
    if is_wlz_care_office(uzovi):
        return ()  # R040 says why
    entry = codelist(_REGISTER).get(uzovi)
    if (
        entry is not None
        and entry.attributes.get("kind") == "zvw"
        and entry.valid_on(line.begindatum)
    ):
        return ()
    return [({"value": uzovi, "date": line.begindatum}, "zorgverzekeraar")]
