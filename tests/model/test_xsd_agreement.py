"""The XSD and the model accept and reject the same documents.

A valid generated message is mutated field by field and element by element; for every
mutant, ``xmlschema`` over ``xsd/declaratie.xsd`` must say "valid" exactly when our XML reader
(no business rules) reports no structural or field issue. A JSON mirror does the same with
``jsonschema`` over the shipped JSON Schema and ``read_json``. The shipped JSON Schemas must be
what the model generates.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from lxml import etree

from resv_edi.cli.schema import json_schema_files
from resv_edi.errors import Issue
from resv_edi.formats.json.document import read_json
from resv_edi.formats.registry import get_format
from resv_edi.formats.xml.reader import read_xml
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE
from resv_edi.rules.engine import RuleEngine
from resv_edi.standard.facts import facts

ROOT = Path(__file__).resolve().parents[2]
XSD_DIR = ROOT / "xsd"
NS = DECLARATIE.namespace
Q = "{" + NS + "}"

#: reader codes that mean "the XSD would reject this"
SCHEMA_CODES = {"X001", "X002", "X003", "X004", "X005", "S001", "S002", "S003"}
JSON_CODES = {"S001", "S002", "S003", "J001", "J002", "J003", "J004", "X003", "X005"}

#: the records mutated: header, the first line (it has every optional field) and the totals
RECORDS = ("Header", "Prestaties/Prestatie", "Totalen")

#: fields of an XSD type with whiteSpace="collapse" (integers and dates)
_COLLAPSED = (
    "BerichtVersie",
    "BerichtSubversie",
    "Dagtekening",
    "DeclaratieperiodeBegin",
    "DeclaratieperiodeEinde",
    "Begindatum",
    "Einddatum",
    "Bedrag",
    "BtwBedrag",
    "AantalPrestaties",
    "TotaalBedrag",
)
_XMLSCHEMA_SPACE = (
    "XMLSCHEMA QUIRK (not ours): xmlschema collapses Unicode spaces U+0085/U+00A0 like XML"
    " whitespace and accepts '1\\xa0' as an integer; XSD 1.0 whiteSpace only removes"
    " #x20 #x9 #xD #xA, so the model (which refuses) is right"
)

#: the integer and date fields of the records mutated, by record
_NUMBERS = {
    "Header": ("BerichtVersie", "BerichtSubversie"),
    "Prestatie": ("Bedrag", "BtwBedrag"),
    "Totalen": ("AantalPrestaties", "TotaalBedrag"),
}
_DATES = {
    "Header": ("Dagtekening", "DeclaratieperiodeBegin", "DeclaratieperiodeEinde"),
    "Prestatie": ("Begindatum", "Einddatum"),
}
_NO_PATTERN = (
    "DECISION (docs/standard.md, Types for code generators): the integer and date types of the"
    " XSD carry no pattern facet, because code generators (xsdata) then type them as strings;"
    " XSD 1.0 has no other facet that refuses a '+' sign, '-0' or a time zone, so the XSD"
    " accepts them and the reader, stricter, refuses them"
)
_FIXED_BY_RULE = (
    "DECISION: the XSD fixes BerichtVersie and BerichtSubversie; the reader takes any version"
    " of 0..99 and leaves a wrong one to rule R027, which names the version found"
)


def _known_differences() -> dict[str, str]:
    """The mutations where the XSD is knowingly looser or stricter than the reader."""
    header = facts().declaratie
    fixed = {"BerichtVersie": header.version, "BerichtSubversie": header.subversion}
    out: dict[str, str] = {}
    for record, names in _NUMBERS.items():
        for name in names:
            out[f"{record}.{name}.plus_sign"] = _NO_PATTERN
            if fixed.get(name, 0) == 0:
                out[f"{record}.{name}.minus_zero"] = _NO_PATTERN
    for name, value in fixed.items():
        longer = int(str(value) + str(value)[-1])
        if longer != value:
            out[f"Header.{name}.one_longer"] = _FIXED_BY_RULE
    for record, names in _DATES.items():
        for name in names:
            out[f"{record}.{name}.zone_z"] = _NO_PATTERN
            out[f"{record}.{name}.zone_offset"] = _NO_PATTERN
    return out


#: mutations where the XSD and the model disagree today (strict: remove when fixed)
XML_DISAGREEMENTS: dict[str, str] = {
    **{
        f"{record}.{name}.{label}": _XMLSCHEMA_SPACE
        for record in ("Header", "Prestatie", "Totalen")
        for name in _COLLAPSED
        for label in ("c1_control", "nbsp_trailing")
    },
    **_known_differences(),
}
_WHOLE_FLOAT = (
    "STANDARD 1.1 (point 8): JSON Schema's data model treats 6.0 as the integer 6, so the"
    " schema cannot refuse it; the standard refuses a number written with a fraction or an"
    " exponent in an integer field (tests/model/test_integers.py)"
)
JSON_DISAGREEMENTS: dict[str, str] = {
    "Prestatie.Bedrag.float": _WHOLE_FLOAT,
    "Prestatie.BtwBedrag.float": _WHOLE_FLOAT,
    "Totalen.TotaalBedrag.float": _WHOLE_FLOAT,
}


# -- the base message ------------------------------------------------------------------------


@cache
def base_records() -> tuple[Any, ...]:
    """A valid message of 7 lines; line 7 (moved first) carries BtwBedrag and Toelichting."""
    records = list(generate_declaration(7, seed=0))
    lines = records[1:-1]
    lines.insert(0, lines.pop())
    data = lines[0].to_data()
    data["VorigReferentienummer"] = "R-ORIGINEEL-01"
    data["OpdrachtOvereenkomst"] = "OO-2027-01"  # standard 1.1 (R034 is a rule, not the XSD's)
    data["UitvoerendeZorgaanbieder"] = "12345678"
    data["OpdrachtgevendeZorgaanbieder"] = "87654321"
    lines[0] = type(lines[0]).model_validate(data)
    return (records[0], *lines, records[-1])


@cache
def base_xml() -> bytes:
    """The base message as XML, written by the library's writer."""
    out = io.BytesIO()
    get_format("xml").writer(base_records(), out, DECLARATIE)
    return out.getvalue()


