"""Shared helpers for the benchmarks: generated inputs and same-run ratios.

Each benchmark measures the project's code and a bare baseline over the same file in the same
test, and records ``ratio`` = baseline time / project time (the project's speed as a fraction
of the baseline's; higher is better) in ``benchmark.extra_info`` and on stdout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE


def write_declaration(path: Path, n: int, fmt: str, seed: int = 1) -> Path:
    with path.open("wb") as fh:
        get_format(fmt).writer(generate_declaration(n, seed=seed), fh, DECLARATIE)
    return path


@pytest.fixture(scope="session")
def declaration_files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, str], Path]:
    """``make(n, fmt)``: a generated declaration of ``n`` lines, made once per session."""
    folder = tmp_path_factory.mktemp("bench-inputs")
    cache: dict[tuple[int, str], Path] = {}

    def make(n: int, fmt: str) -> Path:
        if (n, fmt) not in cache:
            cache[(n, fmt)] = write_declaration(folder / f"decl_{n}.{fmt}", n, fmt)
        return cache[(n, fmt)]

    return make


def bare_slicing(path: Path, layout: Any) -> int:
    """The bare EI baseline: every line decoded and sliced into a dict by its record layout."""
    slicers = {t: [(f.key, f.slice) for f in r.fields] for t, r in layout.records.items()}
    n = 0
    with path.open("rb") as fh:
        for raw in fh:
            line = raw.decode("latin-1").rstrip("\r\n")
            fields = slicers.get(line[:2])
            if fields:
                _ = {key: line[sl] for key, sl in fields}
            n += 1
    return n


def best_of(func: Callable[[], Any], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def compare(
    benchmark: Any,
    name: str,
    baseline: Callable[[], Any],
    candidate: Callable[[], Any],
    rounds: int = 3,
) -> float:
    """Time ``candidate`` with pytest-benchmark and ``baseline`` beside it, round by round
    (the baseline in each round's setup, just before the candidate, so a slow phase of a
    shared machine falls on both alike); the ratio of the best times."""
    times: list[float] = []

    def time_baseline() -> None:
        start = time.perf_counter()
        baseline()
        times.append(time.perf_counter() - start)

    benchmark.pedantic(candidate, setup=time_baseline, rounds=rounds, iterations=1)
    base = min(times)
    ours = benchmark.stats.stats.min
    ratio = base / ours
    benchmark.extra_info.update({"baseline_s": round(base, 4), "ratio": round(ratio, 3)})
    print(f"\n{name}: ours {ours:.3f}s, baseline {base:.3f}s, ratio {ratio:.2f}x")
    return ratio
