"""The BSN guard: which written forms of nine digits count as a possible BSN (rule R016)."""

from __future__ import annotations

from pathlib import Path

import pytest

from resv_edi.api import check_file
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE
from resv_edi.privacy import possible_bsns, redact


@pytest.mark.parametrize(
    "text",
    [
        "123456782",
        "patient 1234.56.782",
        "bsn 1234 56 782",
        "123 456 782",
        "123-456-782",
        "client 123456782 2 keer gezien",  # a bare BSN beside another number
        "consult 15-01-2027 123456782",
        "nr 1 123456782",
    ],
)
def test_written_forms_of_a_bsn_are_found_and_hidden(text: str) -> None:
    assert len(possible_bsns(text)) == 1
    assert "782" not in redact(text) and "*********" in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "123456789",  # fails the 11-test
        "1123456782",  # ten digits
        "periode 2027-01-15 1e kwartaal",
        "12 345 678 901",  # part of a longer grouped number
        "1234.56-782",  # mixed separators
        "tel 06-12345678",
        "bedrag 1.234.567,82",
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert possible_bsns(text) == [] and redact(text) == text


@pytest.mark.parametrize(
    ("element", "value"),
    [("Omschrijving", "patient 1234.56.782"), ("SoftwarepakketVersie", "123456782")],
)
def test_r016_in_grouped_digits_and_in_the_software_version(
    tmp_path: Path, element: str, value: str
) -> None:
    records = list(generate_declaration(3, seed=2))
    if element == "Omschrijving":
        records[1] = records[1].model_copy(update={"omschrijving": value})
    else:
        records[0] = records[0].model_copy(update={"softwarepakket_versie": value})
    path = tmp_path / "m.xml"
    with path.open("wb") as fh:
        get_format("xml").writer(records, fh, DECLARATIE)
    report = check_file(path)
    r016 = [i for i in report.issues if i.code == "R016"]
    assert len(r016) == 1 and r016[0].location.field == element
    assert "782" not in r016[0].message


def test_the_eleven_test_agrees_with_stdnum() -> None:
    """privacy.eleven_test answers as ``stdnum.nl.bsn.is_valid`` for every nine ASCII digits
    it is given (the guard no longer loads python-stdnum at start-up)."""
    import random

    from stdnum.nl import bsn

    from resv_edi.identifiers.bsn import fake
    from resv_edi.privacy import eleven_test

    draw = random.Random(16)
    numbers = [f"{draw.randrange(10**9):09d}" for _ in range(20000)]
    numbers += ["000000000", "111222333", "123456782", "999999999", "000000019"]
    numbers += [fake(draw) for _ in range(200)]
    assert sum(bsn.is_valid(n) for n in numbers) > 1000
    assert [eleven_test(n) for n in numbers] == [bool(bsn.is_valid(n)) for n in numbers]
