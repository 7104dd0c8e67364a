"""Write the annotations of ``xsd/*.xsd`` from the sources of truth of the standard.

In the style of the iStandaarden schemas, every global element, complex type, element of a
sequence, simple type and enumeration value gets a Dutch ``xs:documentation``, and every schema
an ``xs:appinfo`` with standard, message, release and the XSD and basisschema versions with
their minimum and maximum. The message XSDs fix ``BerichtCode``, ``BerichtVersie`` and
``BerichtSubversie``. Sources: ``mappings/documentation.toml`` (texts; enumeration values of a
type with a code list come from ``mappings/codelists/``) and ``mappings/standard.toml``
(versions, message codes). Everything else in the XSDs (structure, types, facets) is written by
hand; this tool only replaces the annotations, the fixed values and the schema version, and
lays the file out in one canonical way.

Usage::

    python tools/annotate_xsd.py            # rewrite xsd/*.xsd
    python tools/annotate_xsd.py --check    # exit 1 if an XSD is out of date

Exit codes: 0 up to date / written, 1 out of date (``--check``), 2 the sources disagree.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from resv_edi.standard.documentation import (  # noqa: E402
    Documentation,
    Text,
    load_documentation,
)
from resv_edi.standard.facts import StandardFacts, facts  # noqa: E402

XSD_DIR = ROOT / "xsd"
XS_NS = "http://www.w3.org/2001/XMLSchema"
XS = "{" + XS_NS + "}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: XSD file -> message name in the documentation (None: the basisschema)
FILES: dict[str, str | None] = {
    "basisschema.xsd": None,
    "declaratie.xsd": "declaratie",
    "retour.xsd": "retour",
}
#: the header elements whose value the message XSD fixes
FIXED = ("BerichtCode", "BerichtVersie", "BerichtSubversie")


class SourceError(Exception):
    """The XSDs and the documentation disagree."""


def release(version: str) -> str:
    """``1.1`` for ``1.1.0``: the release a version belongs to."""
    return ".".join(version.split(".")[:2])


def version_range(version: str) -> tuple[str, str]:
    """The lowest and highest XsdVersie a receiver accepts: any patch of the same release
    (rule R027 compares major.minor; LDT_XsdVersie allows two digits per part)."""
    return f"{release(version)}.0", f"{release(version)}.99"


@dataclass
class _Usage:
    """The documentation keys an XSD used, to report texts that name nothing."""

    types: set[str] = field(default_factory=set)
    complex_types: set[tuple[str, str]] = field(default_factory=set)
    elements: set[tuple[str, str, str]] = field(default_factory=set)


def _annotation(text: Text | None, appinfo: list[tuple[str, str]] | None = None) -> etree._Element:
    node = etree.Element(XS + "annotation")
    if appinfo:
        info = etree.SubElement(node, XS + "appinfo")
        for qname, value in appinfo:
            etree.SubElement(info, qname).text = value
    if text is not None:
        doc = etree.SubElement(node, XS + "documentation")
        doc.set(XML_LANG, "nl")
        doc.text = text.nl
    return node


def _appinfo(message: str | None, std: StandardFacts) -> list[tuple[str, str]]:
    bs = "{" + std.ns_basis + "}"
    low, high = version_range(std.basisschema_version)
    basis = [
        (bs + "BasisschemaXsdVersie", std.basisschema_version),
        (bs + "BasisschemaXsdMinVersie", low),
        (bs + "BasisschemaXsdMaxVersie", high),
    ]
    head = [(bs + "standaard", "resv")]
    if message is None:
        return [
            *head,
            (bs + "bericht", "basisschema"),
            (bs + "release", release(std.version)),
            *basis,
        ]
    low, high = version_range(std.version)
    return [
        *head,
        (bs + "bericht", message),
        (bs + "release", release(std.version)),
        (bs + "BerichtXsdVersie", std.version),
        (bs + "BerichtXsdMinVersie", low),
        (bs + "BerichtXsdMaxVersie", high),
        *basis,
    ]


def _fixed_values(message: str, std: StandardFacts) -> dict[str, str]:
    msg = std.declaratie if message == "declaratie" else std.retour
    return {
        "BerichtCode": msg.code,
        "BerichtVersie": str(msg.version),
        "BerichtSubversie": str(msg.subversion),
    }


def _fix(element: etree._Element, value: str) -> None:
    """Restrict ``element`` to ``value`` by an anonymous restriction of its named type, as the
    iStandaarden do: a pattern for a code, an inclusive range of one value for a number (so
    that code generators keep the integer type). Not ``fixed="..."``, which lets an empty
    element stand for the value."""
    inner = element.find(XS + "simpleType")
    base = element.get("type") or inner.find(XS + "restriction").get("base", "")
    if inner is not None:
        element.remove(inner)
    element.attrib.pop("type", None)
    element.attrib.pop("fixed", None)
    simple = etree.SubElement(element, XS + "simpleType")
    restriction = etree.SubElement(simple, XS + "restriction", base=base)
    if value.isdigit() and base.endswith("LDT_Versie"):
        etree.SubElement(restriction, XS + "minInclusive", value=value)
        etree.SubElement(restriction, XS + "maxInclusive", value=value)
    else:
        etree.SubElement(restriction, XS + "pattern", value=re.escape(value))


def _annotate_message(
    root: etree._Element, message: str, doc: Documentation, std: StandardFacts, used: _Usage
) -> list[str]:
    problems: list[str] = []
    types = doc.complex_types.get(message, {})
    for node in root.findall(XS + "element"):
        node.insert(0, _annotation(doc.roots[message]))
    for ctype in root.findall(XS + "complexType"):
        name = ctype.get("name", "")
        if name not in types:
            problems.append(f"{message}.{name}: no text for the complex type")
            continue
        used.complex_types.add((message, name))
        ctype.insert(0, _annotation(types[name].text))
        for el in ctype.iter(XS + "element"):
            el_name = el.get("name", "")
            text = types[name].elements.get(el_name)
            if text is None:
                problems.append(f"{message}.{name}.{el_name}: no text for the element")
                continue
            used.elements.add((message, name, el_name))
            if name == "Header" and el_name in FIXED:
                _fix(el, _fixed_values(message, std)[el_name])
            el.insert(0, _annotation(text))
    return problems


def _annotate_types(root: etree._Element, doc: Documentation, used: _Usage) -> list[str]:
    problems: list[str] = []
    for stype in root.findall(XS + "simpleType"):
        name = stype.get("name", "")
        entry = doc.types.get(name)
        if entry is None:
            problems.append(f"types.{name}: no text for the simple type")
            continue
        used.types.add(name)
        stype.insert(0, _annotation(entry.text))
        values = [e.get("value", "") for e in stype.iter(XS + "enumeration")]
        for enum in stype.iter(XS + "enumeration"):
            value = enum.get("value", "")
            if value not in entry.values:
                problems.append(f"types.{name}: no text for the value {value!r}")
                continue
            enum.insert(0, _annotation(entry.values[value]))
        extra = sorted(set(entry.values) - set(values))
        if extra:
            problems.append(f"types.{name}: texts for values the XSD does not have: {extra}")
    return problems


def _unused(doc: Documentation, used: _Usage) -> list[str]:
    problems = [
        f"types.{n}: described, but no such simple type" for n in doc.types if n not in used.types
    ]
    for message, types in doc.complex_types.items():
        for name, ctype in types.items():
            if (message, name) not in used.complex_types:
                problems.append(f"{message}.{name}: described, but no such complex type")
                continue
            problems += [
                f"{message}.{name}.{el}: described, but no such element"
                for el in ctype.elements
                if (message, name, el) not in used.elements
            ]
    return problems


_VALUE_ATTR = re.compile(r'(value|fixed)="([^"]*)"')


def _escape_attr(match: re.Match[str]) -> str:
    """Characters outside printable ASCII in a facet value as character references."""
    value = "".join(c if 0x20 <= ord(c) < 0x7F else f"&#x{ord(c):X};" for c in match.group(2))
    return f'{match.group(1)}="{value}"'


def _schema_tag(text: str) -> str:
    """The ``xs:schema`` start tag with one attribute per line."""
    end = text.index(">")
    head, *attributes = re.findall(r'[^\s=]+(?:="[^"]*")?', text[:end])
    indent = "\n" + " " * (len(head) + 1)
    return f"{head} {indent.join(attributes)}{text[end:]}"


def render(
    path: Path, message: str | None, doc: Documentation, std: StandardFacts, used: _Usage
) -> str:
    """The annotated text of the XSD at ``path``."""
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    tree = etree.parse(str(path), parser)
    root = tree.getroot()
    for old in list(root.iter(XS + "annotation")):
        old.getparent().remove(old)
    if message is None:
        problems = _annotate_types(root, doc, used)
        root.set("version", std.basisschema_version)
    else:
        problems = _annotate_message(root, message, doc, std, used)
        root.set("version", std.version)
    if problems:
        raise SourceError(f"{path.name}:\n  " + "\n  ".join(problems))
    imports = root.findall(XS + "import")
    position = root.index(imports[-1]) + 1 if imports else 0
    root.insert(position, _annotation(None, _appinfo(message, std)))
    etree.indent(root, space="  ")
    parts = [
        etree.tostring(n, encoding="unicode")
        for n in reversed(list(root.itersiblings(preceding=True)))
    ]
    parts.append(
        _schema_tag(_VALUE_ATTR.sub(_escape_attr, etree.tostring(root, encoding="unicode")))
    )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(parts) + "\n"


def render_all(xsd_dir: Path, doc: Documentation, std: StandardFacts) -> dict[Path, str]:
    """Every annotated XSD by path; fails when a text is missing or names nothing."""
    used = _Usage()
    out = {
        xsd_dir / name: render(xsd_dir / name, message, doc, std, used)
        for name, message in FILES.items()
    }
    if problems := _unused(doc, used):
        raise SourceError("mappings/documentation.toml:\n  " + "\n  ".join(problems))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if an XSD is out of date")
    parser.add_argument("--xsd-dir", type=Path, default=XSD_DIR)
    parser.add_argument("--documentation", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        doc = load_documentation(args.documentation)
        files = render_all(args.xsd_dir, doc, facts())
    except (SourceError, ValueError, OSError, etree.XMLSyntaxError) as exc:
        print(f"annotate_xsd: {exc}", file=sys.stderr)
        return 2
    stale = [p for p, text in files.items() if p.read_text(encoding="utf-8") != text]
    if args.check:
        if stale:
            print(f"out of date: {', '.join(p.name for p in stale)}", file=sys.stderr)
            print("run: python tools/annotate_xsd.py", file=sys.stderr)
            return 1
        return 0
    for path in stale:
        tmp = path.with_suffix(".xsd.part")
        tmp.write_text(files[path], encoding="utf-8")
        tmp.replace(path)
        print(f"{path}: rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
