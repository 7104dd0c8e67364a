"""The data of standard 1.1 tells one story: return codes beside Vektis', the region list, the
UZOVI register snapshot and the version numbers."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pydantic import TypeAdapter, ValidationError

import resv_edi
from resv_edi.model import types
from resv_edi.retour.policy import retour_policy
from resv_edi.standard.catalogue import catalogue
from resv_edi.standard.codelists import codelist
from resv_edi.standard.facts import facts

ROOT = Path(__file__).resolve().parents[2]
XS = "{http://www.w3.org/2001/XMLSchema}"


def _toml(name: str) -> dict[str, Any]:
    with (ROOT / "mappings" / "codelists" / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


# -- return codes ----------------------------------------------------------------------------


def test_every_return_code_is_vektis_or_in_the_resv_range() -> None:
    """A code reuses a COD954-VEKT code with exactly Vektis' text, or lies in the RESV range,
    or is a listed exception; nothing else."""
    own = _toml("retourcodes")
    held = {c["code"]: c for c in _toml("vektis_retourcodes")["code"]}
    first, last = own["meta"]["resv_range"]
    exceptions = set(own["meta"]["exceptions"])
    assert exceptions == {"0200"}
    for entry in own["code"]:
        code = entry["code"]
        if entry.get("vektis"):
            assert entry["vektis"] == held[code]["list"] == "COD954-VEKT", code
            assert (entry["nl"], entry["en"]) == (held[code]["nl"], held[code]["en"]), code
        else:
            assert first <= code <= last or code in exceptions, code
            assert code not in held, f"{code} is a Vektis code with a meaning of its own"


def test_the_resv_range_is_no_vektis_range() -> None:
    """No [[range]] of COD954-VEKT overlaps 7000-7999."""
    first, last = _toml("retourcodes")["meta"]["resv_range"]
    for rng in _toml("vektis_retourcodes")["range"]:
        if rng["list"] == "COD954-VEKT":
            assert rng["last"] < first or rng["first"] > last, rng


def test_codes_of_1_0_that_collided_are_gone() -> None:
    """The numbers the issue named: 0002, 0806, 0031-0037, 05xx, 0805-0816 are no longer own
    codes (0002 stays only as Vektis' 'Kenmerk record')."""
    own = {c["code"]: c for c in _toml("retourcodes")["code"]}
    collided = ["0806", *(f"{n:04d}" for n in (*range(31, 38), *range(805, 817)))]
    for code in collided:
        assert code not in own or own[code].get("vektis"), code
    assert not [c for c in own if c.startswith("05") and not own[c].get("vektis")]
    assert own["0002"]["vektis"] == "COD954-VEKT"


def test_each_return_code_is_used_and_each_used_code_exists() -> None:
    """Every own code is raised by a catalogue entry or by the retour policy, and every code
    the catalogue raises is listed."""
    listed = {c["code"] for c in _toml("retourcodes")["code"]}
    used = {e.return_code for e in catalogue().values()}
    policy = retour_policy()
    assert used <= listed
    assert listed - used == {policy.message_rejected}


def test_not_assessed_code_for_lines_of_a_rejected_message() -> None:
    """Lines of a message rejected as a whole get 'not assessed' (as iStandaarden 0233)."""
    policy = retour_policy()
    entry = codelist("retourcodes").get(policy.message_rejected)
    assert policy.message_rejected == "7599" and entry is not None
    assert entry.attributes["level"] == "line" and "niet beoordeeld" in entry.text("nl")


def test_new_rules_reuse_the_vektis_date_codes() -> None:
    """Service period after the invoice date: Vektis 8178 (end) and 8177 (begin)."""
    assert catalogue()["R038"].return_code == "8178"
    assert catalogue()["R039"].return_code == "8177"
    assert catalogue()["R042"].severity.value == "warning"
    assert catalogue()["R016"].severity.value == "error"


# -- werkgebieden ----------------------------------------------------------------------------


def test_werkgebieden_are_provisional_sets_of_municipalities() -> None:
    """Each region: a code of LDT_Werkgebied, a non-empty set of 4-digit CBS municipality
    codes; no municipality in two regions valid on the same day (exact monitoring)."""
    regions = codelist("werkgebieden")
    assert regions.provisional and regions.meta["source"] and regions.meta["date"]
    pattern = _xsd_pattern("LDT_Werkgebied")
    adapter = TypeAdapter(types.Werkgebied)
    seen: dict[str, list[Any]] = {}
    for code in regions.codes.values():
        assert re.fullmatch(pattern, code.code), code.code
        adapter.validate_python(code.code)
        towns = code.attributes["municipalities"]
        assert towns and len(towns) == len(set(towns)), code.code
        assert all(re.fullmatch(r"[0-9]{4}", t) for t in towns), code.code
        for town in towns:
            for other in seen.get(town, []):
                overlap = code.valid_from <= (other.valid_to or code.valid_from) and (
                    other.valid_from <= (code.valid_to or other.valid_from)
                )
                assert not overlap, f"{town} in {other.code} and {code.code}"
            seen.setdefault(town, []).append(code)


def test_werkgebied_type_refuses_free_text() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(types.Werkgebied).validate_python("UTRECHT-W")


def _xsd_pattern(simple_type: str) -> str:
    tree = etree.parse(str(ROOT / "xsd" / "basisschema.xsd"))
    found = tree.find(f"{XS}simpleType[@name='{simple_type}']")
    assert found is not None
    return found.find(f".//{XS}pattern").get("value")


# -- UZOVI register --------------------------------------------------------------------------


def test_uzovi_register_snapshot_names_source_and_date() -> None:
    register = codelist("uzovi_register")
    assert register.meta["source"] and register.meta["date"]
    first, last = register.meta["wlz_range"]
    assert (first, last) == ("5500", "5599")
    for code in register.codes.values():
        assert re.fullmatch(r"[0-9]{4}", code.code)
        assert code.attributes["kind"] in ("zvw", "wlz")
        if code.attributes["kind"] == "zvw":
            assert not first <= code.code <= last, code.code


# -- versions --------------------------------------------------------------------------------


def test_standard_and_package_are_versioned_apart() -> None:
    """Standard 1.1 (XsdVersie 1.1.0, BerichtSubversie 1); package 0.2."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        package = tomllib.load(fh)["project"]["version"]
    assert package == resv_edi.__version__ and package.startswith("0.2.")
    f = facts()
    assert f.version == "1.1.0" and f.release == "1.1" and f.supported_releases == ("1.1",)
    assert (f.declaratie.version, f.declaratie.subversion) == (1, 1)
    assert (f.retour.version, f.retour.subversion) == (1, 1)
    assert [r.release for r in f.retired] == ["1.0"]
    for name in ("basisschema", "declaratie", "retour"):
        root = etree.parse(str(ROOT / "xsd" / f"{name}.xsd")).getroot()
        assert root.get("targetNamespace").endswith(":1.1")
        assert root.get("version") == "1.1.0"


def test_ei_layouts_carry_the_message_versions() -> None:
    files = sorted(p.name for p in (ROOT / "mappings" / "ei").glob("RESV90[12]_*.json"))
    assert files == ["RESV901_v1.1.json", "RESV902_v1.1.json"]
