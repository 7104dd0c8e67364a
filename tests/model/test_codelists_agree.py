"""Code lists, XSD enumerations, model types and the rule catalogue tell the same story."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, get_args

import pytest
from lxml import etree

import resv_edi.rules.engine  # noqa: F401  (registers every rule implementation)
from resv_edi.model import types
from resv_edi.rules.registry import RULES
from resv_edi.standard.catalogue import catalogue
from resv_edi.standard.codelists import codelist

ROOT = Path(__file__).resolve().parents[2]
XS = "{http://www.w3.org/2001/XMLSchema}"


def xsd_enumeration(simple_type: str) -> list[str]:
    """The enumeration values of ``simple_type`` in the basisschema."""
    tree = etree.parse(str(ROOT / "xsd" / "basisschema.xsd"))
    found = tree.findall(f"{XS}simpleType[@name='{simple_type}']")
    assert len(found) == 1, simple_type
    return [e.get("value") for e in found[0].iter(f"{XS}enumeration")]


def toml_codes(name: str) -> list[str]:
    """The codes of ``mappings/codelists/<name>.toml``, read directly."""
    with (ROOT / "mappings" / "codelists" / f"{name}.toml").open("rb") as fh:
        return [str(c["code"]) for c in tomllib.load(fh)["code"]]


@pytest.mark.parametrize(
    ("simple_type", "listname", "literal"),
    [
        ("LDT_Hoofdtaak", "hoofdtaken", types.Hoofdtaak),
        ("LDT_Prestatiesoort", "prestatiesoorten", types.Prestatiesoort),
    ],
)
def test_enumerations_agree(simple_type: str, listname: str, literal: Any) -> None:
    """XSD enumeration == code list codes == model Literal, in the same order."""
    xsd = xsd_enumeration(simple_type)
    assert len(xsd) == len(set(xsd))
    assert xsd == toml_codes(listname)
    assert list(codelist(listname).codes) == xsd
    assert list(get_args(literal)) == xsd


def test_hoofdtaken_cover_the_five_tasks() -> None:
    """1..5 plus the wijkverband tasks 4a and 4b, which belong to 4."""
    hoofdtaken = codelist("hoofdtaken")
    assert set(hoofdtaken.codes) == {"1", "2", "3", "4", "4a", "4b", "5"}
    assert hoofdtaken.codes["4a"].attributes["parent"] == "4"
    assert hoofdtaken.codes["4b"].attributes["parent"] == "4"


def test_prestatiecodes_name_a_known_soort() -> None:
    """Every prestatiecode belongs to a prestatiesoort of the code list and fits the XSD."""
    soorten = set(codelist("prestatiesoorten").codes)
    for code in codelist("prestatiecodes").codes.values():
        assert code.attributes["prestatiesoort"] in soorten
        assert len(code.code) == 6 and code.code.isalnum() and code.code.isupper()
    assert {c.attributes["prestatiesoort"] for c in codelist("prestatiecodes").codes.values()} == (
        soorten
    )


def _catalogue_rule_codes() -> set[str]:
    return {code for code in catalogue() if code.startswith("R")}


def test_every_catalogue_rule_is_implemented() -> None:
    """Each R code of the catalogue has at least one registered implementation."""
    implemented = {spec.code for spec in RULES}
    missing = _catalogue_rule_codes() - implemented
    assert not missing, f"catalogue rules without implementation: {sorted(missing)}"


def test_every_implementation_is_in_the_catalogue() -> None:
    """No rule is registered under a code the catalogue does not know."""
    unknown = {spec.code for spec in RULES} - _catalogue_rule_codes()
    assert not unknown, f"implementations without catalogue entry: {sorted(unknown)}"


def test_rule_codes() -> None:
    """The catalogue holds R001..R028 (R018 withdrawn) and R034..R042 (standard 1.1) for the
    declaratie and R030..R033 for the retourbericht."""
    expected = {f"R{n:03d}" for n in (*range(1, 29), *range(30, 43))} - {"R018"}
    assert _catalogue_rule_codes() == expected


def test_rule_registered_once_per_part() -> None:
    """No (code, kind, part) is registered twice."""
    keys = [(r.code, r.kind, r.part) for r in RULES]
    assert len(keys) == len(set(keys))


def test_catalogue_return_codes_exist() -> None:
    """Every return code the catalogue raises is in the retourcodes code list."""
    known = set(toml_codes("retourcodes"))
    used = {entry.return_code for entry in catalogue().values()}
    assert used - known == set()


def test_catalogue_entries_are_complete() -> None:
    """Every entry has a kind, a severity, a 4-digit return code and both texts."""
    for code, entry in catalogue().items():
        assert entry.kind in {"TR", "CS", "CD", "PV", "LM"}, code
        assert len(entry.return_code) == 4 and entry.return_code.isdigit(), code
        assert entry.nl and entry.en, code
        if entry.severity.value == "fatal":
            assert entry.return_code == "0001", code
