"""A rich progress bar for batches: files, lines, lines/s and ETA, on a terminal only.

The bar is drawn on stderr; it is left out when stderr is not a terminal (a pipe, a file, CI
logs) or with ``--quiet``. The ETA follows the bytes of the inputs done, so one large file does
not make it jump. Text printed while the bar is live goes above it.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

import click

from resv_edi.batch.results import FileResult


def should_show(quiet: bool, stream: IO[str] | None = None) -> bool:
    """True when a progress bar belongs on ``stream`` (default: stderr)."""
    if quiet:
        return False
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class BatchProgress:
    """Context manager: ``advance(result, size)`` per finished file; ``echo`` prints."""

    def __init__(self, files: int, total_bytes: int, *, show: bool, label: str) -> None:
        self.show = show
        self.files = files
        self.total_bytes = max(total_bytes, 1)
        self.label = label
        self.done = 0
        self.lines = 0
        self.started = time.perf_counter()
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> BatchProgress:
        if self.show:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[files]}/{task.fields[total_files]} files"),
                TextColumn("{task.fields[lines]:,} lines"),
                TextColumn("{task.fields[rate]:,.0f} lines/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=False,
                redirect_stdout=False,  # stdout may be a file: keep what goes there there
                redirect_stderr=False,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task(
                self.label, total=self.total_bytes, files=0, total_files=self.files, lines=0, rate=0
            )
        return self

    def advance(self, result: FileResult, size: int) -> None:
        self.done += 1
        self.lines += result.lines
        if self._progress is not None:
            elapsed = max(time.perf_counter() - self.started, 1e-9)
            self._progress.update(
                self._task,
                advance=size,
                files=self.done,
                lines=self.lines,
                rate=self.lines / elapsed,
            )

    def echo(self, text: str, *, err: bool = False) -> None:
        """Print a line of output; above the bar when it is live and the line would go to the
        same terminal, straight to stdout when stdout is a pipe or a file."""
        if self._progress is not None and (err or should_show(False, sys.stdout)):
            self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
            return
        click.echo(text, err=err)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)
            self._progress = None
