"""One summary at the end of a batch: files ok / invalid / failed / skipped, lines, time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resv_edi.batch.results import FileResult
from resv_edi.errors import ExitCode


@dataclass(slots=True)
class Summary:
    """Counts over the results of a batch and the batch's exit code.

    The exit code is 0 when every file is ok (or skipped); 2 when files failed and none was
    read (the rest, if any, skipped); otherwise 1, so that a batch in
    which some files were invalid or could not be read tells a script "look at the files",
    while 2 keeps meaning "nothing was checked". Each file's own code is in its result.
    """

    files: int = 0
    ok: int = 0
    invalid: int = 0
    failed: int = 0
    skipped: int = 0
    lines: int = 0
    seconds: float = 0.0
    command: str = "validate"

    def add(self, result: FileResult) -> None:
        """Count one file's result."""
        self.files += 1
        self.command = result.command
        setattr(self, result.status, getattr(self, result.status) + 1)
        self.lines += result.lines

    @property
    def exit_code(self) -> int:
        if self.failed and self.ok + self.invalid == 0:  # failed, or skipped: nothing was read
            return int(ExitCode.USAGE)
        return int(ExitCode.INVALID if self.failed or self.invalid else ExitCode.OK)

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "ok": self.ok,
            "invalid": self.invalid,
            "failed": self.failed,
            "skipped": self.skipped,
            "lines": self.lines,
            "seconds": round(self.seconds, 3),
            "lines_per_second": round(self.lines / self.seconds) if self.seconds else None,
            "exit_code": self.exit_code,
        }

    def text(self) -> str:
        """One line for people, in the status words of every command (valid or written,
        invalid, unreadable, skipped); the JSON keys stay ``ok`` and ``failed``."""
        rate = f", {self.lines / self.seconds:,.0f} lines/s" if self.seconds else ""
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        ok = "written" if self.command == "convert" else "valid"
        return (
            f"{self.files} files: {self.ok} {ok}, {self.invalid} invalid, "
            f"{self.failed} unreadable"
            f"{skipped}; {self.lines:,} lines in {self.seconds:.1f} s{rate}; "
            f"exit code {self.exit_code}"
        )
