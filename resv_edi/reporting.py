"""Rendering validation results for people (text, Dutch or English) and programs (JSON).

Text output gives one line per cause: findings that follow from another (their ``cause``) are
folded into it (``text_lines``). JSON output keeps every finding, with its ``cause``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from resv_edi.errors import ExitCode, Issue, Location, Severity
from resv_edi.standard.catalogue import issue, render
from resv_edi.standard.wording import label, severity_word
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
    notes: int = 0
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
        if item.severity is Severity.INFO:
            self.notes += 1
        elif item.severity is Severity.WARNING:
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
        if limit and self.errors + self.warnings + self.notes > len(self.issues):
            self.issues.append(issue("L002", Location(file=self.file), limit=limit))

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        """Plain data for JSON output; issue messages in ``lang``."""
        return {
            "file": self.file,
            "format": self.format,
            "message": self.message,
            "status": self.status,
            "lines": self.lines,
            "errors": self.errors,
            "warnings": self.warnings,
            "notes": self.notes,
            "issues": [i.as_dict(render(i, lang)) for i in self.issues],
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


def text_line(item: Issue, lang: str = "en") -> str:
    """One issue as a line of text in ``lang``."""
    severity = severity_word(item.severity.value, lang)
    return printable(f"{where(item.location, lang)}: {severity} {item.code}: {render(item, lang)}")


def where(location: Location, lang: str = "en") -> str:
    """``file:line:column (XPath or pointer, field, ref)`` with labels in ``lang``; the record
    and field are named only where the path does not already name them."""
    parts = [location.file or "<input>"]
    if location.line is not None:
        parts.append(str(location.line))
        if location.column is not None:
            parts.append(str(location.column))
    text = ":".join(parts)
    path = location.path or ""
    named = bool(path and location.field) and path.endswith(f"/{location.field}")
    extra = [
        f"{label(key, lang)} {value}"
        for key, value in (
            ("record", None if path else location.record_type),
            ("path", path and _redacted(path)),
            ("field", None if named else location.field),
            ("reference", location.reference and _redacted(location.reference)),
        )
        if value
    ]
    return f"{text} ({', '.join(extra)})" if extra else text


def _redacted(text: str) -> str:
    from resv_edi.privacy import redact  # load the privacy guard only when printing

    return redact(text)


def text_lines(issues: list[Issue], lang: str = "en") -> list[str]:
    """The issues as text, one line per cause: a finding whose ``cause`` is among the issues
    (on the same record, else anywhere) is folded into that finding's line."""
    by_record: dict[tuple[Any, ...], Issue] = {}
    by_code: dict[str, Issue] = {}
    for item in issues:
        if not item.cause:
            by_record.setdefault((item.code, *_record_key(item.location)), item)
            by_code.setdefault(item.code, item)
    folded: dict[int, list[Issue]] = {}
    shown: list[Issue] = []
    for item in issues:
        target = None
        if item.cause:
            target = by_record.get((item.cause, *_record_key(item.location)))
            target = target or by_code.get(item.cause)
        if target is None:
            shown.append(item)
        else:
            folded.setdefault(id(target), []).append(item)
    lines = []
    for item in shown:
        line = text_line(item, lang)
        consequences = folded.get(id(item))
        if consequences:
            line += f" [{_summed(consequences, lang)}]"
        lines.append(line)
    return lines


def _record_key(location: Location) -> tuple[Any, ...]:
    path = location.path or ""
    if location.field and path.endswith("/" + location.field):
        path = path[: -len(location.field) - 1]
    return (location.file, location.record_type, location.index, path)


def _summed(consequences: list[Issue], lang: str) -> str:
    """The folded findings: checks that did not run, and codes that follow (``R007 op 11
    regels``, or for one finding its code and text)."""
    by_code: dict[str, list[Issue]] = {}
    not_run: list[str] = []
    for item in consequences:
        if item.code == "I001" and item.params:
            not_run.append(str(item.params.get("codes", "")))
        else:
            by_code.setdefault(item.code, []).append(item)
    parts = []
    if not_run:
        parts.append(label("not_run", lang, codes=", ".join(not_run)))
    follows = [
        code if len(items) == 1 else f"{code} {label('on_lines', lang, count=len(items))}"
        for code, items in by_code.items()
    ]
    if follows:
        parts.append(label("consequence", lang, what=", ".join(follows)))
    return "; ".join(parts)


def summary_line(report: FileReport, lang: str = "en") -> str:
    counts = [
        f"{report.lines} {label('lines', lang)}",
        f"{report.errors} {label('errors', lang)}",
        f"{report.warnings} {label('warnings', lang)}",
    ]
    if report.notes:
        counts.append(f"{report.notes} {label('notes', lang)}")
    detail = ", ".join(counts)
    return printable(f"{report.file}: {report.status} ({report.format or '?'}; {detail})")
