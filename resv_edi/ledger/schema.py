"""The ledger's schema and its versioned migrations.

One schema for both databases: each migration is a list of statements whose column types are
placeholders (``{pk}``, ``{date}``, ``{money}``) filled per dialect. ``ledger_schema`` records
the versions applied; :func:`migrate` applies the missing ones in order, each in its own
transaction, and refuses a database whose schema is newer than this program.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from resv_edi.ledger.db import Database
from resv_edi.ledger.errors import LedgerError


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "messages, lines, retours, agreements",
        (
            """CREATE TABLE messages (
                id {pk},
                sender TEXT NOT NULL,
                receiver TEXT NOT NULL,
                message_ident TEXT NOT NULL,
                dagtekening {date} NOT NULL,
                declaratienummer TEXT NOT NULL,
                period_begin {date} NOT NULL,
                period_end {date} NOT NULL,
                soort_bericht TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                line_count INTEGER NOT NULL,
                total {money} NOT NULL,
                added_at TEXT NOT NULL,
                CONSTRAINT messages_sender_ident UNIQUE (sender, message_ident)
            )""",
            "CREATE INDEX messages_invoice ON messages (sender, declaratienummer)",
            """CREATE TABLE lines (
                message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                idx INTEGER NOT NULL,
                sender TEXT NOT NULL,
                reference TEXT NOT NULL,
                previous TEXT,
                soort TEXT NOT NULL,
                prestatiecode TEXT NOT NULL,
                hoofdtaak TEXT NOT NULL,
                agreement TEXT NOT NULL,
                subcontract TEXT,
                plan TEXT NOT NULL,
                insurer TEXT NOT NULL,
                executing TEXT,
                commissioning TEXT,
                region TEXT NOT NULL,
                begin_date {date} NOT NULL,
                end_date {date} NOT NULL,
                year INTEGER NOT NULL,
                dc TEXT NOT NULL,
                amount {money} NOT NULL,
                vat {money},
                granted {money},
                retour_codes TEXT,
                PRIMARY KEY (message_id, idx)
            )""",
            "CREATE INDEX lines_reference ON lines (sender, reference)",
            "CREATE INDEX lines_previous ON lines (sender, previous) WHERE previous IS NOT NULL",
            "CREATE INDEX lines_prestatie1 ON lines (sender, agreement, year, soort)",
            "CREATE INDEX lines_prestatie2 ON lines (commissioning, agreement, year)"
            " WHERE commissioning IS NOT NULL",
            "CREATE INDEX lines_message_reference ON lines (message_id, reference)",
            """CREATE TABLE retours (
                id {pk},
                message_id BIGINT NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
                sender TEXT NOT NULL,
                message_ident TEXT NOT NULL,
                dagtekening {date} NOT NULL,
                retour_codes TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                line_count INTEGER NOT NULL,
                granted {money} NOT NULL,
                added_at TEXT NOT NULL
            )""",
            """CREATE TABLE agreements (
                id {pk},
                reference TEXT NOT NULL,
                provider TEXT NOT NULL,
                insurer TEXT NOT NULL,
                valid_from {date} NOT NULL,
                valid_to {date} NOT NULL,
                region TEXT NOT NULL,
                annual_sum {money},
                imported_at TEXT NOT NULL,
                CONSTRAINT agreements_provider_reference UNIQUE (provider, reference)
            )""",
            """CREATE TABLE agreement_tasks (
                agreement_id BIGINT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
                hoofdtaak TEXT NOT NULL,
                PRIMARY KEY (agreement_id, hoofdtaak)
            )""",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        2,
        "subcontracts in the agreement register (OpdrachtOvereenkomst, standard 1.1)",
        (
            "ALTER TABLE agreements ADD COLUMN commissioning TEXT",
            "CREATE INDEX agreements_commissioning ON agreements (commissioning)"
            " WHERE commissioning IS NOT NULL",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version

_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS ledger_schema (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"""


def current_version(db: Database) -> int:
    """The schema version of ``db``; 0 for a database without a ledger."""
    if db.dialect == "sqlite":
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'ledger_schema'")
    else:
        found = db.execute(
            "SELECT 1 FROM pg_tables WHERE tablename = 'ledger_schema'"
            " AND schemaname = current_schema()"
        )
    if not found:
        return 0
    return int(db.execute("SELECT COALESCE(MAX(version), 0) FROM ledger_schema")[0][0])


def migrate(db: Database) -> list[int]:
    """Bring ``db`` to :data:`LATEST`; return the versions applied (empty: already there)."""
    applied: list[int] = []
    with db.transaction():
        db.execute(_VERSION_TABLE)
    for migration in MIGRATIONS:
        with db.transaction():
            if current_version(db) >= migration.version:
                continue
            for statement in migration.statements:
                db.execute(statement.format(**db.types))
            db.execute(
                "INSERT INTO ledger_schema (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, now()),
            )
            applied.append(migration.version)
    return applied


def require_current(db: Database, shown: str) -> None:
    """Refuse a database without a ledger, or with a schema of another version."""
    version = current_version(db)
    if version == 0:
        raise LedgerError(f"{shown} holds no ledger (run `resv-edi ledger init --db {shown}`)")
    if version > LATEST:
        raise LedgerError(f"{shown} has ledger schema {version}; this program knows up to {LATEST}")
    if version < LATEST:
        raise LedgerError(
            f"{shown} has ledger schema {version}; run `resv-edi ledger init --db {shown}` to "
            f"migrate it to {LATEST}"
        )


def now() -> str:
    """The time of a change, UTC, to the second (ISO 8601)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
