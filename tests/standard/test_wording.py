"""Messages for people: words in Dutch and English, never a regular expression or pydantic text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from resv_edi.errors import Location
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.retour import RetourHeader, RetourPrestatie, RetourTotalen
from resv_edi.pipeline import check_file
from resv_edi.standard.catalogue import catalogue, issue, render
from resv_edi.standard.wording import Money, language_from_env, pattern_has_words

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "invalid"
MODELS: list[type[BaseModel]] = [
    Header,
    Prestatie,
    Totalen,
    RetourHeader,
    RetourPrestatie,
    RetourTotalen,
]


def _patterns(model: type[BaseModel]) -> set[str]:
    found: set[str] = set()

    def walk(schema: object) -> None:
        if isinstance(schema, dict):
            if isinstance(schema.get("pattern"), str):
                found.add(schema["pattern"])
            for value in schema.values():
                walk(value)
        elif isinstance(schema, list):
            for value in schema:
                walk(value)

    walk(model.model_json_schema(by_alias=True))
    return found


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_pattern_of_the_model_has_words(model: type[BaseModel]) -> None:
    """Agreement: a pattern added to the model without words in wording.toml fails here."""
    missing = {p for p in _patterns(model) if not pattern_has_words(p)}
    # the JSON Schema of dates carries a pattern too; dates are explained by their own errors
    missing.discard("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    assert not missing


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "nl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "C"}, "nl"),
        ({"LANG": "de_DE.UTF-8"}, "nl"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LC_MESSAGES": "nl_BE", "LANG": "en_US"}, "nl"),
    ],
)
def test_language_comes_from_the_locale_else_dutch(env: dict[str, str], lang: str) -> None:
    assert language_from_env(env) == lang


def test_money_in_euros_with_the_language_separators() -> None:
    assert Money(123456).render("nl") == "€ 1.234,56"
    assert Money(123456).render("en") == "€1,234.56"
    assert Money(-5).render("nl") == "€ -0,05"
    assert Money(100_000_000).render("nl") == "€ 1.000.000,00"


def test_amounts_are_euros_in_text_and_cents_in_data() -> None:
    found = issue("R001", Location(file="x.xml"), found=123456, expected=-1)
    assert render(found, "nl") == (
        "Totaalbedrag € 1.234,56 is niet gelijk aan de som van de prestaties "
        "(debet min credit) € -0,01"
    )
    assert "€1,234.56" in render(found, "en")
    assert found.as_dict()["params"] == {"found": 123456, "expected": -1}


def test_every_catalogue_code_renders_in_both_languages() -> None:
    for code, entry in catalogue().items():
        assert entry.nl and entry.en, code
        assert render(issue(code), "nl") != render(issue(code), "en") or entry.nl == entry.en


@pytest.mark.parametrize(
    ("name", "nl", "en"),
    [
        (
            "S002_bedrag_not_digits.xml",
            "Bedrag moet een geheel getal zijn, alleen cijfers; gevonden: '12a34'",
            "Bedrag must be a whole number, digits only; found: '12a34'",
        ),
        (
            "S002_date_feb_30.xml",
            "Einddatum moet een bestaande datum zijn; "
            "gevonden: '2027-02-30', die datum bestaat niet",
            "Einddatum must be a date that exists; found: '2027-02-30', which does not exist",
        ),
        (
            "S002_bedrag_as_string.json",
            "Bedrag moet een JSON-getal zijn (zonder aanhalingstekens); gevonden: tekst '",
            "Bedrag must be a JSON number (without quotes); found: text '",
        ),
    ],
)
def test_field_problems_say_what_is_expected_and_found(name: str, nl: str, en: str) -> None:
    (found,) = [i for i in check_file(FIXTURES / name).issues if i.code == "S002"]
    assert render(found, "nl").startswith(nl)  # the fixture's value follows a quote
    assert render(found, "en").startswith(en)
    assert render(found, "nl") == nl or nl.endswith("'")


def test_a_pattern_is_described_in_words(tmp_path: Path) -> None:
    src = (FIXTURES.parent / "valid" / "prestatie1_credit_correction.xml").read_text()
    bad = tmp_path / "agb.xml"
    bad.write_text(src.replace("<Afzender>98249524</Afzender>", "<Afzender>9824952</Afzender>"))
    found = [i for i in check_file(bad).issues if i.code == "S002"]
    assert (
        render(found[0], "nl")
        == "Afzender moet een AGB-code van 8 cijfers zijn; gevonden: 7 cijfers"
    )
    for item in found:
        for lang in ("nl", "en"):
            text = render(item, lang)
            assert "^" not in text and "[0-9]" not in text and "pattern" not in text