def field_names(record: str) -> list[str]:
    """Child element names of the first ``record`` element of the base message."""
    tree = etree.fromstring(base_xml())
    elem = tree.find(_path(record))
    assert elem is not None
    return [etree.QName(child).localname for child in elem]


def _path(record: str) -> str:
    return "/".join(Q + part for part in record.split("/"))


# -- mutations -------------------------------------------------------------------------------

Mutator = Callable[[Any], None]


def _value_mutations(name: str, value: str) -> dict[str, str]:
    """New text values for a field whose valid text is ``value``."""
    out = {
        "empty": "",
        "leading_space": " " + value,
        "trailing_space": value + " ",
        "too_long": value + value[-1] * 251,
        "one_longer": value + value[-1],
        "wrong_chars": value[:-1] + "!",
        "letter_in": "A" + value[1:],
        "tab_inside": value[:1] + "\t" + value[1:] if len(value) > 1 else "\t",
        "latin1_e_acute": value + "é",
        "euro_sign": value + "€",
        "emoji": value + "\U0001f600",
        "c1_control": value + "\x85",
        "nbsp_inside": value[:1] + "\xa0" + value[1:] if len(value) > 1 else "\xa0",
        "nbsp_trailing": value + "\xa0",
    }
    if value.isdigit():
        out |= {
            "leading_zeros": "00" + value,
            "plus_sign": "+" + value,
            "minus_zero": "-0",
            "decimal": value + ".0",
            "exponent": "1e3",
            "huge": "9" * 40,
            "space_inside": value[:1] + " " + value[1:] if len(value) > 1 else value + " 1",
        }
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        out |= {
            "feb_30": "2027-02-30",
            "feb_29_non_leap": "2027-02-29",
            "feb_29_leap": "2028-02-29",
            "month_13": "2027-13-01",
            "zone_z": value + "Z",
            "zone_offset": value + "+01:00",
            "datetime": value + "T00:00:00",
            "compact": value.replace("-", ""),
            "short_month": value[:5] + value[6:],
            "year_0000": "0000" + value[4:],
            "five_digit_year": "1" + value,
        }
    return out


def _set_text(record: str, name: str, text: str) -> Mutator:
    def mutate(tree: Any) -> None:
        tree.find(_path(record) + "/" + Q + name).text = text

    return mutate


