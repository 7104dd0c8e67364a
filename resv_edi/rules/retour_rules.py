"""Record rules of the Retourbericht."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from resv_edi.rules.record_rules import code_findings, version_findings
from resv_edi.rules.registry import Findings, rule
from resv_edi.standard.facts import facts

if TYPE_CHECKING:  # the retour's models load with the first retour message (start-up)
    from resv_edi.model.retour import RetourPrestatie


@rule("R033", "line", kind="retour")
def granted_not_above_submitted(line: RetourPrestatie, ctx: Any) -> Findings:
    if line.toegekend_bedrag > line.ingediend_bedrag:
        found = {"found": line.toegekend_bedrag, "expected": line.ingediend_bedrag}
        return [(found, "toegekend_bedrag")]
    return ()


@rule("R027", "header", kind="retour")
def retour_version(header: Any, ctx: Any) -> Findings:
    return version_findings(header, facts().retour)


@rule("R028", "header", kind="retour")
def retour_code(header: Any, ctx: Any) -> Findings:
    return code_findings(header, facts().retour)
