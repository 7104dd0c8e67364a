"""The rules added in standard 1.1, each at the element it is about, in every format."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from resv_edi.api import check_file, convert
from resv_edi.errors import Issue, Severity
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.base import Record
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE
from resv_edi.rules import parties
from resv_edi.standard import codelists
from resv_edi.standard.codelists import Code

FORMATS = ("xml", "json", "ndjson", "ei", "csv")
SUFFIX = {"xml": "xml", "json": "json", "ndjson": "ndjson", "ei": "asc", "csv": "csv"}


def message(n: int = 12, soort: str = "1", seed: int = 3) -> list[Record]:
    return list(generate_declaration(n, seed=seed, prestatiesoort=soort))


def retotal(records: list[Record]) -> list[Record]:
    lines = [r for r in records if isinstance(r, Prestatie)]
    net = sum(r.signed_amount for r in lines)
    totals = Totalen(
        AantalPrestaties=len(lines), TotaalBedrag=abs(net), DebetCredit="D" if net >= 0 else "C"
    )
    return [records[0], *lines, totals]


def line(records: list[Record], number: int) -> Prestatie:
    found = records[number]
    assert isinstance(found, Prestatie)
    return found


def issues_of(records: list[Record], tmp_path: Path, fmt: str = "xml") -> list[Issue]:
    path = tmp_path / f"m.{SUFFIX[fmt]}"
    with path.open("wb") as out:
        get_format(fmt).writer(retotal(records), out, DECLARATIE)
    return check_file(path).issues


def codes(found: list[Issue]) -> list[str]:
    return [i.code for i in found]


def test_generated_messages_keep_every_new_rule(tmp_path: Path) -> None:
    for soort in ("1", "2"):
        assert issues_of(message(40, soort), tmp_path) == []


# -- R034 OpdrachtOvereenkomst ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_subcontract_travels_in_every_format(tmp_path: Path, fmt: str) -> None:
    """OpdrachtOvereenkomst of prestatie 2 survives XML -> fmt -> XML byte for byte."""
    records = message(5, "2")
    assert line(records, 1).opdracht_overeenkomst
    source = tmp_path / "m.xml"
    with source.open("wb") as out:
        get_format("xml").writer(records, out, DECLARATIE)
    middle = tmp_path / f"m.{SUFFIX[fmt]}"
    assert convert(source, middle, fmt).written
    assert check_file(middle).issues == []
    back = tmp_path / "back.xml"
    assert convert(middle, back, "xml").written
    assert back.read_bytes() == source.read_bytes()


def test_subcontract_required_for_2_and_absent_for_1(tmp_path: Path) -> None:
    p2 = message(4, "2")
    p2[2] = line(p2, 2).model_copy(update={"opdracht_overeenkomst": None})
    found = issues_of(p2, tmp_path)
    assert codes(found) == ["R034"] and found[0].location.field == "OpdrachtOvereenkomst"
    assert found[0].location.path and found[0].location.path.endswith("Prestatie[2]")
    p1 = message(4, "1")
    p1[1] = line(p1, 1).model_copy(update={"opdracht_overeenkomst": "OO-1"})
    assert codes(issues_of(p1, tmp_path, "json")) == ["R034"]


# -- R035 credits ----------------------------------------------------------------------------


def _credit_of(records: list[Record], number: int, **changes: Any) -> Prestatie:
    debit = line(records, number)
    credit = debit.model_copy(
        update={
            "referentienummer": "CR-" + debit.referentienummer[-8:],
            "vorig_referentienummer": debit.referentienummer,
            "debet_credit": "C",
            "omschrijving": "Creditering",
            "toelichting": None,
        }
    )
    return credit.model_copy(update=changes)


@pytest.mark.parametrize("fmt", ("xml", "ndjson", "ei"))
def test_every_differing_element_of_a_credit_is_an_error_there(tmp_path: Path, fmt: str) -> None:
    records = message(6, "1")
    debit = line(records, 2)
    regions = codelists.codelist("werkgebieden").codes
    other_region = next(c for c in regions if c != debit.werkgebied)
    credit = _credit_of(
        records, 2, bedrag=debit.bedrag // 2, hoofdtaak="5" if debit.hoofdtaak != "5" else "1"
    )
    records.insert(-1, credit)
    found = issues_of(records, tmp_path, fmt)
    r035 = [i for i in found if i.code == "R035"]
    assert sorted(i.location.field or "" for i in r035) == ["Bedrag", "Hoofdtaak"]
    assert all(i.location.reference == credit.referentienummer for i in r035)
    assert codes(found) == ["R035", "R035"]
    # a different Werkgebied is one more difference (and two regions for one plan, R037)
    records[-2] = credit.model_copy(update={"werkgebied": other_region})
    found = issues_of(records, tmp_path, fmt)
    assert {(i.code, i.location.field) for i in found} == {
        ("R035", "Bedrag"),
        ("R035", "Hoofdtaak"),
        ("R035", "Werkgebied"),
        ("R037", "Werkgebied"),
    }


def test_a_full_credit_and_a_new_debit_are_a_partial_correction(tmp_path: Path) -> None:
    records = message(6, "1")
    debit = line(records, 2)
    credit = _credit_of(records, 2)
    new = debit.model_copy(update={"referentienummer": "NEW-1", "bedrag": debit.bedrag - 100})
    records[-1:-1] = [credit, new]
    assert issues_of(records, tmp_path) == []


def test_a_credit_of_an_earlier_message_is_not_judged(tmp_path: Path) -> None:
    records = message(6, "1")
    credit = _credit_of(records, 2, vorig_referentienummer="ELSEWHERE-1", bedrag=1)
    records.insert(-1, credit)
    assert issues_of(records, tmp_path) == []


# -- R036 / R037 werkgebied ------------------------------------------------------------------


def test_werkgebied_must_be_a_valid_code(tmp_path: Path) -> None:
    records = message(4)
    for n in range(1, 5):
        records[n] = line(records, n).model_copy(update={"werkgebied": "W999"})
    found = issues_of(records, tmp_path)
    assert codes(found) == ["R036"] * 4
    assert {i.location.field for i in found} == {"Werkgebied"}


def test_one_werkgebied_per_plan_but_plans_may_differ(tmp_path: Path) -> None:
    records = message(6)
    first = line(records, 1).werkgebied
    other = next(c for c in codelists.codelist("werkgebieden").codes if c != first)
    records[4] = line(records, 4).model_copy(update={"werkgebied": other})
    found = issues_of(records, tmp_path, "ndjson")
    assert codes(found) == ["R037"] and found[0].location.line == 5
    assert other in found[0].message and first in found[0].message
    records[4] = line(records, 4).model_copy(update={"resv_plan": "PLAN-OTHER"})
    records[4] = line(records, 4).model_copy(update={"werkgebied": other})
    assert issues_of(records, tmp_path, "ndjson") == []


# -- R038 / R039 service period and Dagtekening ----------------------------------------------


def _with_invoice_date(records: list[Record], day: date) -> list[Record]:
    header = records[0]
    assert isinstance(header, Header)
    return [header.model_copy(update={"dagtekening": day}), *records[1:]]


def test_service_period_ends_on_or_before_the_dagtekening(tmp_path: Path) -> None:
    records = message(4)
    last_end = max(line(records, n).einddatum for n in range(1, 5))
    assert issues_of(_with_invoice_date(records, last_end), tmp_path) == []
    later = [r for r in range(1, 5) if line(records, r).einddatum == last_end]
    day = date.fromordinal(last_end.toordinal() - 1)
    found = issues_of(_with_invoice_date(records, day), tmp_path)
    assert codes(found) == ["R038"] * len(later)
    assert found[0].location.field == "Einddatum" and found[0].return_code == "8178"


def test_a_future_service_period_is_an_error(tmp_path: Path) -> None:
    records = message(4)
    first_begin = min(line(records, n).begindatum for n in range(1, 5))
    day = date.fromordinal(first_begin.toordinal() - 1)
    found = issues_of(_with_invoice_date(records, day), tmp_path)
    assert set(codes(found)) == {"R039"} and len(found) == 4  # not R038 as well
    assert found[0].severity is Severity.ERROR and found[0].location.field == "Begindatum"


# -- R040 / R041 Zvw insurers ----------------------------------------------------------------


def _insurer(records: list[Record], uzovi: str) -> list[Record]:
    header = records[0]
    assert isinstance(header, Header)
    out: list[Record] = [header.model_copy(update={"ontvanger_uzovi": uzovi})]
    out += [r.model_copy(update={"zorgverzekeraar": uzovi}) for r in records[1:-1]]
    return [*out, records[-1]]


def test_wlz_care_office_is_refused(tmp_path: Path) -> None:
    found = issues_of(_insurer(message(3), "5512"), tmp_path)
    assert codes(found) == ["R040"] * 3 and found[0].location.field == "Zorgverzekeraar"


def test_insurer_must_be_in_the_register(tmp_path: Path) -> None:
    assert codes(issues_of(_insurer(message(3), "3999"), tmp_path)) == ["R041"] * 3


def test_insurer_must_be_active_on_the_service_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = message(3)
    uzovi = line(records, 1).zorgverzekeraar
    register = codelists.codelist("uzovi_register")
    ended = Code(uzovi, date(2006, 1, 1), date(2027, 5, 31), {"kind": "zvw"})
    patched = type(register)(
        register.name, register.version, True, {**register.codes, uzovi: ended}, register.meta
    )
    original = codelists.codelist
    monkeypatch.setattr(
        parties, "codelist", lambda name: patched if name == "uzovi_register" else original(name)
    )
    found = issues_of(records, tmp_path)
    late = [n for n in range(1, 4) if line(records, n).begindatum > date(2027, 5, 31)]
    assert codes(found) == ["R041"] * len(late) and late


# -- R042 / R016 the BSN guard ---------------------------------------------------------------


@pytest.mark.parametrize("field", ("referentienummer", "vorig_referentienummer"))
def test_bsn_like_number_in_a_reference_is_a_warning(tmp_path: Path, field: str) -> None:
    records = message(3)
    records[2] = line(records, 2).model_copy(update={field: "123456782"})
    found = issues_of(records, tmp_path)
    assert codes(found) == ["R042"] and found[0].severity is Severity.WARNING
    assert "123456782" not in found[0].message


def test_bsn_like_number_in_the_declaratienummer_is_a_warning(tmp_path: Path) -> None:
    records = message(3)
    header = records[0]
    assert isinstance(header, Header)
    records[0] = header.model_copy(update={"declaratienummer": "111222333"})
    found = issues_of(records, tmp_path)
    assert codes(found) == ["R042"] and found[0].location.field == "Declaratienummer"


def test_bsn_in_free_text_stays_an_error(tmp_path: Path) -> None:
    records = message(3)
    records[2] = line(records, 2).model_copy(update={"toelichting": "BSN 123456782"})
    found = issues_of(records, tmp_path)
    assert codes(found) == ["R016"] and found[0].severity is Severity.ERROR


# -- R028 message code -----------------------------------------------------------------------


def test_wrong_message_code(tmp_path: Path) -> None:
    records = message(3)
    header = records[0]
    assert isinstance(header, Header)
    records[0] = header.model_copy(update={"bericht_code": "903"})
    found = issues_of(records, tmp_path)
    assert codes(found) == ["R028"] and found[0].return_code == "0010"
