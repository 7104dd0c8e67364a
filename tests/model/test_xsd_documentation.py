"""The XSDs in the iStandaarden style: documented from one source, versions in xs:appinfo,
message code and versions fixed in the message XSDs."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
import xmlschema
from lxml import etree

from resv_edi.errors import Issue
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE
from resv_edi.pipeline import validate
from resv_edi.standard.codelists import codelist
from resv_edi.standard.documentation import documentation
from resv_edi.standard.facts import facts

ROOT = Path(__file__).resolve().parents[2]
XSD_DIR = ROOT / "xsd"
TOOL = ROOT / "tools" / "annotate_xsd.py"
XS = "{http://www.w3.org/2001/XMLSchema}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FILES = ("basisschema.xsd", "declaratie.xsd", "retour.xsd")


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("annotate_xsd", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _tree(name: str) -> etree._Element:
    return etree.parse(str(XSD_DIR / name)).getroot()


def _dutch(node: etree._Element) -> str:
    docs = node.findall(f"{XS}annotation/{XS}documentation")
    assert len(docs) == 1, f"{node.get('name') or node.get('value')}: {len(docs)} documentations"
    assert docs[0].get(LANG) == "nl"
    return (docs[0].text or "").strip()


def test_committed_xsds_are_annotated_from_the_sources(tool: ModuleType) -> None:
    """``python tools/annotate_xsd.py --check`` passes: nothing in xsd/ is stale."""
    assert tool.main(["--check"]) == 0, "run: python tools/annotate_xsd.py"


@pytest.mark.parametrize("name", FILES)
def test_every_element_type_and_value_has_dutch_documentation(name: str) -> None:
    root = _tree(name)
    nodes = [
        *root.iter(f"{XS}element"),
        *root.iter(f"{XS}complexType"),
        *(t for t in root.iter(f"{XS}simpleType") if t.get("name")),
        *root.iter(f"{XS}enumeration"),
    ]
    assert nodes
    for node in nodes:
        assert _dutch(node)


def test_enumeration_values_are_documented_by_their_code_list() -> None:
    root = _tree("basisschema.xsd")
    hoofdtaak = root.find(f"{XS}simpleType[@name='LDT_Hoofdtaak']")
    texts = {e.get("value"): _dutch(e) for e in hoofdtaak.iter(f"{XS}enumeration")}
    assert texts == {c.code: c.text("nl") for c in codelist("hoofdtaken").codes.values()}


def test_amount_and_date_types_say_what_they_hold() -> None:
    types = documentation().types
    assert "eurocent" in types["LDT_Bedrag"].text.nl
    assert "tijdzone" in types["LDT_Datum"].text.nl


@pytest.mark.parametrize("name", FILES)
def test_appinfo_names_standard_release_and_version_range(name: str) -> None:
    root = _tree(name)
    info = root.find(f"{XS}annotation/{XS}appinfo")
    assert info is not None
    values = {etree.QName(c).localname: c.text for c in info}
    std = facts()
    release = ".".join(std.version.split(".")[:2])
    assert values["standaard"] == "resv"
    assert values["release"] == release
    assert root.get("version") == (std.basisschema_version if name == FILES[0] else std.version)
    prefixes = ["Basisschema"] + ([] if name == FILES[0] else ["Bericht"])
    for prefix in prefixes:
        version = values[f"{prefix}XsdVersie"]
        low, high = values[f"{prefix}XsdMinVersie"], values[f"{prefix}XsdMaxVersie"]
        as_tuple = [tuple(int(p) for p in v.split(".")) for v in (low, version, high)]
        assert as_tuple == sorted(as_tuple)
        assert low.startswith(release + ".") and high.startswith(release + ".")
    assert all(etree.QName(c).namespace == std.ns_basis for c in info)


def test_simple_types_are_named_by_meaning() -> None:
    names = [t.get("name") for t in _tree("basisschema.xsd").iter(f"{XS}simpleType")]
    assert {"LDT_Referentie", "LDT_Werkgebied", "LDT_Declaratienummer"} <= set(names)
    assert not [n for n in names if re.search(r"\d", n)], "a type named by its length"


def _declaration_xml(**header: object) -> bytes:
    records = list(generate_declaration(2, seed=1))
    data = records[0].to_data() | header
    records[0] = type(records[0]).model_validate(data)
    out = io.BytesIO()
    get_format("xml").writer(records, out, DECLARATIE)
    return out.getvalue()


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [("BerichtCode", "902", "R028"), ("BerichtVersie", 2, "R027"), ("BerichtSubversie", 7, "R027")],
)
def test_the_message_xsd_fixes_code_and_versions(
    tmp_path: Path, field: str, value: object, rule: str
) -> None:
    """A declaration of another code or version: the XSD refuses it, and so does the rule."""
    schema = xmlschema.XMLSchema(str(XSD_DIR / "declaratie.xsd"))
    assert schema.is_valid(_declaration_xml())
    doc = _declaration_xml(**{field: value})
    assert not schema.is_valid(doc)
    path = tmp_path / "other.xml"
    path.write_bytes(doc)
    codes = {i.code for i in validate(path) if isinstance(i, Issue)}
    assert rule in codes


def test_a_missing_text_fails_the_tool(tool: ModuleType, tmp_path: Path) -> None:
    source = (ROOT / "mappings" / "documentation.toml").read_text(encoding="utf-8")
    path = tmp_path / "documentation.toml"
    path.write_text(re.sub(r"^Bedrag = .*\n", "", source, flags=re.MULTILINE), "utf-8")
    assert tool.main(["--check", "--documentation", str(path)]) == 2


def test_a_text_for_nothing_fails_the_tool(tool: ModuleType, tmp_path: Path) -> None:
    source = (ROOT / "mappings" / "documentation.toml").read_text(encoding="utf-8")
    path = tmp_path / "documentation.toml"
    extra = '[types.LDT_Bsn]\nnl = "nee"\nen = "no"\n'
    path.write_text(source + "\n" + extra, "utf-8")
    assert tool.main(["--check", "--documentation", str(path)]) == 2
