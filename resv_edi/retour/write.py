"""Writing the Retourbericht of a declaration to a file, and what it means as an exit code.

>>> from resv_edi.retour.write import write_retour
>>> summary = write_retour("declaratie.xml", "retour.xml", "xml")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date

from resv_edi.errors import ExitCode, Issue
from resv_edi.formats.registry import get_format
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.messages import RETOUR
from resv_edi.pipeline import PathLike
from resv_edi.retour.answer import answer_records
from resv_edi.retour.builder import RetourSummary
from resv_edi.source import atomic_output


def write_retour(
    declaration: PathLike,
    output: str | os.PathLike[str],
    to: str = "xml",
    *,
    fmt: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
    today: date | None = None,
    message_id: str | None = None,
    more_rules: Callable[[], Iterable[Issue]] | None = None,
) -> RetourSummary:
    """Write the retour of ``declaration`` (or of a zip archive of one) to ``output`` in format
    ``to``, atomically and in every case: an unreadable declaration gets a retour that rejects
    it with 0001. ``more_rules``: see :func:`resv_edi.retour.answer.answer_records`."""
    summary = RetourSummary()
    records = answer_records(
        declaration,
        fmt=fmt,
        limits=limits,
        today=today,
        message_id=message_id,
        summary=summary,
        more_rules=more_rules,
    )
    with atomic_output(output) as out:
        get_format(to).writer(records, out, RETOUR)
    return summary


def retour_exit_code(summary: RetourSummary) -> ExitCode:
    """0 when every line is accepted without remarks, 2 when the declaration could not be read,
    else 1."""
    if summary.unreadable:
        return ExitCode.USAGE
    clean = summary.rejected_lines == 0 and summary.message_codes == ["0200"]
    return ExitCode.OK if clean else ExitCode.INVALID
