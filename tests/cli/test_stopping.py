"""Ctrl-C exits 130 and SIGTERM 143; the pool's workers stop with the parent and no partial
output is left. Two inputs are named pipes that nobody writes: their workers are certainly
busy when the signal arrives (no timing luck involved)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")

VALID = Path(__file__).resolve().parents[2] / "fixtures" / "valid"
pytestmark = pytest.mark.skipif(
    not Path("/proc/self/wchan").exists(), reason="needs Linux /proc to see the workers wait"
)


def _start(tmp_path: Path, *, partial: bool) -> tuple[subprocess.Popen[bytes], Path]:
    """A conversion of 2 valid files and 2 named pipes (``-j 2``): nobody writes to ``b.xml``;
    with ``partial`` the test writes the first megabytes of a long message into ``a.xml`` and
    keeps the pipe open, so that its worker is in the middle of writing its output."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("a.xml", "b.xml"):
        os.mkfifo(inbox / name)
    for source in VALID.glob("*.xml"):
        shutil.copy(source, inbox / source.name)
    out = tmp_path / "out"
    scratch = tmp_path / "scratch"  # the run's working files (a pipe is spooled there first)
    scratch.mkdir()
    command = [sys.executable, "-m", "resv_edi.cli.main", "convert", str(inbox), "-o", str(out)]
    process = subprocess.Popen(
        [*command, "--to", "json", "--format", "xml", "-j", "2", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a shell job has
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    if partial:
        threading.Thread(target=_feed, args=(inbox / "a.xml",), daemon=True).start()
    return process, out


def _feed(pipe: Path) -> None:
    """Write the head of a long message into ``pipe`` and keep it open (never finish)."""
    text = (VALID / "prestatie1_credit_correction.xml").read_text(encoding="utf-8")
    head, rest = text.split("<Prestaties>", 1)
    line = rest.split("</Prestatie>", 1)[0] + "</Prestatie>"
    body = (head + "<Prestaties>" + line * 8000).encode()
    fd = os.open(pipe, os.O_WRONLY)  # blocks until the worker opens the pipe
    _KEPT.append(fd)
    with contextlib.suppress(OSError):
        os.write(fd, body)


_KEPT: list[int] = []


def _busy_workers(
    process: subprocess.Popen[bytes], out: Path, partial: bool
) -> list[psutil.Process]:
    """The pool's workers, once both are busy: one waits at ``b.xml`` and the other waits at
    ``a.xml`` too or (``partial``) is in the middle of ``a.xml``: it has read the first
    megabytes into its working copy (a pipe is read once, :mod:`resv_edi.formats.spool`)."""
    deadline = time.monotonic() + 60
    parent = psutil.Process(process.pid)
    while time.monotonic() < deadline:
        workers = parent.children(recursive=True)
        waiting = [w for w in workers if _opens_a_pipe(w)]
        writing = partial and any(
            p.stat().st_size > 0 for p in (out.parent / "scratch").glob("resv-edi-input-*")
        )
        if (len(waiting) >= 2 and not partial) or (writing and waiting):
            return workers
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the workers never got busy")


def _opens_a_pipe(worker: psutil.Process) -> bool:
    """Blocked in opening a named pipe that has no writer (Linux: ``fifo_open``)."""
    try:
        return Path(f"/proc/{worker.pid}/wchan").read_text() == "wait_for_partner"
    except OSError:
        return False


@pytest.mark.parametrize("partial", [False, True], ids=["waiting", "writing"])
@pytest.mark.parametrize(
    ("send", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "Ctrl-C"]
)
def test_a_signal_stops_the_run_and_its_workers(
    tmp_path: Path, send: int, code: int, partial: bool
) -> None:
    process, out = _start(tmp_path, partial=partial)
    try:
        workers = _busy_workers(process, out, partial)
        if send == signal.SIGINT:
            os.killpg(process.pid, send)  # a terminal sends Ctrl-C to the whole group
        else:
            process.send_signal(send)  # a service manager signals the parent only
        _, err = process.communicate(timeout=60)
    finally:
        while _KEPT:
            os.close(_KEPT.pop())
        if process.poll() is None:  # the test failed before its signal: leave no orphans
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    assert process.returncode == code, err
    assert b"Traceback" not in err
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
    assert not [p.name for p in tmp_path.rglob("*") if p.name.endswith(".part")]
    assert not (out / "a.json").exists()
