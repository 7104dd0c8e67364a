"""The ``lumpsum`` and ``overlap`` commands as library calls with typed results.

>>> from resv_edi.lumpsum.run import run_lumpsum, save_lumpsum
>>> run = run_lumpsum(["claims.ei"], load_mapping("ha304_oi"))
>>> if run.exit_code == 0:
...     written = save_lumpsum(run, "out.csv", "csv")

Nothing here prints; the CLI prints what the results hold. Issues are capped per claim file
by the engine (``limits.max_errors``), in one place (:meth:`LumpSumEngine.feed`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from resv_edi.errors import ExitCode, Issue, Severity
from resv_edi.formats.registry import get_format
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.lumpsum.draft import DraftOptions, build_draft
from resv_edi.lumpsum.engine import FileSummary, LumpSumEngine
from resv_edi.lumpsum.mapping import Mapping
from resv_edi.lumpsum.overlap import (
    OverlapResult,
    analyse,
    claims_amounts,
    declared_amounts,
    load_rules,
    write_overlap,
)
from resv_edi.lumpsum.records import LumpSumRecord
from resv_edi.lumpsum.writers import write_records
from resv_edi.model.messages import DECLARATIE
from resv_edi.source import atomic_output
from resv_edi.vektis.layout import detect_layout

PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class LumpSumRun:
    """Claim files summed under one mapping: the records, every issue, and per file what was
    read (counts only)."""

    mapping: Mapping
    files: tuple[FileSummary, ...]
    records: tuple[LumpSumRecord, ...]
    issues: tuple[Issue, ...]

    @property
    def lines(self) -> int:
        """Service lines read, over all files."""
        return sum(f.lines for f in self.files)

    @property
    def counted(self) -> int:
        """Service lines counted into a record, over all files."""
        return sum(f.counted for f in self.files)

    @property
    def failed(self) -> bool:
        """Whether any file or record had an error (then nothing may be written)."""
        return any(f.errors for f in self.files) or any(i.is_error for i in self.issues)

    @property
    def exit_code(self) -> ExitCode:
        """0 when the records may be written; 2 after a fatal issue; else 1."""
        if not self.failed:
            return ExitCode.OK
        fatal = any(i.severity is Severity.FATAL for i in self.issues)
        return ExitCode.USAGE if fatal else ExitCode.INVALID


def run_lumpsum(
    claims: Iterable[PathLike],
    mapping: Mapping,
    period: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> LumpSumRun:
    """Read ``claims`` through ``mapping`` into lump-sum records (never raises on a value:
    a record the lump-sum record cannot hold is an issue)."""
    engine = LumpSumEngine(mapping, period, limits=limits)
    issues = engine.feed_all(claims)
    records = engine.records()
    return LumpSumRun(
        mapping, tuple(engine.files), tuple(records), tuple(issues + engine.record_issues)
    )


@dataclass(frozen=True, slots=True)
class Saved:
    """What :func:`save_lumpsum` wrote: a description and the draft's warnings."""

    description: str
    warnings: tuple[Issue, ...] = ()


def save_lumpsum(
    run: LumpSumRun, output: PathLike, to: str, draft: DraftOptions | None = None
) -> Saved:
    """Write the records of ``run`` (format ``to``) to ``output`` atomically, or with
    ``draft`` a draft RESV declaration. Raises DraftError/ValueError when no draft can be
    made (nothing is written then)."""
    if draft is None:
        with atomic_output(output) as out:
            write_records(run.records, out, to)
        return Saved(f"{len(run.records)} lump-sum records")
    message, warnings = build_draft(list(run.records), draft)
    with atomic_output(output) as out:
        get_format(to).writer(message, out, DECLARATIE)
    return Saved(f"draft declaration, {len(message) - 2} lines", tuple(warnings))


def claim_standard(path: PathLike) -> str | None:
    """The EI standard named by the header of the claim file at ``path`` (None: unknown or
    unreadable)."""
    try:
        with open(path, "rb") as fh:
            layout = detect_layout(fh.read(9))
    except OSError:
        return None
    return layout.standard if layout else None


def _readable(path: PathLike) -> bool:
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class OverlapRun:
    """Declarations beside claims. ``result`` is None when nothing may be written: a claim
    file or a declaration could not be read (that would make "no overlap" look true)."""

    unreadable: tuple[str, ...]
    claim_issues: tuple[Issue, ...]
    unmapped: tuple[str, ...]
    declaration_issues: tuple[Issue, ...]
    claims_failed: bool
    result: OverlapResult | None

    @property
    def exit_code(self) -> ExitCode:
        """2 when nothing may be written; 1 for flags or input errors; else 0."""
        if self.result is None:
            return ExitCode.USAGE
        failed = self.claims_failed or bool(self.declaration_issues) or bool(self.unmapped)
        return ExitCode.INVALID if failed or self.result.flags else ExitCode.OK


def run_overlap(
    declarations: Sequence[PathLike],
    claims: Sequence[PathLike],
    mappings: Sequence[Mapping],
    period: str = "quarter",
    *,
    rules: PathLike | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> OverlapRun:
    """Sum the claims under every mapping of their standard, read the declarations, and
    flag overlaps by the rules (default ``mappings/overlap/rules.toml``). Rules that cannot
    be read or hold no rule raise :class:`~resv_edi.lumpsum.overlap.RulesError` before any
    file is read (fail closed: without rules nothing would be flagged)."""
    overlap_rules = load_rules(rules)
    unreadable = tuple(os.fspath(c) for c in claims if not _readable(c))
    if unreadable:
        return OverlapRun(unreadable, (), (), (), False, None)
    standards = {os.fspath(c): claim_standard(c) for c in claims}
    issues: list[Issue] = []
    failed = False
    records: list[tuple[str, LumpSumRecord]] = []
    for mapping in mappings:
        files = [c for c in claims if standards[os.fspath(c)] == mapping.standard]
        if not files:
            continue
        engine = LumpSumEngine(mapping, period, limits=limits)
        issues.extend(engine.feed_all(files))
        if any(f.errors for f in engine.files):
            failed = True
            continue
        records.extend((mapping.category, r) for r in engine.records())
    mapped = {m.standard for m in mappings}
    unmapped = tuple(name for name, std in standards.items() if std not in mapped)
    declared, problems = declared_amounts(declarations, period, limits=limits)
    if any(item.severity is Severity.FATAL for item in problems):
        return OverlapRun((), tuple(issues), unmapped, tuple(problems), failed, None)
    result = analyse(declared, claims_amounts(records), overlap_rules, period)
    return OverlapRun((), tuple(issues), unmapped, tuple(problems), failed, result)


def save_overlap(result: OverlapResult, output: PathLike, fmt: str) -> None:
    """Write ``result`` as ``json`` or ``csv`` to ``output``, atomically."""
    with atomic_output(output) as out:
        write_overlap(result, out, fmt)