def _remove(record: str, name: str) -> Mutator:
    def mutate(tree: Any) -> None:
        elem = tree.find(_path(record) + "/" + Q + name)
        elem.getparent().remove(elem)

    return mutate


def _duplicate(record: str, name: str) -> Mutator:
    def mutate(tree: Any) -> None:
        elem = tree.find(_path(record) + "/" + Q + name)
        elem.addnext(copy.deepcopy(elem))

    return mutate


def _swap_with_next(record: str, name: str) -> Mutator:
    def mutate(tree: Any) -> None:
        elem = tree.find(_path(record) + "/" + Q + name)
        following = elem.getnext()
        following.addnext(elem)

    return mutate


def _insert_after(record: str, name: str, new: str, text: str = "x") -> Mutator:
    def mutate(tree: Any) -> None:
        elem = tree.find(_path(record) + "/" + Q + name)
        child = etree.Element(new)
        child.text = text
        elem.addnext(child)

    return mutate


def _attribute(record: str, name: str, attr: str, value: str) -> Mutator:
    def mutate(tree: Any) -> None:
        tree.find(_path(record) + "/" + Q + name).set(attr, value)

    return mutate


def _tail_text(record: str, name: str, text: str) -> Mutator:
    def mutate(tree: Any) -> None:
        tree.find(_path(record) + "/" + Q + name).tail = text

    return mutate


def _whole(func: Callable[[Any], None]) -> Mutator:
    return func


def _receivers(uzovi: bool, agb: bool) -> Mutator:
    def mutate(tree: Any) -> None:
        header = tree.find(_path("Header"))
        afzender = header.find(Q + "Afzender")
        for elem in list(header):
            if etree.QName(elem).localname in ("OntvangerUzovi", "OntvangerAgb"):
                header.remove(elem)
        anchor = afzender
        for present, name, text in (
            (uzovi, "OntvangerUzovi", "3311"),
            (agb, "OntvangerAgb", "01234567"),
        ):
            if present:
                new = etree.Element(Q + name)
                new.text = text
                new.tail = afzender.tail
                anchor.addnext(new)
                anchor = new

    return mutate


def _record_level() -> dict[str, Mutator]:
    """Mutations of whole records and containers."""

    def drop(path: str) -> Mutator:
        def mutate(tree: Any) -> None:
            elem = tree.find(_path(path))
            elem.getparent().remove(elem)

        return mutate

    def dup(path: str) -> Mutator:
        def mutate(tree: Any) -> None:
            elem = tree.find(_path(path))
            elem.addnext(copy.deepcopy(elem))

        return mutate

    def all_lines_removed(tree: Any) -> None:
        container = tree.find(_path("Prestaties"))
        for line in list(container):
            container.remove(line)

    def header_after_lines(tree: Any) -> None:
        tree.find(_path("Prestaties")).addnext(tree.find(_path("Header")))

    def totals_first(tree: Any) -> None:
        tree.insert(0, tree.find(_path("Totalen")))

    def stray_in_container(tree: Any) -> None:
        el = etree.SubElement(tree.find(_path("Prestaties")), Q + "Opmerking")
        el.text = "x"

    def unknown_at_root(tree: Any) -> None:
        el = etree.SubElement(tree, Q + "Bijlage")
        el.text = "x"

    def line_outside_container(tree: Any) -> None:
        tree.find(_path("Totalen")).addprevious(
            copy.deepcopy(tree.find(_path("Prestaties/Prestatie")))
        )

    def comment_and_pi(tree: Any) -> None:
        line = tree.find(_path("Prestaties/Prestatie"))
        line.insert(2, etree.Comment(" opmerking "))
        line.insert(4, etree.ProcessingInstruction("pi", "x"))

    def schema_location(tree: Any) -> None:
        xsi = "http://www.w3.org/2001/XMLSchema-instance"
        tree.set(f"{{{xsi}}}schemaLocation", f"{NS} declaratie.xsd")

    def foreign_namespace_field(tree: Any) -> None:
        line = tree.find(_path("Prestaties/Prestatie"))
        el = etree.Element("{urn:example:other}Werkgebied")
        el.text = "X"
        line.find(Q + "Werkgebied").addnext(el)

    def no_namespace_field(tree: Any) -> None:
        elem = tree.find(_path("Prestaties/Prestatie") + "/" + Q + "Werkgebied")
        elem.tag = "Werkgebied"

    def child_in_field(tree: Any) -> None:
        elem = tree.find(_path("Prestaties/Prestatie") + "/" + Q + "Werkgebied")
        etree.SubElement(elem, Q + "Sub").text = "x"

    def cdata(tree: Any) -> None:
        elem = tree.find(_path("Prestaties/Prestatie") + "/" + Q + "Omschrijving")
        elem.text = etree.CDATA("A & B <c>")

    return {
        "no_header": drop("Header"),
        "no_totalen": drop("Totalen"),
        "no_prestaties": drop("Prestaties"),
        "no_prestatie": all_lines_removed,
        "two_headers": dup("Header"),
        "two_totalen": dup("Totalen"),
        "two_prestaties_containers": dup("Prestaties"),
        "header_after_lines": header_after_lines,
        "totalen_first": totals_first,
        "unknown_element_in_prestaties": stray_in_container,
        "unknown_element_at_root": unknown_at_root,
        "prestatie_outside_container": line_outside_container,
        "comment_and_pi_in_line": comment_and_pi,
        "xsi_schema_location": schema_location,
        "foreign_namespace_field": foreign_namespace_field,
        "no_namespace_field": no_namespace_field,
        "child_element_in_field": child_in_field,
        "cdata_text": cdata,
        "both_receivers": _receivers(True, True),
        "neither_receiver": _receivers(False, False),
        "agb_receiver_only": _receivers(False, True),
    }


