"""Garbage collection while a command runs: fewer and cheaper collections on long inputs.

A command checks a million lines with a few tens of thousands of long-lived objects in memory
(modules, models, compiled patterns) and very few reference cycles: almost everything it
allocates is freed by reference counting. CPython's defaults (a young collection every 700
container allocations, a full one whenever a quarter more objects survived) make the collector
scan those long-lived objects in every full collection and the line blocks in flight in every
young one: 8-14 % of a ``validate`` run (docs/performance.md, "The collector while a command
runs"). :func:`collecting_less` freezes what the command's start-up allocated (it is never
garbage) and collects the youngest generation after :data:`YOUNG` allocations; cycles are still
collected, so memory stays flat. Both are undone when the command ends (in-process callers such
as tests and the web service keep their own settings).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: container allocations (net of frees) between collections of the youngest generation
YOUNG = 20_000


@contextmanager
def collecting_less() -> Iterator[None]:
    """Within the block, the youngest generation is collected after :data:`YOUNG`
    allocations; :func:`freeze_start_up` may freeze the objects alive so far. Both undone at
    the end."""
    previous = gc.get_threshold()
    ours = gc.get_freeze_count() == 0  # a caller that froze objects itself keeps them so
    gc.set_threshold(max(previous[0], YOUNG), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        if ours:
            gc.unfreeze()  # back to the oldest generation, collected as usual


def freeze_start_up() -> None:
    """Keep the objects alive now (the command's imported modules) out of every collection
    of this run: ``gc.freeze()``, the idiom for a process's start-up objects (unless a caller
    froze objects itself)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
