"""The result of one file in a batch: frozen, picklable dataclasses (process pool and Dask).

A task returns a :class:`ValidationResult` (``validate``) or a :class:`FileConversion`
(``convert``). ``text`` holds the lines the CLI prints for the file and ``summary_line`` its
status line; :meth:`as_dict` is the file's JSON as ``--output-format json`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

#: ``ok``, ``invalid``, ``failed`` (unreadable, or the task could not run) or ``skipped``
Status = Literal["ok", "invalid", "failed", "skipped"]


@dataclass(frozen=True)
class ValidationResult:
    """One validated file; ``report`` is :meth:`resv_edi.reporting.FileReport.as_dict`."""

    command: ClassVar[str] = "validate"

    file: str
    status: Status
    exit_code: int
    lines: int
    errors: int
    warnings: int
    seconds: float
    report: dict[str, Any]
    text: tuple[str, ...]
    summary_line: str

    def as_dict(self) -> dict[str, Any]:
        """The file's JSON: its report (as in ``validate --output-format json``)."""
        return self.report


@dataclass(frozen=True)
class FileConversion:
    """One converted (or refused, or skipped) file; ``issues`` are
    :meth:`resv_edi.errors.Issue.as_dict` documents in the result's language."""

    command: ClassVar[str] = "convert"

    file: str
    output: str
    to: str
    status: Status
    exit_code: int
    written: bool
    lines: int
    errors: int
    seconds: float
    issues: tuple[dict[str, Any], ...]
    text: tuple[str, ...]
    summary_line: str

    def as_dict(self) -> dict[str, Any]:
        """The file's JSON (as in ``convert --output-format json``)."""
        return {
            "command": self.command,
            "file": self.file,
            "output": self.output,
            "to": self.to,
            "status": self.status,
            "exit_code": self.exit_code,
            "written": self.written,
            "lines": self.lines,
            "errors": self.errors,
            "seconds": self.seconds,
            "issues": list(self.issues),
        }


#: what a batch yields per input
FileResult = ValidationResult | FileConversion
