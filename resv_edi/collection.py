"""The garbage collector paused while a block is built (:func:`uncollected`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def uncollected() -> Iterator[None]:
    """No garbage collection within (as :mod:`timeit` does), for code that does not
    ``yield``: a block's decode, its columns and its records allocate a tuple or dict per
    line, freed by reference counting and never in a cycle, and each collection those
    allocations set off would scan them all (in ``check_file`` in-process, with the
    collector's defaults, ~20 % of the run). A collector disabled by the caller stays so."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
