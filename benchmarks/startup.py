"""Start-up cost of the command: import time by ``python -X importtime``, never asserted.

    python benchmarks/startup.py                       # median of 7 runs per command
    python benchmarks/startup.py --runs 9 --baseline /tmp/old-checkout
    python benchmarks/startup.py --top 25              # the costliest modules of ``validate``
    python benchmarks/startup.py --instructions --baseline /tmp/old-checkout   # valgrind

The figure is the sum of the ``self`` column of ``-X importtime`` (every module's own import
time, so nothing is counted twice), for the installed console script and ``python -m
resv_edi``; beside it the CPU time (user + system) of the whole process, start to exit, which
a busy machine disturbs less than the wall-clock times ``-X importtime`` adds up; and, least
disturbed by a busy machine, the sum over the modules of each module's *fastest* self time in
the runs (a module slowed down in one run by other work counts with its time in another).

``--instructions`` counts the machine instructions of one run of each command under valgrind's
callgrind instead (slow, ~50x, but the same count on a busy machine as on an idle one).

With ``--baseline DIR`` (a checkout of an earlier commit, e.g. ``git archive REV | tar -x -C
DIR``) each run alternates between that tree and this one, so a busy machine slows both alike;
the tree measured is put first on ``PYTHONPATH`` and is the working directory (``python -m``
puts that first on ``sys.path``). Compile both trees first (``python -m compileall -q
resv_edi DIR/resv_edi``) when ``PYTHONDONTWRITEBYTECODE`` is set: an installed wheel has its
bytecode, and compiling the sources on every run would be measured instead.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL_XML = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.xml"


def commands(tree: Path) -> dict[str, list[str]]:
    """The command lines measured, by label: console script and ``python -m`` for each."""
    script = shutil.which("resv-edi") or str(Path(sys.executable).with_name("resv-edi"))
    # an old tree may lack resv_edi/__main__.py: the command group's own module then
    main = "resv_edi" if (tree / "resv_edi" / "__main__.py").is_file() else "resv_edi.cli.main"
    xml = str(SMALL_XML)
    return {
        "resv-edi --help": [sys.executable, script, "--help"],
        "resv-edi validate small.xml": [sys.executable, script, "validate", xml],
        "python -m resv_edi --help": [sys.executable, "-m", main, "--help"],
        "python -m resv_edi validate small.xml": [sys.executable, "-m", main, "validate", xml],
    }


Rows = list[tuple[str, int, int, int]]


def import_times(argv: list[str], tree: Path) -> tuple[Rows, float]:
    """(module, self µs, cumulative µs, depth) for every import of one run of ``argv``, and
    the CPU seconds the run took."""
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1", PYTHONPATH=str(tree))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tree, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, total, name = line.removeprefix("import time:").split("|", 2)
        depth = (len(name) - len(name.lstrip(" "))) // 2
        rows.append((name.strip(), int(own), int(total), depth))
    return rows, cpu


def instructions(argv: list[str], tree: Path) -> int:
    """The instructions one run of ``argv`` executes (valgrind --tool=callgrind)."""
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(
        [*valgrind, *argv], capture_output=True, text=True, env=env, cwd=tree, timeout=1200
    )
    found = re.search(r"Collected : ([0-9]+)", done.stderr)
    if found is None:
        raise SystemExit(f"valgrind failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def count_instructions(trees: dict[str, Path]) -> None:
    print("instructions of one run (valgrind callgrind), millions:")
    for label in commands(ROOT):
        counts = {name: instructions(commands(tree)[label], tree) for name, tree in trees.items()}
        cells = [f"{name} {count / 1e6:,.0f}" for name, count in counts.items()]
        if len(counts) == 2:
            cells.append(f"now/baseline {counts['now'] / counts['baseline']:.2f}")
        print(f"  {label:38s} " + "   ".join(cells))


def total_seconds(rows: Rows) -> float:
    return sum(own for _, own, _, _ in rows) / 1e6


def top(rows: Rows, count: int) -> list[str]:
    """The costliest top-level packages (sum of self time) and modules (cumulative)."""
    packages: dict[str, int] = defaultdict(int)
    for name, own, _, _ in rows:
        packages[name.split(".")[0]] += own
    lines = ["self time by top-level package:"]
    for name, own in sorted(packages.items(), key=lambda item: -item[1])[:count]:
        lines.append(f"  {own / 1000:7.1f} ms  {name}")
    lines.append("cumulative time by module:")
    for name, _, total, _ in sorted(rows, key=lambda row: -row[2])[:count]:
        lines.append(f"  {total / 1000:7.1f} ms  {name}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="checkout of an earlier commit")
    parser.add_argument("--top", type=int, default=0, help="list the N costliest imports")
    parser.add_argument("--instructions", action="store_true", help="count with valgrind")
    args = parser.parse_args()
    trees = {"now": ROOT}
    if args.baseline:
        trees = {"baseline": args.baseline.resolve(), "now": ROOT}
    if args.instructions:
        count_instructions(trees)
        return
    figures: dict[tuple[str, str], list[float]] = defaultdict(list)
    cpu: dict[tuple[str, str], list[float]] = defaultdict(list)
    fastest: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    last: Rows = []
    for _ in range(args.runs):
        for label in commands(ROOT):
            for name, tree in trees.items():  # alternating, run by run
                rows, seconds = import_times(commands(tree)[label], tree)
                figures[(label, name)].append(total_seconds(rows))
                cpu[(label, name)].append(seconds)
                best = fastest[(label, name)]
                seen: dict[str, int] = defaultdict(int)
                for module, own, _, _ in rows:  # a name can be listed twice (a package's
                    seen[module] += 1  # module imported before its package finished)
                    key = f"{module}#{seen[module]}"
                    best[key] = min(own, best.get(key, own))
                if name == "now" and label == "resv-edi validate small.xml":
                    last = rows
    for title, table in (
        ("seconds of import time (sum of -X importtime self)", figures),
        ("CPU seconds of the whole process (user + system)", cpu),
    ):
        print(f"median of {args.runs} runs, {title}:")
        for label in commands(ROOT):
            cells = []
            for name in trees:
                values = table[(label, name)]
                cells.append(
                    f"{name} {statistics.median(values):.3f} (min {min(values):.3f}, "
                    f"max {max(values):.3f})"
                )
            print(f"  {label:38s} " + "   ".join(cells))
    print("sum of each module's fastest self time over the runs (seconds):")
    for label in commands(ROOT):
        cells = [f"{name} {sum(fastest[(label, name)].values()) / 1e6:.3f}" for name in trees]
        print(f"  {label:38s} " + "   ".join(cells))
    if args.top:
        print("\n".join(top(last, args.top)))


if __name__ == "__main__":
    main()
