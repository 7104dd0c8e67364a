"""Rendering validation results for people (text) and programs (JSON)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from resv_edi.errors import ExitCode, Issue, Location, Severity
from resv_edi.standard.catalogue import issue
from resv_edi.terminal import printable


@dataclass
class FileReport:
    """The outcome of checking one file; ``issues`` holds at most ``max_errors`` of them."""

    file: str
    format: str | None = None
    message: str | None = None
    lines: int = 0
    errors: int = 0
    warnings: int = 0
    fatal: bool = False
    issues: list[Issue] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        if self.fatal:
            return ExitCode.USAGE
        return ExitCode.INVALID if self.errors else ExitCode.OK

    @property
    def status(self) -> str:
        if self.fatal:
            return "unreadable"
        return "invalid" if self.errors else "valid"

    def add(self, item: Issue) -> None:
        if item.severity is Severity.WARNING:
            self.warnings += 1
        else:
            self.errors += 1
        if item.severity is Severity.FATAL:
            self.fatal = True

    def keep(self, found: Issue, limit: int) -> None:
        """Count ``found``; list it while fewer than ``limit`` (0 = all) are listed. Fatal
        issues are always listed: they say why the rest is missing."""
        self.add(found)
        if not limit or len(self.issues) < limit or found.severity is Severity.FATAL:
            self.issues.append(found)

    def close(self, limit: int) -> None:
        """After the last issue: note with L002 that ``limit`` cut the list."""
        if limit and self.errors + self.warnings > len(self.issues):
            self.issues.append(issue("L002", Location(file=self.file), limit=limit))

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "message": self.message,
            "status": self.status,
            "lines": self.lines,
            "errors": self.errors,
            "warnings": self.warnings,
            "issues": [i.as_dict() for i in self.issues],
        }


class CappedIssues:
    """The issues of one file, listed up to ``limit`` (0 = all; fatal ones always) and the
    rest counted: memory and output stay bounded however broken the file; ``listed()`` ends
    with an L002 that says how many were left out."""

    def __init__(self, file: str, limit: int) -> None:
        self.file, self.limit = file, limit
        self.items: list[Issue] = []
        self.count = 0

    def append(self, item: Issue) -> None:
        self.count += 1
        if not self.limit or len(self.items) < self.limit or item.severity is Severity.FATAL:
            self.items.append(item)

    def extend(self, items: Iterable[Issue]) -> None:
        for item in items:
            self.append(item)

    def __bool__(self) -> bool:
        return self.count > 0

    def listed(self) -> list[Issue]:
        if self.count > len(self.items):
            return [*self.items, issue("L002", Location(file=self.file), limit=self.limit)]
        return list(self.items)


def worst_exit(reports: list[FileReport]) -> ExitCode:
    return max((r.exit_code for r in reports), default=ExitCode.OK)


def text_line(item: Issue) -> str:
    return str(item)


def summary_line(report: FileReport) -> str:
    detail = f"{report.lines} lines, {report.errors} errors, {report.warnings} warnings"
    return printable(f"{report.file}: {report.status} ({report.format or '?'}; {detail})")
