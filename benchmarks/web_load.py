"""Load test of the web service: N concurrent validations of a 10 k line file, on localhost.

    python benchmarks/web_load.py [--requests 200] [--lines 10000] [--format ndjson]
                                  [--rounds 2] [--workers 4]

Generates the declaration once (``resv-edi generate``), starts ``resv-edi serve`` on a free
localhost port in a child process (its temporary files in a private directory), sends
``--requests`` POST /v1/validate at once, ``--rounds`` times, and reports: answers (all must be
200 with every line counted), wall time, latency (median, 95th percentile, slowest), the
server's resident memory (VmRSS sampled every 0.1 s: before, peak per round, after) and that
no temporary file was left. Nothing leaves the machine. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

EXE = [sys.executable, "-m", "resv_edi.cli.main"]


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """Samples the server's RSS until stopped; ``peak()`` since the last ``reset()``."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self._stop = pid, [rss_mib(pid)], threading.Event()

    def run(self) -> None:
        while not self._stop.wait(0.1):
            self.samples.append(rss_mib(self.pid))

    def reset(self) -> None:
        self.samples = [rss_mib(self.pid)]

    def peak(self) -> float:
        return max(self.samples)

    def stop(self) -> None:
        self._stop.set()


async def one_round(url: str, body: bytes, n: int) -> tuple[float, list[float], list[tuple]]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(limits=limits, timeout=1800) as client:

        async def post() -> tuple[float, int, int]:
            started = time.perf_counter()
            response = await client.post(
                url, content=body, headers={"Content-Type": "application/octet-stream"}
            )
            lines = response.json()["files"][0]["lines"] if response.status_code == 200 else -1
            return time.perf_counter() - started, response.status_code, lines

        started = time.perf_counter()
        results = await asyncio.gather(*(post() for _ in range(n)))
    wall = time.perf_counter() - started
    return wall, [r[0] for r in results], [(r[1], r[2]) for r in results]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--format", default="ndjson")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    opts = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="resv-web-load-") as tmp:
        source = Path(tmp) / f"decl.{opts.format}"
        subprocess.run(
            [*EXE, "generate", "--format", opts.format, "--records", str(opts.lines),
             "-o", str(source)],
            check=True, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        server_tmp = Path(tmp) / "server"
        server_tmp.mkdir()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [*EXE, "serve", "--port", str(port), "--workers", str(opts.workers),
             "--timeout", "1800"],
            env={**os.environ, "TMPDIR": str(server_tmp)},
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    httpx.get(base + "/v1/standard", timeout=2)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            body = source.read_bytes()
            sampler = Sampler(server.pid)
            sampler.start()
            print(
                f"{opts.requests} concurrent POST /v1/validate of a {opts.lines} line "
                f"{opts.format} file ({len(body) / 1e6:.1f} MB), {opts.workers} worker threads"
            )
            print(f"server RSS at rest: {rss_mib(server.pid):.0f} MiB")
            ok = True
            for round_no in range(1, opts.rounds + 1):
                sampler.reset()
                wall, latencies, answers = asyncio.run(
                    one_round(base + "/v1/validate", body, opts.requests)
                )
                good = sum(1 for status, lines in answers if status == 200 and lines == opts.lines)
                ok &= good == opts.requests
                latencies.sort()
                print(
                    f"round {round_no}: {good}/{opts.requests} answered 200 with {opts.lines} "
                    f"lines; wall {wall:.1f} s ({opts.requests * opts.lines / wall:,.0f} lines/s); "
                    f"latency median {statistics.median(latencies):.1f} s, "
                    f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.1f} s, "
                    f"max {latencies[-1]:.1f} s; peak RSS {sampler.peak():.0f} MiB, "
                    f"after {rss_mib(server.pid):.0f} MiB"
                )
            sampler.stop()
            left = list(server_tmp.iterdir())
            print(f"temporary files left by the server: {len(left)}")
            ok &= not left
        finally:
            server.terminate()
            server.wait(30)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
