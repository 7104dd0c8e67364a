"""Adding declarations and retours: idempotent, all or nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger_helpers import header, line, write_declaration, write_retour

from resv_edi.ledger import LedgerError, open_ledger
from resv_edi.ledger.schema import LATEST, current_version, migrate
from resv_edi.standard.catalogue import catalogue


def counts(url: str) -> tuple[int, int, int]:
    with open_ledger(url) as ledger:
        return tuple(  # type: ignore[return-value]
            int(ledger.query(f"SELECT COUNT(*) FROM {t}")[0][0])
            for t in ("messages", "lines", "retours")
        )


def test_init_is_versioned_and_repeatable(ledger_url: str) -> None:
    with open_ledger(ledger_url, create=True) as ledger:
        assert current_version(ledger.db) == LATEST
        assert migrate(ledger.db) == []  # nothing left to apply
        rows = ledger.query("SELECT version, description FROM ledger_schema")
        assert [r[0] for r in rows] == list(range(1, LATEST + 1))


def test_a_newer_schema_is_refused(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger, ledger.db.transaction():
        ledger.db.execute(
            "INSERT INTO ledger_schema (version, description, applied_at) VALUES (?, ?, ?)",
            (LATEST + 1, "from the future", "2030-01-01T00:00:00+00:00"),
        )
    with pytest.raises(LedgerError, match=f"schema {LATEST + 1}"):
        open_ledger(ledger_url)


def test_the_same_message_twice_is_counted_once(ledger_url: str, tmp_path: Path) -> None:
    head = header("MSG-A")
    lines = [line("R1", 1000), line("R2", 2500)]
    xml = write_declaration(tmp_path / "a.xml", head, lines, "xml")
    ndjson = write_declaration(tmp_path / "a.ndjson", head, lines)
    with open_ledger(ledger_url) as ledger:
        first = ledger.add_declaration(xml)
        again = ledger.add_declaration(xml)
        other_format = ledger.add_declaration(ndjson)
        assert (first.status, first.lines) == ("added", 2)
        assert again.status == "present"
        assert other_format.status == "present"  # the hash is over the content, not the bytes
        assert ledger.query("SELECT SUM(amount) FROM lines")[0][0] == 3500
    assert counts(ledger_url) == (1, 2, 0)


def test_another_message_under_a_used_identification_conflicts(
    ledger_url: str, tmp_path: Path
) -> None:
    first = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000)])
    changed = write_declaration(tmp_path / "b.ndjson", header("MSG-A"), [line("R1", 1001)])
    with open_ledger(ledger_url) as ledger:
        assert ledger.add_declaration(first).status == "added"
        result = ledger.add_declaration(changed)
    assert result.status == "conflict" and not result.ok
    assert counts(ledger_url) == (1, 1, 0)


def test_an_unreadable_message_leaves_the_ledger_as_it_was(ledger_url: str, tmp_path: Path) -> None:
    good = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000)])
    lines = [line(f"R{i}", 100 + i) for i in range(1, 12_001)]
    big = write_declaration(tmp_path / "b.ndjson", header("MSG-B"), lines)
    text = big.read_text().splitlines()
    text[11_000] = text[11_000].replace('"Bedrag":', '"Bedrag":"x",  "Nope":')  # late error
    big.write_text("\n".join(text) + "\n")
    with open_ledger(ledger_url) as ledger:
        ledger.add_declaration(good)
        result = ledger.add_declaration(big)
    assert result.status == "refused" and result.issues
    assert counts(ledger_url) == (1, 1, 0)  # two batches of lines were loaded, then undone


def test_a_retour_records_what_was_granted(ledger_url: str, tmp_path: Path) -> None:
    head = header("MSG-A")
    decl = write_declaration(tmp_path / "a.ndjson", head, [line("R1", 1000), line("R2", 500)])
    retour = write_retour(tmp_path / "r.ndjson", head, {"R1": 1000, "R2": None})
    with open_ledger(ledger_url) as ledger:
        ledger.add_declaration(decl)
        assert ledger.add_retour(retour).status == "added"
        assert ledger.add_retour(retour).status == "present"
        rows = ledger.query("SELECT reference, granted, retour_codes FROM lines ORDER BY idx")
    assert rows == [("R1", 1000, "0200"), ("R2", 0, catalogue()["G008"].return_code)]
    assert counts(ledger_url) == (1, 2, 1)


def test_a_retour_of_an_unknown_declaration_is_refused(ledger_url: str, tmp_path: Path) -> None:
    retour = write_retour(tmp_path / "r.ndjson", header("MSG-X"), {"R1": 1000})
    with open_ledger(ledger_url) as ledger:
        result = ledger.add_retour(retour)
    assert not result.ok and "not in the ledger" in result.reason
    assert counts(ledger_url) == (0, 0, 0)


def test_a_ledger_of_schema_1_is_migrated(
    ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resv_edi.ledger import schema

    with open_ledger(ledger_url) as ledger, ledger.db.transaction():
        for table in ("agreement_tasks", "agreements", "retours", "lines", "messages"):
            ledger.db.execute(f"DROP TABLE {table}")
        ledger.db.execute("DELETE FROM ledger_schema")
    with monkeypatch.context() as patch:  # a program that knew only schema 1
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        open_ledger(ledger_url, create=True).close()
    with pytest.raises(LedgerError, match="schema 1; run `resv-edi ledger init"):
        open_ledger(ledger_url)
    decl = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000)])
    with open_ledger(ledger_url, create=True) as ledger:
        assert current_version(ledger.db) == LATEST == 2
        assert ledger.add_declaration(decl).status == "added"
        assert ledger.query("SELECT COUNT(*) FROM agreements WHERE commissioning IS NULL") == [(0,)]
