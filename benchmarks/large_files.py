"""Validate a 2 GB EI file and a 5 M element XML file; report peak RSS and time.

    python benchmarks/large_files.py [--dir /tmp/resv-large] [--ei-bytes 2e9] [--xml-records 350000]

Each input is generated once (RESV901: the XML with ``resv-edi generate``; the EI file with the
same generator, amounts divided by 100 so that the trailer total of millions of lines fits its 13
positions; the record count is derived from a small sample so that the file reaches
``--ei-bytes``), then validated by
``resv-edi validate`` in a child process. Peak RSS is ``ru_maxrss`` of the children, as in
``benchmarks/peak_rss.py``; since it is a high-water mark, the smaller run goes first and a
run is reported only when it raised the mark (otherwise the bound is "at most" the mark).
Not part of the test suite: it takes minutes and gigabytes of disk.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

EXE = [sys.executable, "-m", "resv_edi.cli.main"]


def run(args: list[str]) -> tuple[float, float, int]:
    """(peak RSS of all children so far in MiB, seconds, exit code) of ``args``."""
    start = time.perf_counter()
    code = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    seconds = time.perf_counter() - start
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, seconds, code


def generate(fmt: str, records: int, target: Path) -> float:
    """Generate ``records`` lines in ``fmt`` at ``target`` (once); the seconds it took."""
    if target.exists():
        return 0.0
    start = time.perf_counter()
    subprocess.run(
        [*EXE, "generate", "--to", fmt, "--records", str(records), "-o", str(target)],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def generate_ei(records: int, target: Path) -> float:
    """A valid RESV901 EI file of ``records`` lines with small amounts; the seconds it took."""
    if target.exists():
        return 0.0
    from resv_edi.formats.ei.resv import write_ei
    from resv_edi.generate.declarations import generate_declaration
    from resv_edi.model.messages import DECLARATIE
    from resv_edi.source import atomic_output

    def scaled() -> Iterator[Any]:
        total = 0
        for record in generate_declaration(records, seed=1):
            if hasattr(record, "bedrag"):
                amount = max(record.bedrag // 100, 100)
                vat = amount * 21 // 121 if record.btw_bedrag is not None else None
                total += amount if record.debet_credit == "D" else -amount
                record = record.model_copy(update={"bedrag": amount, "btw_bedrag": vat})
            elif hasattr(record, "totaal_bedrag"):
                record = record.model_copy(
                    update={"totaal_bedrag": abs(total), "debet_credit": "D" if total >= 0 else "C"}
                )
            yield record

    start = time.perf_counter()
    with atomic_output(target) as out:
        write_ei(scaled(), out, DECLARATIE)
    return time.perf_counter() - start


def lines_of(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b""))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=None)
    parser.add_argument("--ei-bytes", type=float, default=2e9)
    parser.add_argument("--xml-records", type=int, default=350_000)
    opts = parser.parse_args()
    folder = Path(opts.dir or tempfile.mkdtemp(prefix="resv-large-"))
    folder.mkdir(parents=True, exist_ok=True)

    sample = folder / "sample.asc"
    generate_ei(10_000, sample)
    per_record = sample.stat().st_size / 10_000
    ei_records = int(opts.ei_bytes / per_record)

    ei = folder / f"resv901_{ei_records}.asc"
    xml = folder / f"resv901_{opts.xml_records}.xml"
    gen_xml = generate("xml", opts.xml_records, xml)
    gen_ei = generate_ei(ei_records, ei)

    baseline, _, _ = run([*EXE, "validate", str(sample)])
    print(f"baseline: validate 10 000-record EI sample: peak RSS {baseline:.1f} MiB")
    for path, fmt, gen in ((xml, "xml", gen_xml), (ei, "ei", gen_ei)):
        size = path.stat().st_size
        elements = ""
        if fmt == "xml":
            with path.open("rb") as fh:
                count = sum(c.count(b"</") for c in iter(lambda f=fh: f.read(1 << 24), b""))
            elements = f", {count:,} elements"
        rss, seconds, code = run([*EXE, "validate", str(path)])
        print(
            f"{fmt}: {size / 1e9:.2f} GB, {lines_of(path):,} lines{elements} "
            f"(generated in {gen:.0f} s); validate: {seconds:.0f} s "
            f"({size / 2**20 / seconds:.1f} MiB/s), exit {code}, peak RSS so far {rss:.1f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