def xml_corpus() -> Iterator[tuple[str, Mutator]]:
    """(id, mutator) for every mutation of the base message."""
    tree = etree.fromstring(base_xml())
    yield "base", lambda t: None
    for record in RECORDS:
        tag = record.rsplit("/", 1)[-1]
        elem = tree.find(_path(record))
        names = [etree.QName(c).localname for c in elem]
        for i, name in enumerate(names):
            value = elem.find(Q + name).text or ""
            for label, text in _value_mutations(name, value).items():
                yield f"{tag}.{name}.{label}", _set_text(record, name, text)
            yield f"{tag}.{name}.missing", _remove(record, name)
            yield f"{tag}.{name}.duplicated", _duplicate(record, name)
            if i + 1 < len(names):
                yield f"{tag}.{name}.swapped_with_next", _swap_with_next(record, name)
        yield f"{tag}.unknown_element", _insert_after(record, names[0], Q + "Onbekend")
        yield f"{tag}.attribute_on_field", _attribute(record, names[-1], "extra", "1")
        yield f"{tag}.stray_text", _tail_text(record, names[0], "losse tekst")
    yield from _record_level().items()


def _mutant(mutator: Mutator) -> bytes:
    tree = etree.fromstring(base_xml())
    mutator(tree)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


@cache
def _xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD_DIR / "declaratie.xsd"))


def reader_codes(doc: bytes) -> list[str]:
    """Issue codes of our XML reader alone (no business rules)."""
    return [i.code for i in read_xml(io.BytesIO(doc)) if isinstance(i, Issue)]


XML_CASES = list(xml_corpus())


