"""Record rules of the Retourbericht."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from resv_edi.model.retour import RetourPrestatie
from resv_edi.rules.registry import Finding, rule


@rule("R033", "line", kind="retour")
def granted_not_above_submitted(line: RetourPrestatie, ctx: Any) -> Iterator[Finding]:
    if line.toegekend_bedrag > line.ingediend_bedrag:
        yield (
            {"found": line.toegekend_bedrag, "expected": line.ingediend_bedrag},
            ("toegekend_bedrag"),
        )
