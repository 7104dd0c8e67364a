"""Rules of standard 1.1 about the service period and the invoice date (Dagtekening), as
Vektis' 8177 and 8178: no part of a service period may lie after the Dagtekening, so a
declaration never covers a future period (R038, R039)."""

from __future__ import annotations

from resv_edi.model.declaratie import Prestatie
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.registry import Findings, rule


@rule("R039", "line")
def begin_not_after_invoice(line: Prestatie, ctx: MessageContext) -> Findings:
    """Begindatum after the Dagtekening: the whole period lies in the future (Vektis 8177)."""
    header = ctx.header
    if header is not None and line.begindatum > header.dagtekening:
        return [({"value": line.begindatum, "date": header.dagtekening}, "begindatum")]
    return ()


@rule("R038", "line")
def end_not_after_invoice(line: Prestatie, ctx: MessageContext) -> Findings:
    """Einddatum after the Dagtekening (Vektis 8178); R039 alone when the begin is too."""
    header = ctx.header
    if header is None or line.begindatum > header.dagtekening:
        return ()
    if line.einddatum > header.dagtekening:
        return [({"value": line.einddatum, "date": header.dagtekening}, "einddatum")]
    return ()
