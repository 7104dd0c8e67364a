"""The Retourbericht of a zip archive, as VECOZO would pass it on (:mod:`.answer` dispatches).

An archive that breaks a rule of ``mappings/transport/vecozo.toml`` is refused as a whole: its
answer is a retour without lines whose header carries the rejection code and the reason
(issue ``F010``). An accepted archive with one declaration is answered as that declaration; a
retour answers one declaration, so an archive of several is refused with ``F002`` (unpack it
and answer each member).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
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
from resv_edi.transport.archive import check_archive


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
    name = os.fspath(source)
    reports = check_archive(source, limits)
    refused = [i for r in reports for i in r.issues if i.code in ("F001", "F010")]
    if refused:
        yield from refusal_records(
            refused, today=today, message_id=message_id, summary=summary, policy=policy
        )
        return
    if len(reports) != 1:
        reason = f"{len(reports)} members; a return message answers one declaration"
        found: list[Issue] = [issue("F002", Location(file=name), reason=reason)]
        yield from refusal_records(
            found, today=today, message_id=message_id, summary=summary, policy=policy
        )
        return
    with zipfile.ZipFile(source) as archive, tempfile.TemporaryDirectory() as folder:
        member = next(i for i in archive.infolist() if not i.is_dir())
        target = Path(folder) / "member"  # our own name, never the member's
        # the archive passed every rule above: the member's size is bounded
        target.write_bytes(archive.read(member))
        yield from retour_records(
            target,
            limits=limits,
            today=today,
            message_id=message_id,
            summary=summary,
            policy=policy,
        )
