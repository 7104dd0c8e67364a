"""Regenerate the tables of ``docs/standard.md`` from the sources of truth of the standard.

Each table sits between ``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->``;
only the text between the markers is rewritten, the prose around it is left untouched.

Sources: the pydantic models (element order, optionality), the XSDs (types, occurrences),
``mappings/documentation.toml`` (Dutch and English descriptions), ``mappings/standard.toml``,
``mappings/codelists/*.toml`` and ``mappings/rules/catalogue.toml`` (with the rule registry for
where each rule is checked). The generator refuses to write when model and XSD disagree, when
an element has no description or when a description names an element that does not exist.

Usage::

    python tools/gen_standard_doc.py            # rewrite docs/standard.md
    python tools/gen_standard_doc.py --check    # exit 1 if docs/standard.md is out of date

Exit codes: 0 up to date / written, 1 out of date (``--check``), 2 the sources are inconsistent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from resv_edi.model.base import Record  # noqa: E402
from resv_edi.model.declaratie import Header, Prestatie, Totalen  # noqa: E402
from resv_edi.model.retour import RetourHeader, RetourPrestatie, RetourTotalen  # noqa: E402
from resv_edi.standard.documentation import Documentation, load_documentation  # noqa: E402

DOC = ROOT / "docs" / "standard.md"
DESCRIPTIONS = ROOT / "mappings" / "documentation.toml"
MAPPINGS = ROOT / "mappings"
XSD_DIR = ROOT / "xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"

#: code lists in the order the document presents them; any other list follows alphabetically
CODELIST_ORDER = ("prestatiesoorten", "hoofdtaken", "prestatiecodes", "retourcodes")

MARKER = re.compile(
    r"(?P<begin><!-- BEGIN generated:(?P<name>[A-Za-z0-9_.-]+) -->)"
    r"(?P<body>.*?)"
    r"(?P<end><!-- END generated:(?P=name) -->)",
    re.DOTALL,
)
ANY_MARKER = re.compile(r"<!-- (BEGIN|END) generated:([A-Za-z0-9_.-]+) -->")


class SourceError(Exception):
    """The sources of truth disagree, or the document's markers are broken."""


# -- reading the XSDs ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XsdElement:
    """One element of an ``xs:sequence`` (possibly inside an ``xs:choice``)."""

    name: str
    type: str
    min_occurs: int
    max_occurs: str  # a number or "unbounded"
    choice: tuple[str, ...] = ()  # the names of all alternatives when inside an xs:choice


def _local(qname: str) -> str:
    return qname.split(":", 1)[-1]


def xsd_sequence(xsd: Path, complex_type: str) -> list[XsdElement]:
    """The elements of ``complex_type`` in ``xsd`` in sequence order, choices flattened."""
    tree = etree.parse(str(xsd))
    found = tree.getroot().find(f"{XS}complexType[@name='{complex_type}']")
    if found is None:
        raise SourceError(f"{xsd.name}: no complexType {complex_type}")
    sequence = found.find(f"{XS}sequence")
    if sequence is None:
        raise SourceError(f"{xsd.name}: complexType {complex_type} has no sequence")
    elements: list[XsdElement] = []
    for child in sequence:
        if child.tag == f"{XS}element":
            elements.append(_element(child))
        elif child.tag == f"{XS}choice":
            options = [c for c in child if c.tag == f"{XS}element"]
            names = tuple(c.get("name", "") for c in options)
            low = int(child.get("minOccurs", "1"))
            for option in options:
                el = _element(option)
                elements.append(
                    XsdElement(el.name, el.type, min(low, el.min_occurs), el.max_occurs, names)
                )
        elif isinstance(child.tag, str) and child.tag != f"{XS}annotation":
            raise SourceError(f"{xsd.name}: {complex_type}: unsupported {child.tag}")
    return elements


def _element(node: Any) -> XsdElement:
    return XsdElement(
        name=node.get("name", ""),
        type=_element_type(node),
        min_occurs=int(node.get("minOccurs", "1")),
        max_occurs=node.get("maxOccurs", "1"),
    )


