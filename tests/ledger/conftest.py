"""Ledger fixtures: every test that takes ``ledger_url`` runs against SQLite and against a
real PostgreSQL server, started once per session in a temporary directory by the fixture.

The server runs from Debian's ``postgresql`` package (or any ``initdb``/``pg_ctl`` on PATH)
as the ``postgres`` system user when the tests run as root (PostgreSQL refuses root), on a
unix socket only (no TCP port). Tests are skipped, with the reason, only when no server
binary exists on the machine.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from resv_edi.ledger import open_ledger


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: p.split("/"))
    return Path(versions[-1]).parent if versions else None


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("PostgreSQL refuses to run as root and runuser is missing")
    return [runuser, "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A private PostgreSQL server for the session; yields a libpq URL to its ``postgres``
    database over a unix socket."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server binary (initdb) found; apt-get install postgresql")
    base = Path(tempfile.mkdtemp(prefix="resv-ledger-pg-", dir="/tmp"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix = _as_server_user()
    if prefix:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    # the server's own locale: C, whatever the test session pins (LANG=en_US.UTF-8 may not exist)
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    run = {"check": True, "capture_output": True, "cwd": "/tmp", "env": env}
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "--no-sync", "-E", "UTF8", "--locale=C"],
        **run,
    )  # fmt: skip
    options = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "120",
         "-l", str(base / "server.log"), "start"],
        **run,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@/postgres?host={sock}"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
            cwd="/tmp",
        )
        shutil.rmtree(base, ignore_errors=True)


_schemas = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, initialised, empty ledger: a SQLite file, or a fresh schema on the
    session's PostgreSQL server (``search_path`` set in the URL)."""
    if request.param == "sqlite":
        url = str(tmp_path / "ledger.db")
    else:
        server = request.getfixturevalue("postgres_server")
        schema = f"t{os.getpid()}_{next(_schemas)}"
        import psycopg

        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        url = f"{server}&options=-csearch_path%3D{schema}"
    open_ledger(url, create=True).close()
    return url
