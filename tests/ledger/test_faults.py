"""Faults and concurrency: a writer killed midway, two writers at once (SQLite, PostgreSQL).

The writer processes stop at a known point (after their first batch, inside the open
transaction) and wait for a signal file, so nothing here depends on timing.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from ledger_helpers import header, line, write_declaration

from resv_edi.ledger import open_ledger
from resv_edi.ledger.store import BATCH

WRITER = Path(__file__).with_name("ledger_writer.py")


def big(tmp_path: Path, name: str, n: int = BATCH + 10) -> Path:
    lines = [line(f"{name}{i}", 100 + i) for i in range(1, n + 1)]
    return write_declaration(tmp_path / f"{name}.ndjson", header(f"MSG-{name}"), lines)


def writer(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def state(url: str) -> tuple[int, int]:
    with open_ledger(url) as ledger:
        return (
            int(ledger.query("SELECT COUNT(*) FROM messages")[0][0]),
            int(ledger.query("SELECT COUNT(*) FROM lines")[0][0]),
        )


def test_a_writer_killed_midway_leaves_the_ledger_as_it_was(
    ledger_url: str, tmp_path: Path
) -> None:
    earlier = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("A1", 100)])
    with open_ledger(ledger_url) as ledger:
        ledger.add_declaration(earlier)
    doomed = big(tmp_path, "K")
    proc = writer(ledger_url, "--hold", str(tmp_path / "never"), str(doomed))
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == f"loaded {BATCH}"  # lines in the open transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert state(ledger_url) == (1, 1)  # only the earlier message
    with open_ledger(ledger_url) as ledger:  # and the killed message can be added afterwards
        assert ledger.add_declaration(doomed).status == "added"
    assert state(ledger_url) == (2, 1 + BATCH + 10)


def _wait_for_lock_waiter(url: str, timeout: float = 60) -> None:
    """PostgreSQL: until another session waits for a lock (the second writer on the key)."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second writer never waited for the first")


def test_two_writers_neither_lose_nor_double_a_message(ledger_url: str, tmp_path: Path) -> None:
    shared, own = big(tmp_path, "S"), big(tmp_path, "O", 10)
    go = tmp_path / "go"
    first = writer(ledger_url, "--hold", str(go), str(shared))
    assert first.stdout is not None
    assert first.stdout.readline().startswith("loaded")  # holds the new message's key
    second = writer(ledger_url, str(shared), str(own))
    if ledger_url.startswith("postgresql"):
        _wait_for_lock_waiter(ledger_url)  # it tries to insert the same key and must wait
    go.touch()
    out_first, err_first = first.communicate(timeout=300)
    out_second, err_second = second.communicate(timeout=300)
    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    results = [json.loads(x) for x in (out_first + out_second).splitlines() if x.startswith("{")]
    statuses = sorted((Path(r["file"]).name, r["status"]) for r in results)
    assert statuses == [("O.ndjson", "added"), ("S.ndjson", "added"), ("S.ndjson", "present")]
    assert state(ledger_url) == (2, BATCH + 20)
