"""One summary at the end of a batch: files ok / invalid / failed / skipped, lines, time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resv_edi.errors import ExitCode


@dataclass(slots=True)
class Summary:
    """Counts over the results of a batch; the exit code is the worst file's."""

    files: int = 0
    ok: int = 0
    invalid: int = 0
    failed: int = 0
    skipped: int = 0
    lines: int = 0
    seconds: float = 0.0
    exit_code: int = int(ExitCode.OK)

    def add(self, result: dict[str, Any]) -> None:
        self.files += 1
        status = result["status"]
        setattr(self, status, getattr(self, status) + 1)
        self.lines += result["lines"]
        self.exit_code = max(self.exit_code, result["exit_code"])

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
        rate = f", {self.lines / self.seconds:,.0f} lines/s" if self.seconds else ""
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return (
            f"{self.files} files: {self.ok} ok, {self.invalid} invalid, {self.failed} failed"
            f"{skipped}; {self.lines:,} lines in {self.seconds:.1f} s{rate}; "
            f"exit code {self.exit_code}"
        )
