"""The JSON document of a validation run, as ``validate --output-format json`` prints it.

One builder for every face that reports a validation to a program: the CLI and the web service.
"""

from __future__ import annotations

from typing import Any

from resv_edi.batch.results import ValidationResult
from resv_edi.batch.summary import Summary


def validation_payload(
    results: list[ValidationResult], summary: Summary, *, batch: bool
) -> dict[str, Any]:
    """``{"files": [report, ...], "exit_code": n}``, plus ``"summary"`` for a batch.

    ``results`` are validate results (:func:`resv_edi.batch.tasks.validation_result`).
    """
    payload: dict[str, Any] = {
        "files": [r.as_dict() for r in results],
        "exit_code": summary.exit_code,
    }
    if batch:
        payload["summary"] = summary.as_dict()
    return payload
