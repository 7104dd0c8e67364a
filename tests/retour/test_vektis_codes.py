"""Vektis return codes (COD954-VEKT, 4 digits; COD957-VEKT, 3 digits): the bundled data file is
well-formed, every code a generated return message carries resolves to its listed text, and a
code that is not listed says so, naming its list, instead of passing for a known one."""

from __future__ import annotations

import tomllib
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from resv_edi.formats.ei.inspect import inspect_file
from resv_edi.generate.claims import generate_claims
from resv_edi.standard.codelists import codelist
from resv_edi.vektis import returncodes as vektis
from resv_edi.vektis.layout import all_layouts
from resv_edi.vektis.returncodes import NOT_LISTED, UNKNOWN, explain, list_for_width, lists

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "mappings" / "codelists" / "vektis_retourcodes.toml"


def _raw() -> dict[str, Any]:
    with DATA.open("rb") as fh:
        return tomllib.load(fh)


def _vektis_return_layouts() -> list[Any]:
    """The return layouts of the Vektis EI standards (not the RESV standard's own)."""
    return [
        lay for lay in all_layouts() if lay.kind == "return" and not lay.standard.startswith("RESV")
    ]


# ---- the data file ---------------------------------------------------------------------------


def test_codes_are_unique_and_belong_to_a_described_list_of_their_width() -> None:
    raw = _raw()
    codes = [str(c["code"]) for c in raw["code"]]
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    widths = {str(entry["id"]): int(entry["width"]) for entry in raw["list"]}
    assert len(set(widths.values())) == len(widths), "a width must name exactly one list"
    for entry in raw["code"]:
        assert entry.get("list") in widths, entry["code"]
        assert entry["code"].isdigit() and len(entry["code"]) == widths[entry["list"]]
    assert set(lists()) == set(widths)  # the loader's own checks pass


def test_every_code_has_a_dutch_and_an_english_text() -> None:
    """No entry leaves a text out silently: both are there and say something."""
    for entry in _raw()["code"]:
        for lang in ("nl", "en"):
            text = entry.get(lang)
            assert isinstance(text, str) and text.strip(), (entry["code"], lang)
            assert text == text.strip() and not text.endswith("."), (entry["code"], lang)


def test_both_families_are_described_with_their_source() -> None:
    described = lists()
    assert described["COD954-VEKT"].width == 4
    assert described["COD957-VEKT"].width == 3
    assert "FOUTCODE" in described["COD957-VEKT"].fields
    assert "HA305" in described["COD957-VEKT"].standards
    assert "RETOURCODE" in described["COD954-VEKT"].fields
    header = DATA.read_text(encoding="utf-8")
    for item in described.values():
        assert item.source.startswith("https://www.vektis.nl/standaardisatie/codelijsten/")
        assert item.source in header  # the file's header comment names where the codes come from
        assert not item.complete, "the bundled lists are partial; say so until they are not"
    assert codelist("vektis_retourcodes").provisional


def test_ranges_fit_their_list_and_do_not_overlap() -> None:
    described = lists()
    by_list: dict[str, list[tuple[str, str]]] = {}
    for r in _raw()["range"]:
        width = described[r["list"]].width
        assert len(r["first"]) == len(r["last"]) == width
        assert r["first"] <= r["last"]
        assert r["nl"].strip() and r["en"].strip()
        by_list.setdefault(r["list"], []).append((r["first"], r["last"]))
    for spans in by_list.values():
        spans.sort()
        for (_, last), (first, _) in pairwise(spans):
            assert last < first


def test_the_sourced_texts_are_held() -> None:
    """Spot checks against Vektis' pages (COD957-VEKT, COD954-VEKT, retourinformatie)."""
    assert explain("008").nl == "Niet correct"
    assert explain("007").nl == "Waarde rubriek: ongeldig"
    assert explain("140").nl == "Cliënt is niet verzekerd wegens overlijden"
    assert explain("0001").nl == "Bericht is afgekeurd om technische redenen"
    assert explain("0804").nl == "Lengte record is onjuist"
    held = codelist("vektis_retourcodes")
    assert held.codes["0001"].attributes["toelichting"].startswith("Retourcode in voorlooprecord")
    assert "toelichting" not in held.codes["0003"].attributes
    assert str(held.codes["140"].valid_from) == "2007-01-01"


def test_the_loader_refuses_inconsistent_data(monkeypatch: pytest.MonkeyPatch) -> None:
    good = _raw()
    bad_width = {**good, "code": [*good["code"], {**good["code"][0], "code": "12345"}]}
    unknown_list = {**good, "code": [{**good["code"][0], "list": "COD999-VEKT"}]}
    same_width = {**good, "list": [*good["list"], {**good["list"][0], "id": "COD282-VEK1"}]}
    try:
        for broken in (bad_width, unknown_list, same_width):
            monkeypatch.setattr(vektis, "_raw", lambda broken=broken: broken)
            vektis.lists.cache_clear()
            with pytest.raises(ValueError, match="vektis_retourcodes"):
                vektis.lists()
    finally:
        monkeypatch.undo()
        vektis.lists.cache_clear()
    assert set(vektis.lists()) == {"COD954-VEKT", "COD957-VEKT"}


# ---- the layouts and the data agree ----------------------------------------------------------


@pytest.mark.parametrize("layout", _vektis_return_layouts(), ids=lambda lay: lay.standard)
def test_every_return_code_field_has_a_list_of_its_width(layout: Any) -> None:
    keys = vektis.return_code_keys(layout)
    assert keys, f"{layout.standard}: no RETOURCODE/FOUTCODE fields found"
    for rtype, field_keys in keys.items():
        for f in layout.records[rtype].fields:
            if f.key not in field_keys:
                continue
            family = list_for_width(f.length)
            assert family is not None, f"{layout.standard} {f.name}: {f.length} digits"
            assert any(marker in f.name for marker in family.fields), (f.name, family.id)