def _element_type(node: Any) -> str:
    """The named type of an element; for an element restricted to one value (the fixed
    message code and versions) its base type and that value."""
    if node.get("type"):
        return _local(node.get("type"))
    restriction = node.find(f"{XS}simpleType/{XS}restriction")
    if restriction is None:
        raise SourceError(f"element {node.get('name')} has neither a type nor a restriction")
    values = [f.get("value", "") for f in restriction if isinstance(f.tag, str)]
    fixed = values[0].replace("\\", "") if values else "?"
    return f"{_local(restriction.get('base', ''))} = {fixed}"


@dataclass(frozen=True, slots=True)
class SimpleType:
    name: str
    base: str
    facets: tuple[tuple[str, str], ...]
    documentation: str


def simple_types(xsd: Path) -> list[SimpleType]:
    """The named simple types of ``xsd`` in document order."""
    root = etree.parse(str(xsd)).getroot()
    result: list[SimpleType] = []
    for node in root.iter(f"{XS}simpleType"):
        restriction = node.find(f"{XS}restriction")
        if restriction is None:
            raise SourceError(f"{xsd.name}: {node.get('name')} is not a restriction")
        facets = tuple(
            (etree.QName(f).localname, f.get("value", ""))
            for f in restriction
            if isinstance(f.tag, str)
        )
        doc = node.findtext(f"{XS}annotation/{XS}documentation") or ""
        result.append(
            SimpleType(node.get("name", ""), restriction.get("base", ""), facets, doc.strip())
        )
    return result


# -- the messages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """One record of a message: the model class and the XSD complex type it mirrors."""

    message: str  # "declaratie" | "retour" (section name in mappings/documentation.toml)
    name: str  # Header | Prestatie | Totalen
    model: type[Record]
    xsd: str

    @property
    def block(self) -> str:
        return f"elements-{self.message}-{self.name.lower()}"


RECORDS: tuple[RecordSpec, ...] = (
    RecordSpec("declaratie", "Header", Header, "declaratie.xsd"),
    RecordSpec("declaratie", "Prestatie", Prestatie, "declaratie.xsd"),
    RecordSpec("declaratie", "Totalen", Totalen, "declaratie.xsd"),
    RecordSpec("retour", "Header", RetourHeader, "retour.xsd"),
    RecordSpec("retour", "Prestatie", RetourPrestatie, "retour.xsd"),
    RecordSpec("retour", "Totalen", RetourTotalen, "retour.xsd"),
)


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _code(value: str) -> str:
    """``value`` as inline code; characters outside printable ASCII as XML character refs."""
    shown = "".join(c if 0x20 < ord(c) < 0x7F else f"&#x{ord(c):X};" for c in value)
    return f"`{shown}`"


