"""What the garbage collector costs ``resv-edi validate``: CPython's default settings against the
command's own (:mod:`resv_edi.cli.collector`), alternating in one process.

    python benchmarks/collector_cost.py FILE [--rounds 4] [--args validate --jobs 1]

Each run is the command in process (click's test runner, as ``bench_xml_validate``); it prints
the run's CPU seconds, the collector's CPU seconds (``gc.callbacks``) and the collections per
generation. ``defaults`` runs the same command with the collector module's settings left out.
CPU time, not wall time: the figures stay comparable on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import time
from collections.abc import Iterator

from click.testing import CliRunner

from resv_edi.cli import collector
from resv_edi.cli.main import cli


class Watch:
    """CPU seconds spent in the collector and collections by generation, while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.seconds += time.process_time() - self._start
            self.collections[info["generation"]] += 1


@contextlib.contextmanager
def settings(mode: str) -> Iterator[None]:
    """``command``: the module as it is; ``defaults``: its settings left out."""
    if mode == "command":
        yield
        return
    real = collector.collecting_less, collector.freeze_start_up
    collector.collecting_less = contextlib.nullcontext  # type: ignore[assignment]
    collector.freeze_start_up = lambda: None
    try:
        yield
    finally:
        collector.collecting_less, collector.freeze_start_up = real


def run(args: list[str], mode: str) -> tuple[float, Watch]:
    watch = Watch()
    with settings(mode):
        gc.callbacks.append(watch)
        started = time.process_time()
        try:
            result = CliRunner().invoke(cli, args)
        finally:
            gc.callbacks.remove(watch)
    if result.exit_code not in (0, 1):
        raise SystemExit(f"exit {result.exit_code}: {result.output[-500:]}")
    return time.process_time() - started, watch


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--args", nargs=argparse.REMAINDER, default=["validate"])
    opts = parser.parse_args()
    args = [*opts.args, opts.file]
    modes = ["defaults", "command"]
    seen: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
    run(args, "command")  # the command's modules imported before the first measured run
    for number in range(opts.rounds):
        for mode in modes if number % 2 == 0 else modes[::-1]:
            cpu, watch = run(args, mode)
            seen[mode].append((cpu, watch.seconds))
            print(
                f"{mode:9} CPU {cpu:7.2f} s, collector {watch.seconds:6.2f} s "
                f"({watch.seconds / cpu:5.1%}), collections {watch.collections}",
                flush=True,
            )
    for mode in modes:
        cpu, spent = min(seen[mode])
        print(f"best {mode:9} CPU {cpu:7.2f} s, collector {spent:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
