"""The :class:`Ledger`: received declarations and the retours answered, added idempotently.

Adding streams: the message is read once, its lines go to the database in batches inside one
transaction, which commits only after the last line. A crash or kill midway leaves the ledger
as it was (the database discards the open transaction). A message is identified by its sender
and ``BerichtIdentificatie`` (a unique key) and recognised by its content hash: the same
message again is reported as present and not counted twice; another message under a used
identification is refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from types import TracebackType
from typing import Any

from resv_edi.errors import Issue
from resv_edi.ledger.db import Database, connect
from resv_edi.ledger.errors import LedgerError
from resv_edi.ledger.ingest import LINE_COLUMNS, Scan, line_row
from resv_edi.ledger.schema import migrate, now, require_current
from resv_edi.ledger.url import LedgerUrl, parse_url
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE, RETOUR
from resv_edi.model.retour import RetourHeader, RetourPrestatie
from resv_edi.pipeline import PathLike

BATCH = 5_000

#: what became of a message: added; present (the same message was there already); conflict
#: (another message under the same identification); refused (unreadable or invalid schema)
Status = str


@dataclass
class AddResult:
    """The outcome of adding one declaration or retour."""

    file: str
    kind: str  # "declaratie" | "retour"
    status: Status
    message: str = ""  # the BerichtIdentificatie
    lines: int = 0
    reason: str = ""
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("added", "present")


OnBatch = Callable[[int], None]


class Ledger:
    """An open ledger. Use :func:`open_ledger`; close it (or use ``with``) when done."""

    def __init__(self, db: Database, url: LedgerUrl) -> None:
        self.db = db
        self.url = url

    # ------------------------------------------------------------------ declarations
    def add_declaration(
        self,
        path: PathLike,
        fmt: str = "auto",
        *,
        limits: Limits = DEFAULT_LIMITS,
        on_batch: OnBatch | None = None,
    ) -> AddResult:
        """Add the declaration in ``path`` (streamed, one transaction)."""
        scan = Scan(path, fmt, DECLARATIE, limits)
        result = AddResult(str(path), DECLARATIE.name, "refused")
        header = scan.header()
        if not isinstance(header, Header):
            return _refused(result, scan)
        result.message = header.bericht_identificatie
        try:
            with self.db.transaction():
                known = self._message(header)
                if known is not None:
                    _drain(scan)
                    return _compared(result, scan, known[1])
                message_id = self._insert_message(header)
                self._insert_lines(message_id, header.afzender, scan, on_batch)
                if not scan.ok or not isinstance(scan.totals, Totalen):
                    raise _Refuse
                self.db.execute(
                    "UPDATE messages SET content_hash = ?, line_count = ?, total = ? WHERE id = ?",
                    (scan.digest, scan.count, scan.totals.signed_amount, message_id),
                )
        except _Refuse:
            return _refused(result, scan)
        except Exception as exc:
            if not self.db.is_unique_violation(exc):
                raise
            return self._raced(path, fmt, limits, header, result)  # another writer was first
        result.status, result.lines = "added", scan.count
        return result

    def _raced(
        self, path: PathLike, fmt: str, limits: Limits, header: Header, result: AddResult
    ) -> AddResult:
        scan = Scan(path, fmt, DECLARATIE, limits)
        scan.header()
        _drain(scan)
        known = self._message(header)
        if known is None:  # pragma: no cover - the winner rolled back after all
            raise LedgerError(f"{path}: could not add the message; try again")
        return _compared(result, scan, known[1])

    def _message(self, header: Header) -> tuple[int, str] | None:
        rows = self.db.execute(
            "SELECT id, content_hash FROM messages WHERE sender = ? AND message_ident = ?",
            (header.afzender, header.bericht_identificatie),
        )
        return (int(rows[0][0]), str(rows[0][1])) if rows else None

    def _insert_message(self, header: Header) -> int:
        return self.db.insert_id(
            "INSERT INTO messages (sender, receiver, message_ident, dagtekening, "
            "declaratienummer, period_begin, period_end, soort_bericht, content_hash, "
            "line_count, total, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 0, 0, ?)",
            (
                header.afzender,
                header.ontvanger,
                header.bericht_identificatie,
                header.dagtekening,
                header.declaratienummer,
                header.declaratieperiode_begin,
                header.declaratieperiode_einde,
                header.soort_bericht,
                now(),
            ),
        )

    def _insert_lines(
        self, message_id: int, sender: str, scan: Scan, on_batch: OnBatch | None
    ) -> None:
        columns = ("message_id", "sender", *LINE_COLUMNS)
        rows = (
            (message_id, sender, *line_row(e.index, e.record))
            for e in scan.entries()
            if isinstance(e.record, Prestatie)
        )
        done = 0
        while batch := list(islice(rows, BATCH)):
            if not scan.ok:
                raise _Refuse
            self.db.load("lines", columns, batch)
            done += len(batch)
            if on_batch is not None:
                on_batch(done)

    # ------------------------------------------------------------------ retours
    def add_retour(
        self,
        path: PathLike,
        fmt: str = "auto",
        *,
        limits: Limits = DEFAULT_LIMITS,
        on_batch: OnBatch | None = None,
    ) -> AddResult:
        """Record the retour in ``path`` with the declaration it answers (which must be in the
        ledger): each line's granted amount and return codes."""
        scan = Scan(path, fmt, RETOUR, limits)
        result = AddResult(str(path), RETOUR.name, "refused")
        header = scan.header()
        if not isinstance(header, RetourHeader):
            return _refused(result, scan)
        result.message = header.bericht_identificatie
        if header.ontvanger is None or header.referentie_bericht_identificatie is None:
            _drain(scan)
            result.reason = "the retour names no declaration (Ontvanger, Referentie...)"
            return result
        try:
            with self.db.transaction():
                rows = self.db.execute(
                    "SELECT m.id, r.content_hash FROM messages m LEFT JOIN retours r"
                    " ON r.message_id = m.id WHERE m.sender = ? AND m.message_ident = ?",
                    (header.ontvanger, header.referentie_bericht_identificatie),
                )
                if not rows:
                    _drain(scan)
                    result.reason = (
                        f"the declaration {header.referentie_bericht_identificatie} of "
                        f"{header.ontvanger} is not in the ledger; add it first"
                    )
                    return result
                message_id, known = int(rows[0][0]), rows[0][1]
                if known is not None:
                    _drain(scan)
                    return _compared(result, scan, str(known))
                granted = self._update_lines(message_id, scan, on_batch)
                if not scan.ok:
                    raise _Refuse
                self.db.execute(
                    "INSERT INTO retours (message_id, sender, message_ident, dagtekening, "
                    "retour_codes, content_hash, line_count, granted, added_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        message_id,
                        header.afzender_uzovi or header.afzender_agb or "",
                        header.bericht_identificatie,
                        header.dagtekening,
                        " ".join(header.retourcodes),
                        scan.digest,
                        scan.count,
                        granted,
                        now(),
                    ),
                )
        except _Refuse:
            return _refused(result, scan)
        except Exception as exc:
            if not self.db.is_unique_violation(exc):
                raise
            result.status, result.reason = "present", "recorded by another writer meanwhile"
            return result
        result.status, result.lines = "added", scan.count
        return result

    def _update_lines(self, message_id: int, scan: Scan, on_batch: OnBatch | None) -> int:
        rows = (
            (e.record.signed_granted, " ".join(e.record.retourcodes), message_id,
             e.record.referentienummer)
            for e in scan.entries()
            if isinstance(e.record, RetourPrestatie)
        )  # fmt: skip
        done = granted = 0
        while batch := list(islice(rows, BATCH)):
            if not scan.ok:
                raise _Refuse
            self.db.execute_many(
                "UPDATE lines SET granted = ?, retour_codes = ? WHERE message_id = ? "
                "AND reference = ?",
                batch,
            )
            granted += sum(row[0] for row in batch)
            done += len(batch)
            if on_batch is not None:
                on_batch(done)
        return granted

    # ------------------------------------------------------------------ reading
    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, params)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _Refuse(Exception):
    """Raised inside a transaction to roll back a message that turned out unreadable."""


