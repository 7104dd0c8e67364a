"""The Retourbericht of a zip archive, as VECOZO would pass it on (:mod:`.answer` dispatches).

An archive that breaks a rule of ``mappings/transport/vecozo.toml`` is refused as a whole: its
answer is a retour without lines whose header carries the rejection code and the reason
(issue ``F010``). An accepted archive with one declaration is answered as that declaration; a
retour answers one declaration, so an archive of several is refused with ``F002`` (unpack it
and answer each member).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from resv_edi.errors import Issue, Location
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record
from resv_edi.pipeline import PathLike
from resv_edi.retour.builder import RetourSummary, refusal_records, retour_records
from resv_edi.retour.policy import RetourPolicy
from resv_edi.standard.catalogue import issue
from resv_edi.transport.archive import unpack_archive


def archive_retour_records(
    source: PathLike,
    *,
    limits: Limits = DEFAULT_LIMITS,
    today: date | None = None,
    message_id: str | None = None,
    summary: RetourSummary | None = None,
    policy: RetourPolicy | None = None,
) -> Iterator[Record]:
    """Yield the Retourbericht answering the archive ``source``."""
    with tempfile.TemporaryDirectory(prefix="resv-retour-zip-") as folder:
        kept = Path(folder) / "member"  # our own name, never the member's
        refused: list[Issue] = []
        members = 0
        for member in unpack_archive(source, limits):
            members += member.name is not None
            refused.extend(member.refusals)
            if member.path is not None and members == 1:
                # the member's own folder goes when the next member is asked for
                shutil.copyfile(member.path, kept)
        if not refused and members != 1:
            reason = f"{members} members; a return message answers one declaration"
            refused = [issue("F002", Location(file=os.fspath(source)), reason=reason)]
        if refused:
            yield from refusal_records(
                refused, today=today, message_id=message_id, summary=summary, policy=policy
            )
            return
        yield from retour_records(
            kept,
            limits=limits,
            today=today,
            message_id=message_id,
            summary=summary,
            policy=policy,
        )