def _table(head: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    head = list(head)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def load_descriptions(path: Path = DESCRIPTIONS) -> Documentation:
    """The documentation of the messages (``mappings/documentation.toml``)."""
    try:
        return load_documentation(path)
    except ValueError as exc:
        raise SourceError(str(exc)) from exc


def check_descriptions(descriptions: Documentation) -> None:
    """Fail unless every element of a record has exactly one description and every description
    of a record an element (``tools/annotate_xsd.py`` checks the rest of the file)."""
    problems: list[str] = []
    for spec in RECORDS:
        doc = descriptions.complex_types.get(spec.message, {}).get(spec.name)
        texts = doc.elements if doc else {}
        names = spec.model.element_names
        problems += [
            f"{spec.message}.{spec.name}.{n}: no description" for n in names if not texts.get(n)
        ]
        problems += [
            f"{spec.message}.{spec.name}.{n}: described, but no such element"
            for n in texts
            if n not in names
        ]
    if problems:
        raise SourceError("field descriptions:\n  " + "\n  ".join(problems))


def _is_list(model: type[Record], attr: str) -> bool:
    return getattr(model.model_fields[attr].annotation, "__origin__", None) is list


def check_model_against_xsd(spec: RecordSpec, elements: list[XsdElement]) -> None:
    """Fail unless model and XSD agree on element names, order, optionality and repetition."""
    names = list(spec.model.element_names)
    xsd_names = [e.name for e in elements]
    if names != xsd_names:
        raise SourceError(
            f"{spec.message}.{spec.name}: model and {spec.xsd} disagree on the elements:\n"
            f"  model: {names}\n  xsd:   {xsd_names}"
        )
    problems: list[str] = []
    for (attr, field), el in zip(spec.model.model_fields.items(), elements, strict=True):
        optional_in_xsd = el.min_occurs == 0 or bool(el.choice)
        if field.is_required() == optional_in_xsd:
            problems.append(f"{el.name}: required in the model is {field.is_required()}")
        if _is_list(spec.model, attr) != (el.max_occurs != "1"):
            problems.append(f"{el.name}: repetition differs (xsd maxOccurs {el.max_occurs})")
    if problems:
        raise SourceError(f"{spec.message}.{spec.name} vs {spec.xsd}: " + "; ".join(problems))


def _required(el: XsdElement) -> str:
    if el.choice:
        others = " / ".join(n for n in el.choice if n != el.name)
        if el.min_occurs == 0:
            return f"no; choice (at most this or {others})"
        return f"choice (this or {others})"
    return "yes" if el.min_occurs >= 1 else "no"


def render_elements(spec: RecordSpec, descriptions: Documentation) -> str:
    """The element table of one record, the Dutch explanation first."""
    elements = xsd_sequence(XSD_DIR / spec.xsd, spec.name)
    check_model_against_xsd(spec, elements)
    texts = descriptions.element_texts(spec.message, spec.name)
    rows = [
        (
            n,
            f"`{el.name}`",
            el.type,
            _required(el),
            el.max_occurs,
            texts[el.name].nl,
            texts[el.name].en,
        )
        for n, el in enumerate(elements, start=1)
    ]
    head = ("Nr", "Element", "XSD type", "Required", "Max", "Omschrijving", "Description")
    return _table(head, rows)


def render_message_structure() -> str:
    """The root elements of both messages."""
    rows: list[tuple[object, ...]] = []
    for xsd, root in (("declaratie.xsd", "Declaratiebericht"), ("retour.xsd", "Retourbericht")):
        for el in xsd_sequence(XSD_DIR / xsd, "Root"):
            inner = (
                xsd_sequence(XSD_DIR / xsd, "Prestaties")[0] if el.name == "Prestaties" else None
            )
            occurs = f"{inner.min_occurs}..{inner.max_occurs} `Prestatie`" if inner else "1"
            rows.append((f"`{root}`", f"`{el.name}`", occurs))
    return _table(("Message", "Part", "Occurs"), rows)


def render_simple_types(descriptions: Documentation) -> str:
    """The simple types of the basisschema, with their Dutch and English meaning."""
    rows = []
    for st in simple_types(XSD_DIR / "basisschema.xsd"):
        facets: dict[str, list[str]] = {}
        for kind, value in st.facets:
            facets.setdefault(kind, []).append(value)
        shown = []
        for kind, values in facets.items():
            if kind == "enumeration":
                shown.append("enumeration " + ", ".join(_code(v) for v in values))
            else:
                shown.extend(f"{kind} {_code(v)}" for v in values)
        doc = descriptions.types.get(st.name)
        english = doc.text.en if doc else "—"
        rows.append((st.name, _local(st.base), "; ".join(shown), st.documentation or "—", english))
    return _table(("Type", "Base", "Facets", "Betekenis", "Meaning"), rows)


# -- standard facts, code lists, catalogue ---------------------------------------------------


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def render_standard_facts() -> str:
    """Versions, namespaces, message codes, window, widths, free-text fields."""
    raw = _toml(MAPPINGS / "standard.toml")
    decl, ret = raw["messages"]["declaratie"], raw["messages"]["retour"]
    rows = [
        ("Standard", raw["standard"]["name"]),
        ("XsdVersie (version of the schemas)", f"`{raw['standard']['version']}`"),
        ("Version of the basisschema", f"`{raw['standard']['basisschema_version']}`"),
        ("Namespace basisschema", f"`{raw['namespaces']['basisschema']}`"),
        ("Namespace Declaratiebericht", f"`{raw['namespaces']['declaratie']}`"),
        ("Namespace Retourbericht", f"`{raw['namespaces']['retour']}`"),
        (
            "Declaratiebericht: BerichtCode / BerichtVersie / BerichtSubversie",
            f"`{decl['code']}` (provisional) / {decl['version']} / {decl['subversion']}",
        ),
        (
            "Retourbericht: BerichtCode / BerichtVersie / BerichtSubversie",
            f"`{ret['code']}` (provisional) / {ret['version']} / {ret['subversion']}",
        ),
        ("EI form of the messages", f"{decl['ei_standard']} / {ret['ei_standard']}"),
        (
            "Service periods (experiment window)",
            f"{raw['experiment']['first_day']} .. {raw['experiment']['last_day']}",
        ),
        (
            "Amount widths in digits (line / VAT / total)",
            " / ".join(str(raw["amount_digits"][k]) for k in ("line", "vat", "total")),
        ),
        (
            "Free-text fields scanned for a BSN: an error (R016)",
            ", ".join(f"`{f}`" for f in raw["privacy"]["free_text_fields"]),
        ),
        (
            "Identifying fields scanned for a BSN: a warning (R042)",
            ", ".join(f"`{f}`" for f in raw["privacy"]["reference_fields"]),
        ),
        (
            "Elements a credit need not repeat from its debit (R035)",
            ", ".join(f"`{f}`" for f in raw["credits"]["exempt"]),
        ),
        (
            "Supported releases / recognised retired releases (F005)",
            ", ".join(raw["versions"]["supported"])
            + " / "
            + (", ".join(raw["versions"].get("retired", {})) or "none"),
        ),
    ]
    return _table(("Fact", "Value"), rows)


def _codelist_files() -> list[Path]:
    files = {p.stem: p for p in sorted((MAPPINGS / "codelists").glob("*.toml"))}
    ordered = [files.pop(name) for name in CODELIST_ORDER if name in files]
    return ordered + list(files.values())


def _raised_by() -> dict[str, list[str]]:
    raised: dict[str, list[str]] = {}
    for code, entry in _catalogue().items():
        raised.setdefault(entry["return_code"], []).append(code)
    return raised


def render_codelists() -> str:
    """Every code list with its version; provisional lists marked."""
    parts: list[str] = []
    raised = _raised_by()
    for path in _codelist_files():
        if path.stem not in CODELIST_ORDER and not any(
            p.startswith("Further code lists") for p in parts
        ):
            parts.append(
                "Further code lists in `mappings/codelists/`, not referred to by the elements of"
                " the messages:"
            )
        raw = _toml(path)
        meta = raw.get("meta", {})
        name = meta.get("name", path.stem)
        title = f"#### Code list `{name}` (version {meta.get('version', '?')})"
        if meta.get("provisional"):
            title += " — PROVISIONAL"
        lines = [title, ""]
        if meta.get("source"):
            lines += [f"Source: {meta['source']}. File: `mappings/codelists/{path.name}`.", ""]
        else:
            lines += [f"File: `mappings/codelists/{path.name}`.", ""]
        codes = raw.get("code", [])
        extra = [
            k
            for k in dict.fromkeys(k for c in codes for k in c)
            if k not in ("code", "valid_from", "valid_to", "nl", "en")
        ]
        head = [
            "Code",
            *(k.capitalize() for k in extra),
            "Valid from",
            "Valid to",
            "Dutch",
            "English",
        ]
        with_raised = name == "retourcodes"
        if with_raised:
            head.append("Raised by")
        rows = []
        for c in codes:
            row = [f"`{c['code']}`", *(_value(c.get(k, "—")) for k in extra)]
            row += [c["valid_from"], c.get("valid_to", "—"), c.get("nl", ""), c.get("en", "")]
            if with_raised:
                row.append(", ".join(raised.get(c["code"], [])) or "—")
            rows.append(row)
        lines.append(_table(head, rows))
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _value(value: object) -> object:
    """A code list attribute as a table cell: lists joined by commas."""
    return ", ".join(str(v) for v in value) if isinstance(value, list) else value


def render_return_codes() -> str:
    """The return codes of the standard beside Vektis' meaning of every reused COD954 code."""
    own = _toml(MAPPINGS / "codelists" / "retourcodes.toml")
    vektis = _toml(MAPPINGS / "codelists" / "vektis_retourcodes.toml")
    held = {c["code"]: c for c in vektis["code"]}
    first, last = own["meta"]["resv_range"]
    exceptions = set(own["meta"].get("exceptions", ()))
    raised = _raised_by()
    policy = _toml(MAPPINGS / "retour" / "policy.toml")["codes"]
    raised.setdefault(policy["message_rejected"], []).append("retour policy (not assessed)")
    rows = []
    for c in own["code"]:
        code = c["code"]
        if c.get("vektis"):
            basis, meaning = f"Vektis {c['vektis']}", held[code]["nl"]
        elif first <= code <= last:
            basis, meaning = f"RESV range {first}–{last}", "— (not used by Vektis)"
        elif code in exceptions:
            basis, meaning = "iStandaarden (exception)", "— (not in the held part of COD954-VEKT)"
        else:
            raise SourceError(f"return code {code} is neither Vektis nor in the RESV range")
        rows.append(
            (
                f"`{code}`",
                c["level"],
                c["nl"],
                basis,
                meaning,
                ", ".join(f"`{w}`" for w in c.get("was", ())) or "new",
                ", ".join(raised.get(code, [])) or "—",
            )
        )
    head = ("Code", "Level", "Meaning (RESV)", "Basis", "Vektis meaning", "In 1.0", "Raised by")
    files = "`mappings/codelists/retourcodes.toml` and `mappings/codelists/vektis_retourcodes.toml`"
    return f"Return codes version {own['meta']['version']}; files {files}.\n\n" + _table(head, rows)


def _catalogue() -> dict[str, dict[str, Any]]:
    raw = _toml(MAPPINGS / "rules" / "catalogue.toml")
    raw.pop("meta", None)
    return raw


def _checked_on() -> dict[str, str]:
    """Where the rule engine checks each R code: header, line, totals or the whole message."""
    from resv_edi.rules import engine  # noqa: F401  (registers every rule)
    from resv_edi.rules.registry import RULES

    parts: dict[str, list[str]] = {}
    for spec in RULES:
        where = spec.part or "message"
        label = where if spec.kind == "declaratie" else f"{spec.kind} {where}"
        parts.setdefault(spec.code, [])
        if label not in parts[spec.code]:
            parts[spec.code].append(label)
    return {code: ", ".join(labels) for code, labels in parts.items()}


def render_catalogue() -> str:
    """The issue catalogue."""
    raw = _toml(MAPPINGS / "rules" / "catalogue.toml")
    version = raw.get("meta", {}).get("catalogue_version", "?")
    checked = _checked_on()
    rows = [
        (
            f"`{code}`",
            e["kind"],
            e["severity"],
            f"`{e['return_code']}`",
            checked.get(code, "reader" if not code.startswith("R") else "—"),
            e["en"],
            e["nl"],
        )
        for code, e in _catalogue().items()
    ]
    head = ("Code", "Kind", "Severity", "Return code", "Checked on", "English", "Dutch")
    table = _table(head, rows)
    return f"Catalogue version {version}; file `mappings/rules/catalogue.toml`.\n\n{table}"


EI_LAYOUTS = ("RESV901_v1.1.json", "RESV902_v1.1.json", "RESV903_v1.0.json")


def render_ei_layout() -> str:
    """Every record of the EI forms RESV901 (declaratie), RESV902 (retour) and RESV903
    (lump-sum records)."""
    parts = []
    for name in EI_LAYOUTS:
        data = json.loads((MAPPINGS / "ei" / name).read_text(encoding="utf-8"))
        parts.append(
            f"### {data['standard']} v{data['version']}.{data['subversion']}: "
            f"{data['description'].lower()}\n\nMessage code {data['message_code']} "
            f"(provisional), record length {data['record_length']}, file `mappings/ei/{name}`."
        )
        for record in data["records"]:
            rows = [
                (
                    f"`{f['id']}`",
                    f["name"],
                    f"`{f['element']}`" + (f" ({f['index'] + 1})" if "index" in f else "")
                    if f.get("element")
                    else "—",
                    f["type"] + (" (digits or spaces)" if f.get("digits") else ""),
                    str(f["start"]),
                    str(f["length"]),
                )
                for f in record["fields"]
            ]
            head = ("Id", "Name", "Element", "Type", "Start", "Length")
            parts.append(f"**Record {record['type']} {record['name']}**\n\n{_table(head, rows)}")
    return "\n\n".join(parts)


# -- the blocks ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """A generated block: how to render it and the files it needs (skipped if any is missing)."""

    render: Callable[[], str] | None
    sources: tuple[Path, ...] = ()


def blocks(descriptions: Documentation) -> dict[str, Block]:
    """Every block the document must hold, by marker name."""
    result: dict[str, Block] = {
        "standard-facts": Block(render_standard_facts, (MAPPINGS / "standard.toml",)),
        "message-structure": Block(render_message_structure),
    }
    for spec in RECORDS:
        result[spec.block] = Block(
            lambda spec=spec: render_elements(spec, descriptions), (XSD_DIR / spec.xsd,)
        )
    result["simple-types"] = Block(
        lambda: render_simple_types(descriptions), (XSD_DIR / "basisschema.xsd",)
    )
    result["codelists"] = Block(render_codelists)
    result["return-codes"] = Block(
        render_return_codes, (MAPPINGS / "codelists" / "vektis_retourcodes.toml",)
    )
    result["catalogue"] = Block(render_catalogue, (MAPPINGS / "rules" / "catalogue.toml",))
    result["ei-layout"] = Block(render_ei_layout, tuple(MAPPINGS / "ei" / n for n in EI_LAYOUTS))
    return result


def regenerate(text: str, descriptions: Documentation) -> tuple[str, list[str]]:
    """``text`` with every generated block rewritten; also the names of the blocks changed."""
    wanted = blocks(descriptions)
    names = [m.group("name") for m in MARKER.finditer(text)]
    markers = ANY_MARKER.findall(text)
    if len(markers) != 2 * len(names):
        raise SourceError("unbalanced or mismatched generated:… markers in the document")
    if duplicates := sorted({n for n in names if names.count(n) > 1}):
        raise SourceError(f"blocks appear more than once: {duplicates}")
    if unknown := sorted(set(names) - set(wanted)):
        raise SourceError(f"blocks the generator does not know: {unknown}")
    if missing := [n for n in wanted if n not in names]:
        raise SourceError(f"blocks missing from the document: {missing}")
    changed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        block = wanted[name]
        if block.render is None or not all(p.exists() for p in block.sources):
            return match.group(0)
        body = "\n" + block.render().strip("\n") + "\n"
        if body != match.group("body"):
            changed.append(name)
        return match.group("begin") + body + match.group("end")

    return MARKER.sub(replace, text), changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is out of date")
    parser.add_argument("--doc", type=Path, default=DOC, help="the document (docs/standard.md)")
    parser.add_argument("--descriptions", type=Path, default=DESCRIPTIONS)
    args = parser.parse_args(argv)
    try:
        descriptions = load_descriptions(args.descriptions)
        check_descriptions(descriptions)
        text = args.doc.read_text(encoding="utf-8")
        new, changed = regenerate(text, descriptions)
    except (SourceError, OSError, tomllib.TOMLDecodeError) as exc:
        print(f"gen_standard_doc: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if changed:
            print(f"{args.doc} is out of date; blocks: {', '.join(changed)}", file=sys.stderr)
            print("run: python tools/gen_standard_doc.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        args.doc.write_text(new, encoding="utf-8")
        print(f"{args.doc}: rewrote {', '.join(changed)}")
    for name, block in blocks(descriptions).items():
        if block.render is None:
            ready = all(p.exists() for p in block.sources)
            state = "its source exists, but it has no renderer yet" if ready else "no source yet"
            print(f"note: block {name} left as is ({state})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