def _drain(scan: Scan) -> None:
    for _ in scan.entries():
        pass


def _refused(result: AddResult, scan: Scan) -> AddResult:
    result.status = "refused"
    result.issues = scan.errors[:20]
    result.reason = "the message cannot be read or does not match the schema"
    return result


def _compared(result: AddResult, scan: Scan, known_hash: str) -> AddResult:
    if not scan.ok:
        return _refused(result, scan)
    result.lines = scan.count
    if scan.digest == known_hash:
        result.status, result.reason = "present", "already in the ledger"
    else:
        result.status = "conflict"
        result.reason = "another message with this sender and identification is in the ledger"
    return result


def open_ledger(url: str, *, create: bool = False) -> Ledger:
    """Open the ledger at ``url``. ``create`` makes or migrates its schema (``ledger init``);
    otherwise the schema must exist and be current."""
    parsed = parse_url(url)
    db = connect(parsed, create=create)
    try:
        if create:
            migrate(db)
        else:
            require_current(db, str(parsed))
    except BaseException:
        db.close()
        raise
    return Ledger(db, parsed)


@contextlib.contextmanager
def ledger_at(url: str, *, create: bool = False) -> Iterator[Ledger]:
    """:func:`open_ledger` as a context manager."""
    ledger = open_ledger(url, create=create)
    try:
        yield ledger
    finally:
        ledger.close()