# ---- generated return messages ---------------------------------------------------------------


def _generated_codes(tmp_path: Path, standard: str, lines: int = 400) -> dict[str, Any]:
    path = tmp_path / f"{standard}.asc"
    with path.open("wb") as fh:
        generate_claims(standard, lines, fh, seed=11)
    summary = inspect_file(path)
    assert summary["issues"] == 0 and summary["kind"] == "return"
    return summary["return_codes"]


def test_every_listed_code_in_a_generated_ha305_resolves_to_its_text(tmp_path: Path) -> None:
    codes = _generated_codes(tmp_path, "HA305")
    held = codelist("vektis_retourcodes")
    listed = [c for c in codes if c in held]
    assert listed, "the generator draws HA305 foutcodes from the bundled 3-digit codes"
    for code, info in codes.items():
        assert len(code) == 3, "HA305 carries 3-digit FOUTCODEs only"
        found = explain(code)
        assert found.list_id == "COD957-VEKT"
        assert (info["nl"], info["en"]) == (found.nl, found.en)
        if code in held:
            assert found.listed
            assert info["nl"] == held.text(code, "nl") and info["en"] == held.text(code, "en")
            assert held.codes[code].attributes["list"] == "COD957-VEKT"


def test_unlisted_codes_in_a_generated_ha305_say_so(tmp_path: Path) -> None:
    codes = _generated_codes(tmp_path, "HA305")
    held = codelist("vektis_retourcodes")
    unlisted = [c for c in codes if c not in held]
    assert unlisted, "the generator also writes codes that are not in the list"
    for code in unlisted:
        info = codes[code]
        assert not explain(code).listed
        assert info["nl"].startswith(NOT_LISTED[0]) and info["en"].startswith(NOT_LISTED[1])
        assert "COD957-VEKT" in info["nl"] and "COD957-VEKT" in info["en"]
        assert "3-digit" in info["en"] and "3-cijferige" in info["nl"]
        assert info["nl"] != "Onbekende code" and UNKNOWN[1] not in info["en"]


@pytest.mark.parametrize("standard", ["PM305", "EP302", "ZH309"])
def test_four_digit_codes_of_generated_returns_resolve_or_say_so(
    tmp_path: Path, standard: str
) -> None:
    codes = _generated_codes(tmp_path, standard, lines=200)
    held = codelist("vektis_retourcodes")
    assert any(c in held for c in codes)
    for code, info in codes.items():
        assert len(code) == 4
        found = explain(code)
        assert found.list_id == "COD954-VEKT"
        if code in held:
            assert found.listed and info["en"] == held.text(code, "en")
        else:
            assert info["en"].startswith(NOT_LISTED[1]) and "COD954-VEKT" in info["en"]


# ---- explain() on its own --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "list_id", "range_en"),
    [
        ("163", "COD957-VEKT", None),  # on Vektis' page, but not read: not held, not invented
        ("999", "COD957-VEKT", None),
        ("0030", "COD954-VEKT", "Message (header or trailer record)"),
        ("0555", "COD954-VEKT", "Service line record"),
        ("0950", "COD954-VEKT", None),
    ],
)
def test_a_code_not_held_names_its_list_and_range(
    code: str, list_id: str, range_en: str | None
) -> None:
    found = explain(code)
    assert not found.listed and found.list_id == list_id
    assert found.en.startswith(f"{NOT_LISTED[1]}: {len(code)}-digit Vektis")
    assert found.nl.startswith(f"{NOT_LISTED[0]}: {len(code)}-cijferige Vektis")
    assert list_id in found.en and list_id in found.nl
    assert "text not available" in found.en and "tekst niet beschikbaar" in found.nl
    if range_en:
        assert found.en.endswith(f"range: {range_en}")
    else:
        assert "range" not in found.en


@pytest.mark.parametrize("code", ["12", "12345", "AB1", ""])
def test_a_code_of_no_list_is_unknown(code: str) -> None:
    found = explain(code)
    assert not found.listed and found.list_id is None
    assert found.nl.startswith(UNKNOWN[0]) and found.en.startswith(UNKNOWN[1])


def test_surrounding_spaces_do_not_hide_a_listed_code() -> None:
    assert explain(" 0804 ").listed and explain(" 0804 ").code == "0804"


def test_resv_retour_codes_are_explained_from_the_resv_list(tmp_path: Path) -> None:
    """In a RESV902 file the return codes are this standard's, not a Vektis list's."""
    from click.testing import CliRunner

    from resv_edi.cli.main import cli
    from resv_edi.formats.ei.inspect import inspect_file
    from resv_edi.standard.codelists import codelist

    decl, retour = tmp_path / "d.xml", tmp_path / "r.asc"
    runner = CliRunner()
    assert runner.invoke(cli, ["generate", "--records", "12", "-o", str(decl)]).exit_code == 0
    result = runner.invoke(cli, ["retour", str(decl), "-o", str(retour), "--to", "ei"])
    assert result.exit_code == 0, result.output
    summary = inspect_file(retour)
    assert summary["standard"] == "RESV902" and summary["return_codes"]
    resv = codelist("retourcodes")
    for code, info in summary["return_codes"].items():
        listed = resv.get(code)
        assert listed is not None
        assert (info["nl"], info["en"]) == (listed.text("nl"), listed.text("en"))
