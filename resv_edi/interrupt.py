"""Stopping cleanly: Ctrl-C and SIGTERM end a run without orphan workers or partial outputs.

The parent turns SIGTERM into ``SystemExit(143)`` (:func:`exit_on_sigterm`), so that every
``finally`` runs: the pool is closed (:meth:`resv_edi.batch.runner.LocalPool.close` terminates
its workers) and temporary outputs are removed. Workers ignore SIGINT (Ctrl-C reaches the whole
process group; the parent decides) and turn SIGTERM into ``SystemExit`` too, so that a worker
stopped in the middle of a conversion removes its temporary file.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

#: exit codes of a run ended by a signal (128 + the signal number, as shells report them)
INTERRUPTED = 128 + signal.SIGINT
TERMINATED = 128 + signal.SIGTERM


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises ``SystemExit(143)`` (in the main thread only)."""
    previous: Callable[..., Any] | int | None = None
    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def worker_init() -> None:
    """Initializer of pool workers: the parent handles Ctrl-C; SIGTERM unwinds the task."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
