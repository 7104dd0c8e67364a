"""The reference index's share of a block check (NDJSON, JSON, EI, XML), in CPU seconds.

``python benchmarks/index_share.py FILE [RUNS]`` (make one with ``resv-edi generate --records
100000 --to ndjson -o FILE.ndjson``) runs ``check_file`` RUNS times (default three;
one for a 1 M-line file) with timers around the index's three steps (``clean_run``: the
reference columns of a clean block; adding and spilling: ``PartitionedIndex.add_rows`` and
``add_block``; the reference answers at the end) and prints the best run, also in µs per line
of the message. Timers wrap
a few dozen calls per 100 k lines, so they cost nothing measurable (cProfile's per-call cost
inflates the many small calls around them). Not part of the test run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import resv_edi.rules.ei_blocks as ei_blocks
import resv_edi.rules.engine as engine
import resv_edi.rules.json_blocks as json_blocks
import resv_edi.rules.ndjson_blocks as ndjson_blocks
import resv_edi.rules.xml_blocks as xml_blocks
from resv_edi.pipeline import check_file
from resv_edi.rules.ref_partitions import PartitionedIndex

SPENT = {"clean_run": 0.0, "adding": 0.0, "answers": 0.0}


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] += time.process_time() - started

    return timed


def _timed_answers(function: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def answers(*args: Any) -> Iterator[Any]:
        found = function(*args)
        while True:
            started = time.process_time()
            try:
                item = next(found)
            except StopIteration:
                return
            finally:
                SPENT["answers"] += time.process_time() - started
            yield item

    return answers


def main(path: str, runs: int = 3) -> None:
    for blocks in (ndjson_blocks, json_blocks, ei_blocks, xml_blocks):
        setattr(blocks, "clean_run", _timed("clean_run", blocks.clean_run))  # noqa: B010
    for name in ("add_rows", "add_block"):  # add_block: the column form
        if hasattr(PartitionedIndex, name):
            setattr(PartitionedIndex, name, _timed("adding", getattr(PartitionedIndex, name)))
    engine.reference_issues = _timed_answers(engine.reference_issues)
    best: tuple[float, dict[str, float]] | None = None
    for _ in range(runs):
        SPENT.update(dict.fromkeys(SPENT, 0.0))
        started = time.process_time()
        lines = check_file(path).lines
        total = time.process_time() - started
        if best is None or total < best[0]:
            best = (total, dict(SPENT))
    assert best is not None
    total, spent = best
    index = sum(spent.values())
    steps = ", ".join(f"{name} {seconds:.3f} s" for name, seconds in spent.items())
    print(f"check_file {total:.2f} s CPU; the index {index:.3f} s ({index / total:.0%}): {steps}")
    per_line = ", ".join(f"{name} {seconds / lines * 1e6:.2f}" for name, seconds in spent.items())
    print(f"per line ({lines} lines), µs: {per_line}")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:3]))
