"""Structure issues of an EI file, for the ``validate`` command: the reader's issues only."""

from __future__ import annotations

from collections.abc import Iterator

from resv_edi.errors import Issue
from resv_edi.formats.ei.layout import Layout
from resv_edi.formats.ei.reader import EIRecord, read_records
from resv_edi.formats.source import Source
from resv_edi.limits import DEFAULT_LIMITS, Limits


def iter_structure_issues(
    path: Source,
    limits: Limits = DEFAULT_LIMITS,
    *,
    layout: Layout | None = None,
    file: str | None = None,
) -> Iterator[Issue]:
    """Every issue the EI reader finds in ``path`` (a path or binary stream), streaming."""
    for item in read_records(path, layout, file=file, limits=limits):
        if not isinstance(item, EIRecord):
            yield item
