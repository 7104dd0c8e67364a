"""Peak resident memory of a ``resv-edi`` command at two input sizes.

    python benchmarks/peak_rss.py validate --lines 10000 1000000 [--format xml] [--invalid]
    python benchmarks/peak_rss.py validate --split 2 --format ndjson --lines 10000 1000000

Generates a declaration of each size, runs the command in a child process and reports its
peak RSS (``ru_maxrss`` of the child) and the ratio of the largest to the smallest. With
``--invalid`` every line's Begindatum gets month 13 (an S002 error on every line), to show
that a file of only invalid lines still streams in flat memory. With ``--split N``
(``validate --jobs N --split N``) the peak of the command's process and of its largest worker
are also shown, sampled from ``/proc`` (``VmHWM``) every 20 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _hwm_kib(pid: int) -> int | None:
    """The peak RSS of process ``pid`` so far (``VmHWM``), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", "rb") as fh:
                found.extend(int(c) for c in fh.read().split())
    except (OSError, ValueError):
        pass
    return found


class TreePeaks:
    """Samples the peak RSS of a process and of each of its children until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            for pid in [self.pid, *_children(self.pid)]:
                kib = _hwm_kib(pid)
                if kib is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), kib)

    def stop(self) -> tuple[float, float]:
        """(peak of the process, peak of its largest child) in MiB."""
        self._stop.set()
        self._thread.join()
        own = self.peaks.get(self.pid, 0)
        workers = [kib for pid, kib in self.peaks.items() if pid != self.pid]
        return own / 1024, max(workers, default=0) / 1024


def peak_rss_mib(args: list[str], tree: list[TreePeaks] | None = None) -> tuple[float, float, int]:
    """(peak RSS in MiB, seconds, exit code) of ``args`` run as a child process.

    ``os.wait4`` gives the resource usage of that one child, not the high-water mark of all.
    ``tree``: a :class:`TreePeaks` of the child is appended (and stopped) when given.
    """
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = TreePeaks(child.pid) if tree is not None else None
    _, status, usage = os.wait4(child.pid, 0)
    if tree is not None and sampler is not None:
        sampler.stop()
        tree.append(sampler)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, seconds, child.returncode


_DATE_MONTH = {  # the Begindatum's month in each format: (pattern, replacement)
    "xml": (rb"(<Begindatum>\d{4}-)\d\d", rb"\g<1>13"),
    "json": (rb'("Begindatum":\s*"\d{4}-)\d\d', rb"\g<1>13"),
    "ndjson": (rb'("Begindatum":\s*"\d{4}-)\d\d', rb"\g<1>13"),
}


def make_invalid(src: Path, dst: Path, fmt: str) -> None:
    """Copy ``src`` to ``dst`` with month 13 in every line's Begindatum (streamed by line)."""
    if fmt == "ei":
        from resv_edi.formats.ei.resv import resv_layout

        rl = resv_layout("declaratie")
        line_type = rl.record_type["line"]
        spec = next(f.spec for f in rl.fields[line_type] if f.element == "Begindatum")
        at = spec.start - 1 + 4  # CCYY|MM|DD: the month follows the year

        def fix(raw: bytes) -> bytes:
            return raw[:at] + b"13" + raw[at + 2 :] if raw.startswith(line_type.encode()) else raw

    else:
        pattern, repl = _DATE_MONTH[fmt]
        compiled = re.compile(pattern)

        def fix(raw: bytes) -> bytes:
            return compiled.sub(repl, raw)

    with src.open("rb") as fin, dst.open("wb") as fout:
        fout.writelines(map(fix, fin))


COMMANDS = (
    "validate",
    "convert",
    "retour",
    "lumpsum",
    "inspect",
    "report",
    "reconcile",
    "overlap",
    "ledger-add",
)


def _generate(exe: list[str], dst: Path, n: int, fmt: str, standard: str | None = None) -> Path:
    if not dst.exists():
        gen = [*exe, "generate", "--records", str(n), "-o", str(dst), "-q"]
        gen += ["--standard", standard, "--mapping", "ha304_oi"] if standard else ["--to", fmt]
        subprocess.run(gen, check=True)
    return dst


