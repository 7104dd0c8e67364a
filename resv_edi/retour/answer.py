"""The Retourbericht of whatever a receiver is handed: a declaration, or a zip archive of one
(answered as :mod:`resv_edi.retour.archive` says)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from resv_edi.errors import Issue
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record
from resv_edi.pipeline import PathLike
from resv_edi.retour.archive import archive_retour_records
from resv_edi.retour.builder import RetourSummary, retour_records
from resv_edi.retour.policy import RetourPolicy
from resv_edi.transport.archive import is_archive


def answer_records(
    source: PathLike,
    *,
    fmt: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
    today: date | None = None,
    message_id: str | None = None,
    summary: RetourSummary | None = None,
    policy: RetourPolicy | None = None,
    more_rules: Callable[[], Iterable[Issue]] | None = None,
) -> Iterator[Record]:
    """Yield the Retourbericht answering ``source``, a declaration or a zip archive.

    ``more_rules`` (the ledger's rules across messages) applies to a plain declaration."""
    if fmt == "auto" and is_archive(source):
        return archive_retour_records(
            source,
            limits=limits,
            today=today,
            message_id=message_id,
            summary=summary,
            policy=policy,
        )
    return retour_records(
        source,
        fmt=fmt,
        limits=limits,
        today=today,
        message_id=message_id,
        summary=summary,
        policy=policy,
        more_rules=more_rules,
    )
