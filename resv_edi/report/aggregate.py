"""Aggregating declarations (any format) for monitoring; credits net against debits.

Each valid Prestatie line adds its amount to one fact keyed by year (of its Begindatum),
hoofdtaak, prestatiesoort, RESV (the declaring party, Afzender), insurer (Zorgverzekeraar) and
region (Werkgebied). A file with any error (reader, schema or catalogue rule) is left out as a
whole, so that no half file is counted. A message given twice (the same sender, message id and
content) is counted once, with a warning (W001); the same message id with other content is
counted and warned about (W002). Memory grows with the number of distinct facts only.

Files are read through their format's block check (:func:`~resv_edi.pipeline.check_items`):
a run of certainly clean lines is counted by its columns (:mod:`resv_edi.report.facts`),
anything doubtful line by line from the exact path, with the same issues and the same facts
(``tests/report/test_report_blocks.py``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from resv_edi.errors import Issue, Location
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.declaratie import Header, Prestatie
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.pipeline import check_items
from resv_edi.report.facts import DIMENSIONS, OTHER, FactKey, FileFacts, Sums, resv_of
from resv_edi.rules.blocks import CleanRun
from resv_edi.standard.catalogue import issue

__all__ = [
    "DIMENSIONS",
    "MAX_FACTS",
    "OTHER",
    "Aggregate",
    "FactKey",
    "Sums",
    "aggregate",
    "resv_of",
]

#: most distinct facts kept (``--max-facts``); beyond it, RESV, insurer and region of a new
#: fact are counted as :data:`OTHER`, so memory stays bounded and the totals stay right
MAX_FACTS = 100_000


@dataclass
class Aggregate:
    """Facts and the files read; ``excluded`` maps a file to its error count."""

    facts: dict[FactKey, Sums] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # file -> the file it repeats
    #: lines counted under OTHER because ``max_facts`` distinct facts were reached
    folded_lines: int = 0

    def table(self, *dims: str) -> list[dict[str, Any]]:
        """Rows grouped by ``dims`` (a subset of :data:`DIMENSIONS`), sorted by key."""
        index = [DIMENSIONS.index(d) for d in dims]
        grouped: dict[tuple[Any, ...], Sums] = {}
        for key, sums in self.facts.items():
            sub = tuple(key[i] for i in index)
            grouped.setdefault(sub, Sums()).add(sums)
        return [
            {
                **dict(zip(dims, sub, strict=True)),
                "debit": s.debit,
                "credit": s.credit,
                "net": s.net,
                "lines": s.lines,
            }
            for sub, s in sorted(grouped.items())
        ]

    @property
    def total(self) -> Sums:
        out = Sums()
        for s in self.facts.values():
            out.add(s)
        return out


def aggregate(
    paths: Iterable[str | os.PathLike[str]],
    *,
    limits: Limits = DEFAULT_LIMITS,
    max_issues: int = 100,
    max_facts: int = MAX_FACTS,
) -> Aggregate:
    """Read and check every file; aggregate the lines of the valid ones. At most
    ``max_facts`` distinct facts are kept (0 = no cap); lines of new facts beyond it are
    counted with RESV, insurer and region :data:`OTHER` (``folded_lines``)."""
    agg = Aggregate()
    seen: dict[tuple[str, str], tuple[str, str]] = {}  # (sender, message id) -> (file, digest)
    for path in paths:
        name = os.fspath(path)
        agg.files.append(name)
        counted = FileFacts(agg.facts, max_facts)
        errors = 0
        header: Header | None = None
        for item, found, _final in check_items(path, kind=DECLARATIE, limits=limits):
            for problem in found:
                if problem.is_error:
                    errors += 1
                    if len(agg.issues) < max_issues:
                        agg.issues.append(problem)
            if errors:
                continue
            if isinstance(item, CleanRun):  # clean lines, counted by their columns
                if header is not None:
                    counted.add_columns(header, item.columns)
            elif isinstance(item, Entry):
                record = item.record
                if isinstance(record, Header):
                    header = record
                elif isinstance(record, Prestatie) and header is not None:
                    counted.add_line(header, record)
        agg.folded_lines += counted.folded  # (lines before a file's first error too)
        if errors:
            agg.excluded[name] = errors
            continue
        local = counted.facts
        if header is not None and _repeated(agg, seen, name, header, local, max_issues):
            continue
        for key, sums in local.items():
            agg.facts.setdefault(key, Sums()).add(sums)
    return agg


def _repeated(
    agg: Aggregate,
    seen: dict[tuple[str, str], tuple[str, str]],
    name: str,
    header: Header,
    local: dict[FactKey, Sums],
    max_issues: int,
) -> bool:
    """Whether ``name`` repeats a message already counted (then it is not counted again)."""
    content = sorted((key, s.debit, s.credit, s.lines) for key, s in local.items())
    digest = hashlib.sha256(repr((header.declaratienummer, content)).encode()).hexdigest()
    ident = (header.afzender, header.bericht_identificatie)
    first = seen.get(ident)
    if first is None:
        seen[ident] = (name, digest)
        return False
    code = "W001" if first[1] == digest else "W002"
    if len(agg.issues) < max_issues:
        where = Location(file=name, record_type="Header", field="BerichtIdentificatie")
        params = {"ident": ident[1], "sender": ident[0], "first": first[0]}
        agg.issues.append(issue(code, where, **params))
    if code == "W001":
        agg.duplicates[name] = first[0]
    return code == "W001"
