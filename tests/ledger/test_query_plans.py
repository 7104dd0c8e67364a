"""Checking a declaration against a big ledger goes through indexes, never a scan of the
ledger's lines (SQLite's plan is asserted; PostgreSQL's planner chooses by statistics, so its
plans are measured on a 10 M line ledger in benchmarks/ instead, see docs/performance.md)."""

from __future__ import annotations

import re
from pathlib import Path

from ledger_helpers import AGREEMENTS_CSV, header, line, write_declaration

from resv_edi.ledger import open_ledger
from resv_edi.ledger.agreements import import_agreements
from resv_edi.ledger.rules import RULES, ledger_issues


def test_every_rule_query_uses_an_index_on_sqlite(tmp_path: Path) -> None:
    url = str(tmp_path / "ledger.db")
    register = tmp_path / "agreements.csv"
    register.write_text(
        AGREEMENTS_CSV.replace(",\r\n", ",99000\r\n"), encoding="utf-8"
    )  # an annual sum, so that rule G007 queries too
    earlier = [line(f"E{i}", 1000) for i in range(1, 200)]
    earlier += [line("EC", 10, dc="C", VorigReferentienummer="E1")]
    checked = [line("E5", 100), line("N1", 100), line("NC", 5, dc="C", VorigReferentienummer="E2")]
    checked += [line("P1", 100, soort="2")]
    plans: list[tuple[str, str]] = []
    with open_ledger(url, create=True) as ledger:
        import_agreements(ledger.db, register)
        ledger.add_declaration(write_declaration(tmp_path / "a.ndjson", header("MSG-A"), earlier))
        decl = write_declaration(tmp_path / "b.ndjson", header("MSG-B"), checked)
        found = ledger_issues(ledger, decl, plans=plans)
    assert {i.code for i in found} >= {"G001", "G007"}
    assert len(plans) >= len(RULES)
    ledger_tables = re.compile(r"\bSCAN (l|m|a|t|lines|messages|agreements)\b")
    for query, plan in plans:
        assert not ledger_tables.search(plan), f"{query}\n{plan}"
    text = "\n".join(plan for _, plan in plans)
    for index in ("lines_reference", "lines_previous", "lines_prestatie1", "lines_prestatie2",
                  "messages_invoice"):  # fmt: skip
        assert f"INDEX {index}" in text, text
