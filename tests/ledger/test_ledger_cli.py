"""The ``ledger`` and ``agreements`` commands, ``retour --ledger`` and ``validate --ledger``."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ledger_helpers import AGREEMENTS_CSV, header, line, write_declaration

from resv_edi.cli.main import cli
from resv_edi.generate.claims import generate_claims
from resv_edi.ledger import open_ledger
from resv_edi.standard.catalogue import catalogue


def code(rule: str) -> str:
    return catalogue()[rule].return_code


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture
def register(tmp_path: Path) -> Path:
    path = tmp_path / "agreements.csv"
    path.write_text(AGREEMENTS_CSV, encoding="utf-8")
    return path


def test_the_three_commands_of_the_readme(ledger_url: str, tmp_path: Path, register: Path) -> None:
    assert run("ledger", "init", "--db", ledger_url).exit_code == 0
    assert run("agreements", "import", str(register), "--db", ledger_url).exit_code == 0
    first = write_declaration(tmp_path / "a.xml", header("MSG-A"), [line("R1", 1000)], "xml")
    assert run("ledger", "add", str(first), "--db", ledger_url).exit_code == 0
    later = write_declaration(
        tmp_path / "b.xml", header("MSG-B"), [line("R2", 500), line("R1", 700)], "xml"
    )
    retour = tmp_path / "retour.ndjson"
    result = run("retour", str(later), "-o", str(retour), "--to", "ndjson", "--ledger", ledger_url)
    assert result.exit_code == 1
    rows = [json.loads(x) for x in retour.read_text().splitlines()]
    lines = {r["Prestatie"]["Referentienummer"]: r["Prestatie"] for r in rows if "Prestatie" in r}
    assert lines["R1"]["Retourcode"] == [code("G001")] and lines["R1"]["ToegekendBedrag"] == 0
    assert lines["R2"]["Retourcode"] == ["0200"] and lines["R2"]["ToegekendBedrag"] == 500
    added = run("ledger", "add", str(later), "--retour", str(retour), "--db", ledger_url)
    assert added.exit_code == 0 and "added" in added.output
    shown = json.loads(run("ledger", "show", "--db", ledger_url, "--output-format", "json").output)
    assert (shown["messages"], shown["lines"], shown["retours"], shown["agreements"]) == (
        2,
        3,
        1,
        1,
    )
    assert [(t["key"], t["amount"], t["granted"]) for t in shown["per"]["year"]] == [
        ("2027", 2200, 500)
    ]
    exported = run("ledger", "export", "--db", ledger_url, "--to", "csv").stdout
    table = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["message_ident"], r["reference"], r["granted"]) for r in table] == [
        ("MSG-A", "R1", ""), ("MSG-B", "R2", "500"), ("MSG-B", "R1", "0")
    ]  # fmt: skip
    out = tmp_path / "export.json"
    run("ledger", "export", "--db", ledger_url, "--to", "json", "-o", str(out))
    assert [r["amount"] for r in json.loads(out.read_text())["Regels"]] == [1000, 500, 700]


def test_validate_and_check_with_the_ledger(
    ledger_url: str, tmp_path: Path, register: Path
) -> None:
    run("agreements", "import", str(register), "--db", ledger_url)
    clean = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000)])
    assert run("validate", "--ledger", ledger_url, str(clean)).exit_code == 0
    run("ledger", "add", str(clean), "--db", ledger_url)
    again = write_declaration(tmp_path / "b.ndjson", header("MSG-B", invoice="D-MSG-A"), [
        line("R1", 1000, Overeenkomst="OVK-NONE")])  # fmt: skip
    result = run("validate", "--ledger", ledger_url, str(again), "--output-format", "json")
    assert result.exit_code == 1
    found = [i["code"] for i in json.loads(result.stdout)["files"][0]["issues"]]
    assert found == ["G002", "G001", "G008"]
    checked = run("ledger", "check", str(again), "--db", ledger_url)
    assert checked.exit_code == 1 and "G008" in checked.stdout
    assert run("ledger", "check", str(clean), "--db", ledger_url).exit_code == 0
    broken = tmp_path / "broken.ndjson"
    broken.write_text(clean.read_text()[:-40])
    unreadable = run("ledger", "check", str(broken), "--db", ledger_url)
    assert unreadable.exit_code == 1 and "J00" in unreadable.stdout


def test_adding_twice_and_conflicts_are_reported(ledger_url: str, tmp_path: Path) -> None:
    first = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000)])
    other = write_declaration(tmp_path / "b.ndjson", header("MSG-A"), [line("R1", 9)])
    result = run("ledger", "add", str(first), str(first), str(other), "--db", ledger_url)
    assert result.exit_code == 1
    assert [word for word in result.stdout.split() if word in ("added", "present", "conflict")] == [
        "added",
        "present",
        "conflict",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://resv:geheim@127.0.0.1:1/ledger",
        "{tmp}/missing.db",
        "{tmp}/no/such/dir/ledger.db",
        "mysql://host/db",
        "{tmp}/not-a-database.db",
    ],
)
def test_an_unreachable_ledger_is_exit_2_without_a_traceback(tmp_path: Path, url: str) -> None:
    url = url.format(tmp=tmp_path)
    (tmp_path / "not-a-database.db").write_bytes(b"this is no SQLite file " * 200)
    decl = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000)])
    for args in (
        ("ledger", "show", "--db", url),
        ("ledger", "add", str(decl), "--db", url),
        ("validate", "--ledger", url, str(decl)),
        ("retour", str(decl), "-o", str(tmp_path / "r.xml"), "--ledger", url),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and "geheim" not in result.output
        assert "ledger" in result.stderr
    assert not (tmp_path / "r.xml").exists()
    init = run("ledger", "init", "--db", url)
    assert init.exit_code == (0 if url.endswith("missing.db") else 2), init.output


def test_claim_files_and_free_text_never_reach_the_ledger(tmp_path: Path) -> None:
    url = str(tmp_path / "ledger.db")
    run("ledger", "init", "--db", url)
    claim = tmp_path / "claims.asc"
    with claim.open("wb") as out:
        generate_claims("HA304", 20, out, rng=random.Random(3))
    result = run("ledger", "add", str(claim), "--db", url)
    assert result.exit_code == 1 and "claim file" in result.stderr
    secret = "Vertrouwelijk-QX7"
    decl = write_declaration(
        tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000, Omschrijving=secret)]
    )
    assert run("ledger", "add", str(decl), "--db", url).exit_code == 0
    with open_ledger(url) as ledger:
        assert ledger.query("SELECT COUNT(*) FROM messages")[0][0] == 1
        ledger.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("ledger.db*"))
    assert secret.encode() not in stored  # free text is not kept
    assert b"R1" in stored  # while the line is