def _input(exe: list[str], folder: Path, n: int, opts: argparse.Namespace) -> Path:
    """The command's main input of ``n`` lines (generated once per folder)."""
    if opts.command == "lumpsum":
        return _generate(exe, folder / f"ha304_{n}.asc", n, "ei", "HA304")
    fmt = "ei" if opts.command == "inspect" else opts.format
    src = _generate(exe, folder / f"decl_{n}.{fmt}", n, fmt)
    if opts.invalid:
        bad = folder / f"decl_{n}_invalid.{fmt}"
        if not bad.exists():
            make_invalid(src, bad, fmt)
        src = bad
    return src


def _command(
    exe: list[str], folder: Path, n: int, src: Path, opts: argparse.Namespace
) -> list[str]:
    """The command line measured (its own outputs in ``folder``)."""
    out = folder / f"out_{n}.{opts.to}"
    if opts.command == "validate" and opts.split:
        split = str(opts.split)
        return [*exe, "validate", "--jobs", split, "--split", split, str(src)]
    if opts.command == "validate":
        return [*exe, "validate", "--jobs", "1", str(src)]
    if opts.command in ("convert", "retour"):
        return [*exe, opts.command, str(src), "-o", str(out), "--to", opts.to]
    if opts.command == "lumpsum":
        return [*exe, "lumpsum", str(src), "--mapping", "ha304_oi", "-o", str(out), "--to", "csv"]
    if opts.command == "inspect":
        return [*exe, "inspect", str(src)]
    if opts.command == "report":
        return [*exe, "report", str(src), "-o", str(folder / f"report_{n}")]
    if opts.command == "reconcile":
        answer = folder / f"retour_{n}.xml"
        if not answer.exists():
            subprocess.run([*exe, "retour", str(src), "-o", str(answer), "-q"], check=False)
        return [*exe, "reconcile", str(src), str(answer)]
    if opts.command == "overlap":
        claims = _generate(exe, folder / f"ha304_{n}.asc", n, "ei", "HA304")
        table = folder / f"overlap_{n}.json"
        return [
            *exe,
            "overlap",
            "--declarations",
            str(src),
            "--claims",
            str(claims),
            "-o",
            str(table),
        ]
    db = folder / f"ledger_{n}.sqlite"
    db.unlink(missing_ok=True)
    subprocess.run([*exe, "ledger", "init", "--db", str(db), "-q"], check=True)
    return [*exe, "ledger", "add", str(src), "--db", str(db)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--format", default="xml")
    parser.add_argument("--to", default="ei")
    parser.add_argument("--dir", default=None)
    parser.add_argument("--invalid", action="store_true", help="every line's date invalid")
    parser.add_argument("--split", type=int, default=0, help="validate --jobs N --split N")
    opts = parser.parse_args()
    exe = [sys.executable, "-m", "resv_edi.cli.main"]
    folder = Path(opts.dir or tempfile.mkdtemp(prefix="resv-rss-"))
    results = []
    for n in sorted(opts.lines):
        src = _input(exe, folder, n, opts)
        args = _command(exe, folder, n, src, opts)
        tree: list[TreePeaks] | None = [] if opts.split else None
        rss, seconds, code = peak_rss_mib(args, tree)
        size = src.stat().st_size / 2**20
        results.append((n, rss))
        parts = ""
        if tree:
            own, worker = tree[0].stop()
            parts = f" (command {own:.1f} MiB, largest worker {worker:.1f} MiB)"
        print(
            f"{opts.command} {opts.format} {n:>9} lines ({size:8.1f} MiB): peak RSS "
            f"{rss:7.1f} MiB{parts}, {seconds:7.1f} s, exit {code}"
        )
    if len(results) > 1:
        print(f"peak RSS ratio largest/smallest: {results[-1][1] / results[0][1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