def _xml_param(case: tuple[str, Mutator]) -> Any:
    name, mutator = case
    reason = XML_DISAGREEMENTS.get(name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(mutator, id=name, marks=marks)


def test_corpus_is_large() -> None:
    """The XML corpus has a few hundred documents, the JSON one some dozens."""
    assert len(XML_CASES) >= 200
    assert len(JSON_CASES) >= 40


def test_base_is_valid() -> None:
    """The unmutated message is valid for both sides."""
    assert _xsd().is_valid(base_xml())
    assert reader_codes(base_xml()) == []


@pytest.mark.parametrize("mutator", [_xml_param(c) for c in XML_CASES])
def test_xsd_and_reader_agree(mutator: Mutator) -> None:
    """XSD-valid exactly when the reader reports no X/S issue."""
    doc = _mutant(mutator)
    xsd_valid = _xsd().is_valid(doc)
    codes = reader_codes(doc)
    ours_valid = not (set(codes) & SCHEMA_CODES)
    assert xsd_valid == ours_valid, (
        f"xsd {'accepts' if xsd_valid else 'rejects'}, reader reports {codes}"
    )


# -- JSON Schemas ----------------------------------------------------------------------------


def test_shipped_json_schemas_are_generated() -> None:
    """``xsd/*.schema.json`` equal ``resv-edi schema --type json`` output byte for byte."""
    generated = json_schema_files()
    shipped = {p.name: p.read_bytes() for p in XSD_DIR.glob("*.schema.json")}
    assert sorted(shipped) == sorted(generated)
    for name, content in generated.items():
        assert shipped[name] == content, f"{name} is stale: run resv-edi schema --type json -o xsd/"


@cache
def _json_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((XSD_DIR / "declaratie.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@cache
def base_json() -> dict[str, Any]:
    """The base message as a JSON object, from the library's writer."""
    out = io.BytesIO()
    get_format("json").writer(base_records(), out, DECLARATIE)
    return json.loads(out.getvalue())


JsonMutator = Callable[[dict[str, Any]], None]


def _json_value(record: str, key: str, value: Any) -> JsonMutator:
    def mutate(doc: dict[str, Any]) -> None:
        _json_record(doc, record)[key] = value

    return mutate


def _json_drop(record: str, key: str) -> JsonMutator:
    def mutate(doc: dict[str, Any]) -> None:
        del _json_record(doc, record)[key]

    return mutate


def _json_record(doc: dict[str, Any], record: str) -> dict[str, Any]:
    body = doc["Declaratiebericht"]
    return body["Prestaties"][0] if record == "Prestatie" else body[record]


def json_corpus() -> Iterator[tuple[str, JsonMutator]]:
    """(id, mutator) over the JSON form of the base message."""
    yield "base", lambda d: None
    line = _json_record(base_json(), "Prestatie")
    for key, value in line.items():
        if isinstance(value, int):
            variants: dict[str, Any] = {
                "as_string": str(value),
                "float": float(value),
                "float_fraction": value + 0.5,
                "negative": -1,
                "huge": 10**20,
                "boolean": True,
                "null": None,
            }
        else:
            variants = {
                "empty": "",
                "trailing_space": value + " ",
                "number": 1,
                "euro_sign": value + "€",
                "latin1_e_acute": value + "é",
                "null": None,
                "list": [value],
            }
            if key in ("Begindatum", "Einddatum"):
                variants |= {
                    "feb_30": "2027-02-30",
                    "zone_z": value + "Z",
                    "datetime": value + "T00:00:00",
                }
        for label, new in variants.items():
            yield f"Prestatie.{key}.{label}", _json_value("Prestatie", key, new)
        yield f"Prestatie.{key}.missing", _json_drop("Prestatie", key)
    yield "Prestatie.unknown_field", _json_value("Prestatie", "Extra", "x")
    yield "Header.both_receivers", _json_value("Header", "OntvangerAgb", "01234567")
    yield "Header.neither_receiver", _json_drop("Header", "OntvangerUzovi")
    yield "Header.Dagtekening.feb_30", _json_value("Header", "Dagtekening", "2027-02-30")
    yield "Header.BerichtVersie.as_string", _json_value("Header", "BerichtVersie", "1")
    yield "Totalen.TotaalBedrag.float", _json_value("Totalen", "TotaalBedrag", 1.0)
    yield "Totalen.missing", lambda d: d["Declaratiebericht"].pop("Totalen")
    yield "Prestaties.empty", lambda d: d["Declaratiebericht"].update(Prestaties=[])


JSON_CASES = list(json_corpus())


def _json_param(case: tuple[str, JsonMutator]) -> Any:
    name, mutator = case
    reason = JSON_DISAGREEMENTS.get(name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(mutator, id=name, marks=marks)


@pytest.mark.parametrize("mutator", [_json_param(c) for c in JSON_CASES])
def test_json_schema_and_reader_agree(mutator: JsonMutator) -> None:
    """JSON-Schema-valid exactly when ``read_json`` reports no S/J issue."""
    doc = copy.deepcopy(base_json())
    mutator(doc)
    schema_valid = _json_validator().is_valid(doc)
    raw = json.dumps(doc, ensure_ascii=False).encode()
    # the reader's issues and X005 (no line at all), which the rule engine reports at the end
    codes = [i.code for i in RuleEngine(DECLARATIE).run(read_json(io.BytesIO(raw)))]
    ours_valid = not (set(codes) & JSON_CODES)
    assert schema_valid == ours_valid, (
        f"schema {'accepts' if schema_valid else 'rejects'}, reader reports {codes}"
    )
