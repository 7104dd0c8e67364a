"""The retour policy (``mappings/retour/policy.toml``): outcomes of issues on lines."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from resv_edi.errors import Issue, Severity
from resv_edi.standard.paths import mappings_dir

_RANK = {Severity.FATAL: 0, Severity.ERROR: 1, Severity.WARNING: 2}


@dataclass(frozen=True, slots=True)
class RetourPolicy:
    no_remarks: str
    message_rejected: str
    max_per_record: int
    outcome: dict[str, str]  # severity -> accept | reject
    reject_all_on_message_error: bool
    overrides: dict[str, str]  # return code -> accept | reject

    def rejects(self, found: Issue) -> bool:
        if found.severity is Severity.INFO:
            return False  # a note (a check that could not run) is no finding
        code = found.return_code or ""
        outcome = self.overrides.get(code) or self.outcome.get(found.severity.value, "reject")
        return outcome == "reject"

    def codes(self, issues: Iterable[Issue]) -> list[str]:
        """Distinct return codes, worst first, at most ``max_per_record``; else no remarks."""
        ranked = sorted(
            (i for i in issues if i.severity is not Severity.INFO), key=lambda i: _RANK[i.severity]
        )
        codes: list[str] = []
        for found in ranked:
            if found.return_code and found.return_code not in codes:
                codes.append(found.return_code)
        return codes[: self.max_per_record] or [self.no_remarks]


@cache
def retour_policy() -> RetourPolicy:
    with (mappings_dir() / "retour" / "policy.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    return RetourPolicy(
        no_remarks=raw["codes"]["no_remarks"],
        message_rejected=raw["codes"]["message_rejected"],
        max_per_record=int(raw["codes"]["max_per_record"]),
        outcome=dict(raw["outcome"]),
        reject_all_on_message_error=raw["message"]["on_error"] == "reject_all",
        overrides={str(k): str(v) for k, v in raw.get("overrides", {}).items()},
    )
