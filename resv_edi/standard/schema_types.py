"""Which basisschema type each element of a message XSD has, read from the shipped XSDs.

The JSON Schemas name their enumeration types after these (``LDT_DebetCredit`` ->
``DebetCredit``) and take their descriptions from the same documentation as the XSDs.
"""

from __future__ import annotations

from functools import cache

from lxml import etree

from resv_edi.standard.paths import xsd_dir

_XS = "{http://www.w3.org/2001/XMLSchema}"


def _parse(name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(xsd_dir() / name), parser).getroot()


@cache
def element_types(message: str) -> dict[tuple[str, str], str]:
    """(complex type, element) -> local name of the element's named type in
    ``xsd/<message>.xsd``; for an element restricted to one value, the type it restricts."""
    out: dict[tuple[str, str], str] = {}
    for ctype in _parse(f"{message}.xsd").iter(f"{_XS}complexType"):
        for el in ctype.iter(f"{_XS}element"):
            named = el.get("type") or el.find(f"{_XS}simpleType/{_XS}restriction").get("base", "")
            out[(ctype.get("name", ""), el.get("name", ""))] = named.split(":")[-1]
    return out


@cache
def enumerations() -> dict[str, tuple[str, ...]]:
    """Simple type -> its enumeration values, for the enumeration types of the basisschema."""
    out: dict[str, tuple[str, ...]] = {}
    for stype in _parse("basisschema.xsd").iter(f"{_XS}simpleType"):
        values = tuple(e.get("value", "") for e in stype.iter(f"{_XS}enumeration"))
        if values:
            out[stype.get("name", "")] = values
    return out
