"""``validate --ledger``: the usual validation of each file plus the ledger's rules.

Files run one after the other in this process (one connection to the ledger); each result is
the same :class:`~resv_edi.batch.results.ValidationResult` a batch yields
(:func:`resv_edi.batch.tasks.validation_result`), so the CLI prints both the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from resv_edi.batch.plan import Input
from resv_edi.batch.results import ValidationResult
from resv_edi.batch.summary import Summary
from resv_edi.batch.tasks import validation_result
from resv_edi.ledger.rules import ledger_issues
from resv_edi.ledger.store import Ledger
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.pipeline import check_file


def validate_with_ledger(
    ledger: Ledger,
    inputs: list[Input],
    *,
    fmt: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
    on_result: Callable[[ValidationResult], None] | None = None,
) -> tuple[list[ValidationResult], Summary]:
    """Validate each input and apply the ledger's rules to the declarations that could be read.
    Results in input order, and the summary."""
    summary = Summary()
    results: list[ValidationResult] = []
    started = time.perf_counter()
    for item in inputs:
        began = time.perf_counter()
        report = check_file(item.path, fmt, limits=limits)
        if not report.fatal and report.message == "Declaratiebericht":
            for found in ledger_issues(ledger, item.path, fmt, limits=limits):
                report.keep(found, limits.max_errors)
        result = validation_result(report, time.perf_counter() - began)
        summary.add(result)
        results.append(result)
        if on_result is not None:
            on_result(result)
    summary.seconds = time.perf_counter() - started
    return results, summary
