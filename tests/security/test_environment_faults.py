"""Issue 15, point 7: faults in the environment. A Dask scheduler that never answers or has
no workers ends with exit 2 after ``--timeout``; a malformed scheduler address is a usage
error; FIFOs and ``/dev/stdin`` are read once; leftovers of a killed run are cleaned up or
ignored; a repeated JSON key anywhere is J004; an empty folder given to validate is exit 2."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.api import check_file, convert
from resv_edi.cli.main import cli
from resv_edi.scratch import scratch_file, sweep

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "fixtures" / "valid"
XML = VALID / "prestatie1_credit_correction.xml"
JSON = VALID / "prestatie1_credit_correction.json"


def _run(*args: str, stdin: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output + result.stderr


# ---- Dask ------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["tcp://host:port", "tcp://host:70000", "http//x", "a b:1"])
def test_malformed_scheduler_address_is_a_usage_error(tmp_path: Path, address: str) -> None:
    code, out = _run("validate", str(XML), "--engine", "dask", "--scheduler", address)
    assert code == 2 and "no scheduler address" in out, out


@pytest.fixture
def silent_scheduler() -> Iterator[str]:
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in held:
        conn.close()


def test_a_scheduler_that_never_answers_times_out(silent_scheduler: str) -> None:
    pytest.importorskip("distributed")
    started = time.monotonic()
    code, out = _run(
        "validate", str(XML), "--engine", "dask", "--scheduler", silent_scheduler, "--timeout", "1"
    )
    assert code == 2, out
    assert time.monotonic() - started < 20
    assert "Traceback" not in out


def test_a_scheduler_without_workers_times_out() -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        code, out = _run(
            "validate", str(XML), str(JSON),
            "--engine", "dask", "--scheduler", cluster.scheduler_address, "--timeout", "1",
        )  # fmt: skip
    assert code == 2 and "no worker after 1 s" in out, out


# ---- inputs that read once -------------------------------------------------------------------


def _feed(fifo: Path, data: bytes) -> threading.Thread:
    def write() -> None:
        with open(fifo, "wb") as fh:
            fh.write(data)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("source", [XML, JSON, VALID / "prestatie1_credit_correction.ndjson"])
def test_a_fifo_is_read_once(tmp_path: Path, source: Path) -> None:
    fifo = tmp_path / "in.pipe"
    os.mkfifo(fifo)
    writer = _feed(fifo, source.read_bytes())
    report = check_file(fifo)
    writer.join(5)
    assert report.errors == 0 and report.lines == 11 and report.file == str(fifo)
    writer = _feed(fifo, source.read_bytes())
    result = convert(fifo, tmp_path / "out.xml", "xml")
    writer.join(5)
    assert result.written and (tmp_path / "out.xml").read_bytes() == XML.read_bytes()


def test_dev_stdin_is_read_once(tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    done = subprocess.run(
        [sys.executable, "-m", "resv_edi.cli.main", "convert", "/dev/stdin", "-o", str(out),
         "--to", "xml"],
        input=JSON.read_bytes(), capture_output=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == XML.read_bytes()


def test_a_fifo_beyond_the_size_limit_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "big.pipe"
    os.mkfifo(fifo)
    writer = _feed(fifo, XML.read_bytes())
    code, out = _run("validate", str(fifo), "--max-file-size", "100")
    writer.join(5)
    assert code == 2 and "L001" in out, out


# ---- leftovers of a killed run ---------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftover_working_files_of_dead_runs_are_removed(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = tmp_path / f"resv-edi-refs-{dead}-abc.db"
    stale.write_bytes(b"half an index")
    stale_dir = tmp_path / f"resv-edi-zip-{dead}-xyz"
    (stale_dir / "sub").mkdir(parents=True)
    mine = Path(scratch_file("refs", ".db", str(tmp_path)))
    other = tmp_path / "resv-edi-refs-notapid.db"
    other.write_bytes(b"")
    assert not stale.exists() and mine.exists() and other.exists()
    assert sweep("zip", str(tmp_path)) == [stale_dir.name] and not stale_dir.exists()


def test_part_files_of_a_killed_conversion_are_ignored(tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    (inbox / "m.xml").write_bytes(XML.read_bytes())
    (inbox / ".m.xml.k1l2.part").write_bytes(b"<half")  # an earlier run killed mid-write
    (out / ".m.json.x9y8.part").write_bytes(b'{"Declaratiebericht": {')
    result = CliRunner().invoke(
        cli,
        ["convert", str(inbox), "-o", str(out), "--to", "json", "--skip-existing", "-j", "1",
         "--output-format", "json"],
    )  # fmt: skip
    files = json.loads(result.stdout)["files"]
    assert [(Path(f["file"]).name, f["status"]) for f in files] == [("m.xml", "ok")]
    assert check_file(out / "m.json").errors == 0


# ---- repeated JSON keys ----------------------------------------------------------------------


def _repeated_after_totals(member: str) -> bytes:
    data = json.loads(JSON.read_text(encoding="utf-8"))["Declaratiebericht"]
    text = JSON.read_text(encoding="utf-8").rstrip()
    end = text.rfind("}", 0, text.rfind("}"))  # the end of Totalen's object... and the root
    close = text.rfind("}")
    inner_close = text.rfind("}", 0, close)
    assert end == inner_close
    return (
        text[:inner_close] + f', "{member}": ' + json.dumps(data[member]) + text[inner_close:]
    ).encode()


@pytest.mark.parametrize("member", ["Prestaties", "Header", "Totalen"])
def test_a_repeated_member_after_the_totals_is_j004(tmp_path: Path, member: str) -> None:
    path = tmp_path / "dup.json"
    path.write_bytes(_repeated_after_totals(member))
    report = check_file(path)
    codes = [i.code for i in report.issues]
    assert "J004" in codes and "F001" not in codes, codes
    assert not report.fatal
    result = convert(path, tmp_path / "out.xml", "xml")
    assert not result.written and [i.code for i in result.issues] == ["J004"]
    for command in (["retour", str(path), "-o", str(tmp_path / "r.xml")],
                    ["report", str(path), "-o", str(tmp_path / "rep")]):  # fmt: skip
        code, out = _run(*command)
        assert code == 1 and "IntegrityError" not in out and "F001" not in out, out


# ---- an empty folder -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "convert"])
def test_an_empty_folder_is_no_files(tmp_path: Path, command: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    args = [command, str(empty)]
    if command == "convert":
        args += ["-o", str(tmp_path / "out"), "--to", "json"]
    code, out = _run(*args)
    assert code == 2 and "no files" in out, out
