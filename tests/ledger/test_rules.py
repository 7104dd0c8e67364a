"""Every rule across messages (G001..G009), each against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from ledger_helpers import (
    AGREEMENT,
    AGREEMENTS_CSV,
    EXECUTING,
    INSURER,
    REGION,
    RESV,
    header,
    line,
    write_declaration,
    write_retour,
)

from resv_edi.ledger import Ledger, open_ledger
from resv_edi.ledger.agreements import import_agreements
from resv_edi.ledger.rules import ledger_issues
from resv_edi.standard.catalogue import catalogue


@pytest.fixture
def ledger(ledger_url: str, tmp_path: Path) -> Ledger:
    register = tmp_path / "agreements.csv"
    register.write_text(AGREEMENTS_CSV, encoding="utf-8")
    opened = open_ledger(ledger_url)
    assert not import_agreements(opened.db, register).errors
    yield opened  # type: ignore[misc]
    opened.close()


def code(rule: str) -> str:
    return catalogue()[rule].return_code


def add(ledger: Ledger, path: Path) -> None:
    assert ledger.add_declaration(path).status == "added"


def codes(ledger: Ledger, path: Path) -> list[tuple[str, int | None]]:
    return [(i.code, i.location.index) for i in ledger_issues(ledger, path)]


def test_a_clean_message_has_no_ledger_issues(ledger: Ledger, tmp_path: Path) -> None:
    decl = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000)])
    assert codes(ledger, decl) == []
    add(ledger, decl)
    assert codes(ledger, decl) == []  # the message itself is not its own predecessor


def test_g001_reference_used_in_an_earlier_message(ledger: Ledger, tmp_path: Path) -> None:
    add(ledger, write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 1000)]))
    later = write_declaration(
        tmp_path / "b.ndjson", header("MSG-B"), [line("R2", 10), line("R1", 20)]
    )
    found = ledger_issues(ledger, later)
    assert [(i.code, i.location.index, i.return_code) for i in found] == [("G001", 2, code("G001"))]
    assert "MSG-A" in found[0].message and found[0].location.field == "Referentienummer"


def test_g001_a_reference_its_retour_rejected_may_be_sent_again(
    ledger: Ledger, tmp_path: Path
) -> None:
    head = header("MSG-A")
    add(ledger, write_declaration(tmp_path / "a.ndjson", head, [line("R1", 1000)]))
    ledger.add_retour(write_retour(tmp_path / "r.ndjson", head, {"R1": None}))
    again = write_declaration(tmp_path / "b.ndjson", header("MSG-B"), [line("R1", 1000)])
    assert codes(ledger, again) == []


def test_g002_invoice_number_used_before(ledger: Ledger, tmp_path: Path) -> None:
    add(ledger, write_declaration(tmp_path / "a.ndjson", header("MSG-A", invoice="F1"), [
        line("R1", 1000)]))  # fmt: skip
    later = write_declaration(tmp_path / "b.ndjson", header("MSG-B", invoice="F1"), [
        line("R2", 1000)])  # fmt: skip
    found = ledger_issues(ledger, later)
    assert [(i.code, i.return_code, i.location.field) for i in found] == [
        ("G002", code("G002"), "Declaratienummer")
    ]


def test_g003_credit_of_a_line_not_in_the_ledger(ledger: Ledger, tmp_path: Path) -> None:
    credit = line("C1", 1000, dc="C", VorigReferentienummer="R404")
    decl = write_declaration(tmp_path / "b.ndjson", header("MSG-B"), [line("R2", 5000), credit])
    assert codes(ledger, decl) == [("G003", 2)]


def test_g004_credit_of_a_debit_that_was_not_granted(ledger: Ledger, tmp_path: Path) -> None:
    head = header("MSG-A")
    add(ledger, write_declaration(tmp_path / "a.ndjson", head, [line("R1", 1000)]))
    ledger.add_retour(write_retour(tmp_path / "r.ndjson", head, {"R1": None}))
    credit = line("C1", 1000, dc="C", VorigReferentienummer="R1")
    decl = write_declaration(tmp_path / "b.ndjson", header("MSG-B"), [line("R2", 5000), credit])
    assert codes(ledger, decl) == [("G004", 2)]


def test_g005_credits_beyond_the_granted_debit(ledger: Ledger, tmp_path: Path) -> None:
    head = header("MSG-A")
    add(ledger, write_declaration(tmp_path / "a.ndjson", head, [line("R1", 1000)]))
    ledger.add_retour(write_retour(tmp_path / "r.ndjson", head, {"R1": 1000}))
    first = line("C1", 600, dc="C", VorigReferentienummer="R1")
    add(
        ledger, write_declaration(tmp_path / "b.ndjson", header("MSG-B"), [line("R2", 5000), first])
    )
    ok = line("C2", 400, dc="C", VorigReferentienummer="R1")
    too_much = line("C3", 1, dc="C", VorigReferentienummer="R1")
    decl = write_declaration(
        tmp_path / "c.ndjson", header("MSG-C"), [line("R3", 5000), ok, too_much]
    )
    found = ledger_issues(ledger, decl)
    assert [(i.code, i.location.index) for i in found] == [("G005", 3)]
    assert "1001" in found[0].message and "1000" in found[0].message


def test_g006_prestatie2_beyond_the_granted_prestatie1(ledger: Ledger, tmp_path: Path) -> None:
    head = header("MSG-A")
    add(
        ledger,
        write_declaration(tmp_path / "a.ndjson", head, [line("R1", 10_000), line("R2", 5000)]),
    )
    ledger.add_retour(write_retour(tmp_path / "r.ndjson", head, {"R1": 10_000, "R2": 2000}))
    within = line("P1", 11_000, soort="2")
    beyond = line("P2", 1_001, soort="2")
    other_year = line("P3", 50_000, soort="2", Begindatum=date(2028, 1, 1),
                      Einddatum=date(2028, 1, 31))  # fmt: skip
    decl = write_declaration(
        tmp_path / "p2.ndjson", header("MSG-P2", soort="2"), [within, beyond, other_year]
    )
    found = [(c, i) for c, i in codes(ledger, decl) if c == "G006"]
    assert found == [("G006", 2), ("G006", 3)]  # 12 000 granted in 2027; nothing in 2028


def test_g007_agreed_annual_sum(ledger: Ledger, tmp_path: Path) -> None:
    register = tmp_path / "sum.csv"
    register.write_text(
        "Overeenkomst,Zorgaanbieder,Zorgverzekeraar,GeldigVanaf,GeldigTot,Werkgebied,"
        f"Hoofdtaken,JaarBedrag\n{AGREEMENT},{RESV},{INSURER},2027-01-01,2027-12-31,{REGION},"
        "2,5000\n"
    )
    assert import_agreements(ledger.db, register).replaced == 1
    add(ledger, write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 3000)]))
    decl = write_declaration(
        tmp_path / "b.ndjson", header("MSG-B"), [line("R2", 2000), line("R3", 1)]
    )
    found = ledger_issues(ledger, decl)
    assert [(i.code, i.location.index, i.return_code) for i in found] == [("G007", 2, code("G007"))]


def test_g008_agreement_not_in_the_register(ledger: Ledger, tmp_path: Path) -> None:
    decl = write_declaration(
        tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 10, Overeenkomst="OVK-NONE")]
    )
    assert codes(ledger, decl) == [("G008", 1)]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"Werkgebied": "W002"}, "region"),
        ({"Hoofdtaak": "4b"}, None),  # agreement covers 4, which includes 4a and 4b
        ({"Begindatum": date(2026, 12, 1), "Einddatum": date(2027, 1, 31)}, "in force"),
    ],
)
def test_g009_agreement_does_not_cover_the_line(
    ledger: Ledger, tmp_path: Path, changes: dict[str, object], reason: str | None
) -> None:
    decl = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 10, **changes)])
    found = ledger_issues(ledger, decl)
    if reason is None:
        assert found == []
    else:
        assert [(i.code, i.return_code) for i in found] == [("G009", code("G009"))]
        assert reason in found[0].message


def test_g009_hoofdtaak_not_agreed_and_prestatie2_uses_the_commissioning_agreement(
    ledger: Ledger, tmp_path: Path
) -> None:
    p1 = write_declaration(tmp_path / "a.ndjson", header("MSG-A"), [line("R1", 10, Hoofdtaak="4a")])
    assert codes(ledger, p1) == []
    p2 = write_declaration(
        tmp_path / "b.ndjson",
        header("MSG-B", soort="2"),
        [line("P1", 10, soort="2", Hoofdtaak="4a"), line("P2", 10, soort="2", Hoofdtaak="3")],
    )
    found = [i for i in ledger_issues(ledger, p2) if i.code != "G006"]
    assert [(i.code, i.location.index) for i in found] == [("G009", 2)]
    assert "hoofdtaak 3" in found[0].message
    assert EXECUTING not in found[0].message  # judged against the RESV's own agreement


def test_g008_g009_the_subcontract_prestatie2_names(ledger: Ledger, tmp_path: Path) -> None:
    register = tmp_path / "subcontracts.csv"
    register.write_text(
        "Overeenkomst,Zorgaanbieder,Zorgverzekeraar,GeldigVanaf,GeldigTot,Werkgebied,"
        f"Hoofdtaken,JaarBedrag,Opdrachtgever\nSUB-{EXECUTING},{EXECUTING},{INSURER},2027-01-01,"
        f"2027-12-31,{REGION},2,,{RESV}\n",
        encoding="utf-8",
    )
    assert import_agreements(ledger.db, register).imported == 1
    lines = [
        line("P1", 10, soort="2"),
        line("P2", 10, soort="2", OpdrachtOvereenkomst="SUB-OTHER"),
        line("P3", 10, soort="2", Hoofdtaak="4"),  # the RESV's agreement has 4; the subcontract not
    ]
    decl = write_declaration(tmp_path / "p2.ndjson", header("MSG-P2", soort="2"), lines)
    found = [i for i in ledger_issues(ledger, decl) if i.code != "G006"]
    assert [(i.code, i.location.index, i.location.field) for i in found] == [
        ("G008", 2, "OpdrachtOvereenkomst"),
        ("G009", 3, "OpdrachtOvereenkomst"),
    ]
    assert "hoofdtaak 4 not agreed" in found[1].message
