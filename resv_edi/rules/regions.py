"""Rules of standard 1.1 about the Werkgebied: a code of the provisional RESV region list
``mappings/codelists/werkgebieden.toml`` valid on the Begindatum (R036). One Werkgebied per
ResvPlan within a message (R037) is a rule across lines: the engine asks the reference index."""

from __future__ import annotations

from resv_edi.model.declaratie import Prestatie
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.registry import Findings, rule
from resv_edi.standard.codelists import codelist


@rule("R036", "line")
def region_valid_on_date(line: Prestatie, ctx: MessageContext) -> Findings:
    if not codelist("werkgebieden").is_valid(line.werkgebied, line.begindatum):
        return [({"value": line.werkgebied, "date": line.begindatum}, "werkgebied")]
    return ()


def municipalities(code: str) -> frozenset[str]:
    """The CBS municipality codes of Werkgebied ``code`` (empty when unknown)."""
    entry = codelist("werkgebieden").get(code)
    return frozenset(entry.attributes.get("municipalities", ())) if entry else frozenset()
