"""Reconciling a declaration with its Retourbericht: line by line, by reference.

Both messages stream into a temporary SQLite file (flat memory for any size); the summary is
answered with a few queries: amounts submitted and granted, rejected lines per return code
(with the code list's Dutch and English texts), lines missing on either side and lines whose
submitted amount differs.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from resv_edi.errors import Issue, Severity
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.declaratie import Prestatie, raw_signed_amount
from resv_edi.model.messages import DECLARATIE, RETOUR
from resv_edi.model.retour import RetourHeader, RetourPrestatie
from resv_edi.pipeline import PathLike, read
from resv_edi.reporting import CappedIssues
from resv_edi.retour.builder import retour_reference
from resv_edi.retour.policy import retour_policy
from resv_edi.scratch import scratch_file
from resv_edi.standard.codelists import codelist

_BATCH = 10_000
#: how many references to list per discrepancy kind (the counts are always complete)
LISTED = 50


@dataclass
class CodeCount:
    code: str
    lines: int
    amount: int  # signed cents submitted on those lines
    nl: str
    en: str


@dataclass
class Reconciliation:
    declaration: str
    retour: str
    declared_lines: int = 0
    returned_lines: int = 0
    matched_lines: int = 0
    submitted: int = 0  # signed cents, from the declaration
    returned_submitted: int = 0  # signed cents, as the retour repeats them
    granted: int = 0  # signed cents
    rejected_lines: int = 0
    message_codes: list[str] = field(default_factory=list)
    per_code: list[CodeCount] = field(default_factory=list)
    missing_in_retour: int = 0
    missing_in_declaration: int = 0
    amount_mismatches: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def reconciled(self) -> bool:
        return (
            not self.issues
            and self.missing_in_retour == 0
            and self.missing_in_declaration == 0
            and self.amount_mismatches == 0
        )

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("per_code", "issues")}
        data["per_code"] = [c.__dict__ for c in self.per_code]
        data["issues"] = [i.as_dict() for i in self.issues]
        data["reconciled"] = self.reconciled
        return data


def reconcile(
    declaration: PathLike, retour: PathLike, *, limits: Limits = DEFAULT_LIMITS
) -> Reconciliation:
    """Match the lines of ``retour`` to those of ``declaration`` by Referentienummer."""
    result = Reconciliation(os.fspath(declaration), os.fspath(retour))
    path = scratch_file("reconcile", ".db")
    db = sqlite3.connect(path)
    try:
        db.executescript(
            """
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -4096;
            CREATE TABLE d (ref TEXT, amount INTEGER);
            CREATE TABLE r (ref TEXT, submitted INTEGER, granted INTEGER, codes TEXT);
            """
        )
        _load_declaration(db, declaration, limits, result)
        _load_retour(db, retour, limits, result)
        # the n-th line with a reference answers the n-th declared line with it
        db.executescript(
            """
            CREATE TABLE dn AS SELECT ref, amount,
                ROW_NUMBER() OVER (PARTITION BY ref ORDER BY rowid) AS n FROM d;
            CREATE TABLE rn AS SELECT ref, submitted, granted, codes,
                ROW_NUMBER() OVER (PARTITION BY ref ORDER BY rowid) AS n FROM r;
            CREATE INDEX dn_key ON dn (ref, n);
            CREATE INDEX rn_key ON rn (ref, n);
            """
        )
        _summarise(db, result)
    finally:
        db.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    return result


def _load_declaration(
    db: sqlite3.Connection, path: PathLike, limits: Limits, result: Reconciliation
) -> None:
    rows: list[tuple[str, int | None]] = []
    for item in read(path, kind=DECLARATIE, limits=limits):
        if isinstance(item, Issue):
            if item.severity is Severity.FATAL:
                result.issues.append(item)
            continue
        if item.part != "line":
            continue
        result.declared_lines += 1
        if isinstance(item.record, Prestatie):
            rows.append((item.record.referentienummer, item.record.signed_amount))
            result.submitted += item.record.signed_amount
        else:  # a line the schema refuses: matched by the retour's reference, with its
            # amount as read when that is sound by itself
            signed = raw_signed_amount(item.raw)
            rows.append((retour_reference(item), signed))
            result.submitted += signed or 0
        if len(rows) >= _BATCH:
            db.executemany("INSERT INTO d VALUES (?, ?)", rows)
            rows.clear()
    db.executemany("INSERT INTO d VALUES (?, ?)", rows)


def _load_retour(
    db: sqlite3.Connection, path: PathLike, limits: Limits, result: Reconciliation
) -> None:
    rows: list[tuple[str, int, int, str]] = []
    no_remarks = retour_policy().no_remarks
    problems = CappedIssues(os.fspath(path), limits.max_errors)  # listed up to --max-errors
    for item in read(path, kind=RETOUR, limits=limits):
        if isinstance(item, Issue):
            if item.is_error:  # a retour that is not itself valid cannot be reconciled
                problems.append(item)
            continue
        record = item.record
        if isinstance(record, RetourHeader):
            result.message_codes = list(record.retourcodes)
        elif isinstance(record, RetourPrestatie):
            codes = " ".join(c for c in record.retourcodes if c != no_remarks)
            rows.append(
                (record.referentienummer, record.signed_submitted, record.signed_granted, codes)
            )
            result.returned_lines += 1
            result.returned_submitted += record.signed_submitted
            result.granted += record.signed_granted
            if len(rows) >= _BATCH:
                db.executemany("INSERT INTO r VALUES (?, ?, ?, ?)", rows)
                rows.clear()
    db.executemany("INSERT INTO r VALUES (?, ?, ?, ?)", rows)
    result.issues.extend(problems.listed())


def _summarise(db: sqlite3.Connection, result: Reconciliation) -> None:
    one = db.execute
    result.matched_lines = one("SELECT COUNT(*) FROM rn JOIN dn USING (ref, n)").fetchone()[0]
    result.rejected_lines = one(
        "SELECT COUNT(*) FROM rn WHERE granted = 0 AND (submitted != 0 OR codes != '')"
    ).fetchone()[0]
    missing_retour = (
        "FROM dn WHERE NOT EXISTS (SELECT 1 FROM rn WHERE rn.ref = dn.ref AND rn.n = dn.n)"
    )
    missing_decl = (
        "FROM rn WHERE NOT EXISTS (SELECT 1 FROM dn WHERE dn.ref = rn.ref AND dn.n = rn.n)"
    )
    mismatch = (
        "FROM rn JOIN dn USING (ref, n) WHERE dn.amount IS NOT NULL AND rn.submitted != dn.amount"
    )
    for name, where in (
        ("missing_in_retour", missing_retour),
        ("missing_in_declaration", missing_decl),
        ("amount_mismatches", mismatch),
    ):
        setattr(result, name, one(f"SELECT COUNT(*) {where}").fetchone()[0])
        refs = [row[0] for row in one(f"SELECT ref {where} LIMIT {LISTED}")]
        if refs:
            result.examples[name] = refs
    texts = codelist("retourcodes")
    counts: dict[str, list[int]] = {}
    for codes, submitted in one("SELECT codes, submitted FROM rn WHERE codes != ''"):
        for code in codes.split():
            entry = counts.setdefault(code, [0, 0])
            entry[0] += 1
            entry[1] += submitted
    result.per_code = [
        CodeCount(code, n, amount, texts.text(code, "nl"), texts.text(code, "en"))
        for code, (n, amount) in sorted(counts.items())
    ]
