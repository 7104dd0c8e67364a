"""Two databases behind one small interface: SQLite (stdlib ``sqlite3``) and PostgreSQL
(psycopg 3). SQL is written once with ``?`` placeholders and portable types; the few
differences (placeholders, column types, bulk loading, locking) live here.

Plain DB-API rather than an ORM or SQLAlchemy: the ledger's SQL is a handful of indexed
queries, bulk loading must stream (``executemany`` batches on SQLite, ``COPY`` on PostgreSQL),
and the core install keeps no extra dependency (psycopg is the ``ledger`` extra).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, ClassVar

from resv_edi.ledger.errors import LedgerError, LedgerUnavailable
from resv_edi.ledger.url import LedgerUrl

sqlite3.register_adapter(date, date.isoformat)  # ISO text: sorts and compares as dates

#: seconds a writer waits for another writer's transaction (SQLite lock, PostgreSQL row lock)
LOCK_TIMEOUT = 600

Row = tuple[Any, ...]


class Database:
    """A connection to the ledger database. Use :meth:`transaction` for every change."""

    dialect = ""
    #: column types by placeholder name in the schema scripts
    types: ClassVar[dict[str, str]] = {}

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        raise NotImplementedError

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
        """The rows of a query one at a time, without holding them all (for exports)."""
        raise NotImplementedError

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Append ``rows`` to ``table`` (inside the current transaction)."""
        marks = ", ".join("?" for _ in columns)
        self.execute_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT and return the new row's id."""
        rows = self.execute(sql + " RETURNING id", params)
        return int(rows[0][0])

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[None]:
        raise NotImplementedError
        yield  # pragma: no cover

    def explain(self, sql: str, params: Sequence[Any] = ()) -> str:
        raise NotImplementedError

    def is_unique_violation(self, exc: BaseException) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    """A ledger in one SQLite file. WAL journal: readers never wait for the writer; one writer
    at a time (``BEGIN IMMEDIATE``), the others wait up to :data:`LOCK_TIMEOUT` seconds."""

    dialect = "sqlite"
    types: ClassVar[dict[str, str]] = {
        "pk": "INTEGER PRIMARY KEY",
        "date": "TEXT",
        "money": "INTEGER",
    }

    def __init__(self, path: str, *, create: bool) -> None:
        if not create and not os.path.exists(path):
            raise LedgerUnavailable(
                f"no ledger at {path} (create it with `resv-edi ledger init --db {path}`)"
            )
        try:
            self._db = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as exc:
            raise LedgerUnavailable(f"cannot open the ledger {path}: {exc}") from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return _sqlite_call(lambda: self._db.execute(sql, params).fetchall())

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        _sqlite_call(lambda: self._db.executemany(sql, rows))

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
        cursor = _sqlite_call(lambda: self._db.execute(sql, params))
        while rows := cursor.fetchmany(1000):
            yield from rows

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[None]:
        self.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield
        except BaseException:
            self._db.rollback()
            raise
        self.execute("COMMIT")

    def explain(self, sql: str, params: Sequence[Any] = ()) -> str:
        rows = self.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in rows)

    def is_unique_violation(self, exc: BaseException) -> bool:
        return isinstance(exc.__cause__ or exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)

    def close(self) -> None:
        self._db.close()


def _sqlite_call(call: Any) -> Any:
    """Run ``call``; a database that cannot be used (locked past the timeout, read-only, full,
    not a database) is :class:`LedgerUnavailable`. A unique-key violation passes unchanged."""
    try:
        return call()
    except sqlite3.IntegrityError:
        raise
    except sqlite3.DatabaseError as exc:
        raise LedgerUnavailable(f"ledger database: {exc}") from exc


class PostgresDatabase(Database):
    """A shared ledger on a PostgreSQL server (psycopg 3). Each :meth:`transaction` is one
    server transaction; lines are loaded with ``COPY``."""

    dialect = "postgresql"
    types: ClassVar[dict[str, str]] = {
        "pk": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "date": "DATE",
        "money": "BIGINT",
    }

    def __init__(self, url: LedgerUrl) -> None:
        try:
            import psycopg
        except ImportError as exc:  # the ``ledger`` extra is not installed
            raise LedgerError(
                "a PostgreSQL ledger needs psycopg 3: pip install 'resv-edi[ledger]'"
            ) from exc
        self._psycopg = psycopg
        try:
            self._db = psycopg.connect(url.target, connect_timeout=10, autocommit=True)
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise LedgerUnavailable(f"cannot reach the ledger server {url}: {reason}") from exc
        self._db.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}s'")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._guard():
            cur = self._db.execute(_pg(sql), params or None)
            return cur.fetchall() if cur.description else []

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._guard(), self._db.cursor() as cur:
            cur.executemany(_pg(sql), rows)

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
        with self._guard(), self._db.transaction(), self._db.cursor(name="ledger_stream") as cur:
            cur.itersize = 1000
            cur.execute(_pg(sql), params or None)
            yield from cur

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self._guard(), self._db.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[None]:
        with self._guard(), self._db.transaction():
            yield

    def explain(self, sql: str, params: Sequence[Any] = ()) -> str:
        return "\n".join(str(r[0]) for r in self.execute("EXPLAIN " + sql, params))

    def is_unique_violation(self, exc: BaseException) -> bool:
        return isinstance(exc.__cause__ or exc, self._psycopg.errors.UniqueViolation)

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """A lost connection is :class:`LedgerUnavailable`, any other server error (no
        permission, a lock timeout) a :class:`LedgerError`; a unique-key violation passes."""
        errors = self._psycopg.errors
        try:
            yield
        except errors.UniqueViolation:
            raise
        except self._psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            if self._db.closed or self._db.broken:
                raise LedgerUnavailable(f"lost the ledger server: {reason}") from exc
            raise LedgerError(f"ledger server: {reason}") from exc

    def close(self) -> None:
        self._db.close()


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def connect(url: LedgerUrl, *, create: bool = False) -> Database:
    """Open the database ``url`` names; ``create`` allows a new SQLite file."""
    if url.dialect == "postgresql":
        return PostgresDatabase(url)
    return SqliteDatabase(url.target, create=create)
