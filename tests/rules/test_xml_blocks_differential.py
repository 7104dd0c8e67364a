"""The XML block path (rules/xml_blocks.py with formats/xml/line_scan.py) gives exactly the
issues of the exact path (``pipeline.validate``: reader, model and rule engine line by line), in
the same order, with the same codes, places (line, column, XPath) and texts: on every XML
fixture, conformance scenario and fuzz corpus file, on mutated messages (one mutation per kind
of thing the exact path reads or reports in a line or around it) and on generated mixtures of
them, at block sizes that cut the message in many places."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import resv_edi.formats.xml.line_scan as line_scan
from resv_edi.formats.registry import get_format
from resv_edi.formats.xml.positions import place
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.model.messages import DECLARATIE
from resv_edi.pipeline import check_file, validate
from resv_edi.rules import xml_blocks
from resv_edi.rules.blocks import CleanRun
from resv_edi.rules.xml_blocks import XmlCheck

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    [
        *ROOT.glob("fixtures/*/*.xml"),
        *ROOT.glob("fuzz/corpus/*.xml"),
        *ROOT.glob("conformance/scenarios/*/*.xml"),
    ]
)
NS = DECLARATIE.namespace


def _same(path: Path, block: int, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> list[Any]:
    """Both paths agree on ``path``; the issues, and how many lines were counted clean."""
    monkeypatch.setattr(line_scan, "BLOCK", block)
    monkeypatch.setattr(line_scan, "SMALL", max(1, block // 4))
    exact = list(validate(path, "xml", **kw))
    checked = XmlCheck(path, kw.get("kind"), kw.get("limits", Limits()))
    assert list(checked) == exact
    return exact


def _clean_lines(path: Path, **kw: Any) -> int:
    """Lines the block path counted without reading them exactly."""
    counted = 0
    body = XmlCheck._body

    def spy(self: XmlCheck, fh: Any, name: str) -> Any:
        nonlocal counted
        for item in body(self, fh, name):
            if isinstance(item, CleanRun):
                counted += item.count
            yield item

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(XmlCheck, "_body", spy)
        list(XmlCheck(path, None, **kw))
    return counted


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("block", [2048, 3])
def test_corpus(path: Path, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(path, block, monkeypatch)


def _document(n: int = 24, seed: int = 7) -> tuple[str, list[str], str]:
    """A generated declaratie as (text before the lines, the line elements, text after)."""
    out = BytesIO()
    get_format("xml").writer(generate_declaration(n, seed=seed), out, DECLARATIE)
    text = out.getvalue().decode()
    spans = [m.span() for m in re.finditer(r"<Prestatie>.*?</Prestatie>", text, re.S)]
    lines = [text[a:b] for a, b in spans]
    return text[: spans[0][0]], lines, text[spans[-1][1] :]


def _field(name: str, value: str) -> Callable[[str], str]:
    def mutate(line: str) -> str:
        if f"<{name}>" in line:
            return re.sub(rf"<{name}>.*?</{name}>", lambda _: f"<{name}>{value}</{name}>", line)
        return line.replace("</DebetCredit>", f"</DebetCredit>\n      <{name}>{value}</{name}>")

    return mutate


def _sub(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    return lambda line: line.replace(old, new, count)


def _drop(name: str) -> Callable[[str], str]:
    return lambda line: re.sub(rf"\s*<{name}>.*?</{name}>", "", line)


def _swap(a: str, b: str) -> Callable[[str], str]:
    def mutate(line: str) -> str:
        first = re.search(rf"<{a}>.*?</{a}>", line)
        second = re.search(rf"<{b}>.*?</{b}>", line)
        assert first and second
        x, y = first.group(), second.group()
        return line.replace(x, "\0").replace(y, x).replace("\0", y)

    return mutate


def _reference(line: str) -> str:
    found = re.search(r"<Referentienummer>(.*?)</", line)
    assert found
    return found.group(1)


def _credit_of_first(amount: str | None = None) -> Callable[[str], str]:
    def mutate(line: str) -> str:
        first = LINES[0]
        credit = first.replace("<DebetCredit>D<", "<DebetCredit>C<").replace(
            f"<Referentienummer>{_reference(first)}</Referentienummer>",
            f"<Referentienummer>{_reference(line)}</Referentienummer>"
            f"<VorigReferentienummer>{_reference(first)}</VorigReferentienummer>",
        )
        return _field("Bedrag", amount)(credit) if amount else credit

    return mutate


HEAD, LINES, TAIL = _document()
HEADER = HEAD[HEAD.index("<Header>") : HEAD.index("</Header>") + len("</Header>")]
TOTALS = TAIL[TAIL.index("<Totalen>") : TAIL.index("</Totalen>") + len("</Totalen>")]

MUTATIONS: dict[str, Callable[[str], str]] = {
    "amount_text": _field("Bedrag", "12a"),
    "amount_decimal": _field("Bedrag", "12.50"),
    "amount_negative": _field("Bedrag", "-1"),
    "amount_wide": _field("Bedrag", "10000000000000"),
    "amount_spaces": _field("Bedrag", " 12 "),
    "vat_above_amount": _field("BtwBedrag", "999999999"),
    "vat_empty": _field("BtwBedrag", ""),
    "date_impossible": _field("Begindatum", "2027-02-30"),
    "date_other_form": _field("Begindatum", "01-02-2027"),
    "end_before_begin": _field("Einddatum", "2027-01-01"),
    "outside_period": _field("Einddatum", "2030-01-31"),
    "code_unknown": _field("Prestatiecode", "XXXXXX"),
    "hoofdtaak_bad": _field("Hoofdtaak", "9"),
    "soort_2_no_parties": _field("Prestatiesoort", "2"),
    "insurer_other": _field("Zorgverzekeraar", "9999"),
    "insurer_wlz": _field("Zorgverzekeraar", "9101"),
    "region_unknown": _field("Werkgebied", "ZZZZ"),
    "region_other": _field("Werkgebied", "W001"),
    "sign_bad": _field("DebetCredit", "X"),
    "bsn_in_text": _field("Omschrijving", "client 111222333 gezien"),
    "bsn_grouped": _field("Toelichting", "nummer 1112.22.333"),
    "bsn_by_entity": _field("Omschrijving", "client 111&#50;22333 gezien"),
    "nine_digits_no_bsn": _field("Omschrijving", "ordernummer 123456789"),
    "bsn_in_reference": _field("Referentienummer", "111222333"),
    "text_too_long": _field("Omschrijving", "x" * 101),
    "text_tab": _field("Omschrijving", "a\tb"),
    "text_newline": _field("Omschrijving", "a\nb"),
    "text_cr": _field("Omschrijving", "a\rb"),
    "text_entities": _field("Omschrijving", "O&amp;I &lt;x&gt; &quot;q&quot; &apos;s"),
    "text_char_reference": _field("Omschrijving", "caf&#233; &#x41;"),
    "text_cr_reference": _field("Omschrijving", "a&#13;b"),
    "text_undefined_entity": _field("Omschrijving", "a&foo;b"),
    "text_bare_ampersand": _field("Omschrijving", "a & b"),
    "text_gt": _field("Omschrijving", "a > b"),
    "text_cdata_end": _field("Omschrijving", "a]]>b"),
    "text_non_ascii": _field("Omschrijving", "café ñ € 𝄞"),
    "text_control_char": _field("Omschrijving", "a\x01b"),
    "text_invalid_utf8": _field("Omschrijving", "a\udce9b"),
    "text_nonchar": _field("Omschrijving", "a\ufffeb"),
    "cdata": _field("Omschrijving", "<![CDATA[a <b> & c]]>"),
    "comment_in_field": _field("Omschrijving", "a<!-- c -->b"),
    "comment_inside": _sub("<Prestatie>", "<Prestatie><!-- c -->"),
    "comment_before": lambda line: "<!-- c -->\n    " + line,
    "comment_after": lambda line: line + "<!-- </Prestatie>\n<Prestatie> -->",
    "pi_inside": _sub("<Prestatie>", "<Prestatie><?pi x?>"),
    "attribute": _sub("<Prestatie>", '<Prestatie id="1">'),
    "field_attribute": _sub("<Bedrag>", '<Bedrag x="1">'),
    "xmlns_same": _sub("<Prestatie>", f'<Prestatie xmlns="{NS}">'),
    "xmlns_other": _sub("<Prestatie>", '<Prestatie xmlns="urn:other">'),
    "xmlns_field": _sub("<Bedrag>", '<Bedrag xmlns="urn:other">'),
    "prefixed": lambda line: line.replace("<Prestatie>", f'<r:Prestatie xmlns:r="{NS}">').replace(
        "</Prestatie>", "</r:Prestatie>"
    ),
    "prefix_undeclared": lambda line: line.replace("<Bedrag>", "<q:Bedrag>").replace(
        "</Bedrag>", "</q:Bedrag>"
    ),
    "wrong_order": _swap("Begindatum", "Einddatum"),
    "duplicate_field": lambda line: re.sub(r"(<Bedrag>.*?</Bedrag>)", r"\1\1", line),
    "unknown_element": _sub("</DebetCredit>", "</DebetCredit><Foo>bar</Foo>"),
    "unknown_sibling": lambda line: "<Foo/>\n    " + line,
    "unknown_sibling_after": lambda line: line + "\n    <Foo>x</Foo>",
    "text_in_line": _sub("<Prestatie>", "<Prestatie>junk"),
    "text_after_line": lambda line: line + "junk",
    "text_after_field": _sub("</Bedrag>", "</Bedrag>junk"),
    "nested_field": _field("Bedrag", "<x>1</x>"),
    "empty_field": _field("Omschrijving", ""),
    "self_closing_field": lambda line: re.sub(
        r"<Omschrijving>.*?</Omschrijving>", "<Omschrijving/>", line
    ),
    "self_closing_line": lambda line: "<Prestatie/>",
    "empty_line": lambda line: "<Prestatie>\n    </Prestatie>",
    "missing_soort": _drop("Prestatiesoort"),
    "missing_amount": _drop("Bedrag"),
    "space_in_tags": lambda line: line.replace("<Bedrag>", "<Bedrag >").replace(
        "</Bedrag>", "</Bedrag >"
    ),
    "one_line": lambda line: re.sub(r">\s+<", "><", line),
    "crlf": lambda line: line.replace("\n", "\r\n"),
    "tabs": lambda line: line.replace("  ", "\t"),
    "mismatched_end": _sub("</Bedrag>", "</Bedrog>"),
    "unclosed": _sub("</Bedrag>", ""),
    "doctype_inside": lambda line: "<!DOCTYPE x>" + line,
    "duplicate_reference": lambda line: LINES[0],
    "credit": _credit_of_first(),
    "credit_too_big": _credit_of_first("9999999999"),
    "previous_on_debit": _sub(
        "</Referentienummer>",
        "</Referentienummer><VorigReferentienummer>NOPE</VorigReferentienummer>",
    ),
    "header_again": lambda line: HEADER + line,
    "totals_early": lambda line: f"</Prestaties>{TOTALS}<Prestaties>" + line,
    "second_container": lambda line: "</Prestaties>\n  <Prestaties>\n    " + line,
    "line_in_unknown": lambda line: f"<Foo>{line}</Foo>",
}

#: mutations the exact path accepts (both paths must still agree)
HARMLESS = {
    "vat_empty",
    "nine_digits_no_bsn",
    "region_other",
    "text_newline",
    "text_cr",
    "text_tab",
    "text_entities",
    "text_gt",
    "text_non_ascii",
    "text_char_reference",
    "text_cr_reference",
    "cdata",
    "comment_in_field",
    "comment_inside",
    "comment_before",
    "comment_after",
    "pi_inside",
    "xmlns_same",
    "prefixed",
    "empty_field",
    "self_closing_field",
    "space_in_tags",
    "one_line",
    "crlf",
    "tabs",
    "previous_on_debit",
    "amount_spaces",
    "text_after_line",  # the exact reader drops a line's tail with the line
}


def _write(tmp_path: Path, text: str, name: str = "m") -> Path:
    path = tmp_path / f"{name}.xml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


def _mutated(tmp_path: Path, changes: dict[int, str], name: str = "m") -> Path:
    lines = list(LINES)
    for at, mutation in sorted(changes.items()):
        lines[at] = MUTATIONS[mutation](lines[at])
    return _write(tmp_path, HEAD + "\n    ".join(lines) + TAIL, name)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutations(mutation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, {9: mutation})
    found = _same(path, 4, monkeypatch)
    if mutation not in HARMLESS:
        assert found, "the mutation should break something"
    _same(path, 2048, monkeypatch)
    _same(path, 1, monkeypatch)


DOCUMENTS: dict[str, Callable[[str], str]] = {
    "crlf": lambda doc: doc.replace("\n", "\r\n"),
    "lone_cr": lambda doc: doc.replace("\n", "\r"),
    "minified": lambda doc: re.sub(r">\s+<", "><", doc),
    "lines_on_one_line": lambda doc: re.sub(r"\s*\n\s*(?=<(?!Prestatie>|/Prestaties))", "", doc),
    "tabs": lambda doc: doc.replace("  ", "\t"),
    "bom": lambda doc: "\ufeff" + doc,
    "no_declaration": lambda doc: doc[doc.index("?>") + 2 :].lstrip(),
    "ascii_declared": lambda doc: doc.replace('encoding="UTF-8"', 'encoding="US-ASCII"'),
    "prefixed_root": lambda doc: re.sub(r"<(/?)(\w+)([ >])", r"<\1d:\2\3", doc).replace(
        'xmlns="', 'xmlns:d="'
    ),
    "root_attributes": lambda doc: doc.replace(
        f'xmlns="{NS}"',
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{NS}" xsi:type="x"',
    ),
    "no_namespace": lambda doc: doc.replace(f' xmlns="{NS}"', ""),
    "container_attribute": lambda doc: doc.replace("<Prestaties>", '<Prestaties id="1">'),
    "container_xmlns": lambda doc: doc.replace("<Prestaties>", f'<Prestaties xmlns="{NS}">'),
    "no_header": lambda doc: doc.replace(HEADER, ""),
    "header_after_lines": lambda doc: doc.replace(HEADER, "").replace(
        "</Prestaties>", "</Prestaties>" + HEADER
    ),
    "comment_in_header": lambda doc: doc.replace("<Header>", "<Header><!-- <Prestaties> -->"),
    "cdata_in_header": lambda doc: doc.replace("<Header>", "<Header><![CDATA[<Prestaties>]]>"),
    "truncated_mid_line": lambda doc: doc[: doc.index("<Prestatie>", len(doc) // 2) + 40],
    "truncated_after_line": lambda doc: doc[: doc.index("</Prestatie>", len(doc) // 2) + 12],
    "truncated_in_tag": lambda doc: doc[: doc.index("</Bedrag>", len(doc) // 2) + 4],
    "no_totals": lambda doc: doc.replace(TOTALS, ""),
    "text_after_root": lambda doc: doc + "junk",
    "deep_in_line": lambda doc: doc.replace(
        "<Werkgebied>", "<Werkgebied>" + "<a>" * 300 + "x" + "</a>" * 300, 3
    ),
    "wide_between_lines": lambda doc: doc.replace(
        "</Prestatie>", "</Prestatie><Foo>" + "<x/>" * 25_000 + "</Foo>", 1
    ),
    "doctype": lambda doc: doc.replace("<Declaratiebericht", "<!DOCTYPE x>\n<Declaratiebericht", 1),
}


@pytest.mark.parametrize("change", sorted(DOCUMENTS))
@pytest.mark.parametrize("block", [2048, 5, 1])
def test_documents(
    change: str, block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, DOCUMENTS[change](HEAD + "\n    ".join(LINES) + TAIL))
    _same(path, block, monkeypatch)


def test_limits_and_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, {})
    _same(path, 5, monkeypatch, limits=Limits(max_records=10))
    _same(path, 5, monkeypatch, limits=Limits(max_records=24))
    _same(path, 5, monkeypatch, limits=Limits(max_field_length=30))
    _same(path, 5, monkeypatch, limits=Limits(max_depth=3))
    _same(path, 5, monkeypatch, limits=Limits(max_depth=4))
    _same(path, 5, monkeypatch, kind=DECLARATIE)


def test_clean_lines_skip_the_exact_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The block path is taken: a valid message's lines (all but the first, whose start
    comes with the container's) and most lines around a broken one are counted in runs."""
    monkeypatch.setattr(line_scan, "BLOCK", 4)
    monkeypatch.setattr(line_scan, "SMALL", 1)
    assert _clean_lines(_mutated(tmp_path, {})) == 24
    assert _clean_lines(_mutated(tmp_path, {9: "date_impossible"}, "bad")) == 23
    assert _clean_lines(_mutated(tmp_path, {9: "comment_inside"}, "odd")) >= 22


def test_positions_after_blanked_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error after many clean lines is found at its own line and column."""
    path = _mutated(tmp_path, {20: "mismatched_end"})
    found = _same(path, 4, monkeypatch)
    assert [i.code for i in found] == ["X001"]
    text = path.read_text()
    line = text[: text.index("</Bedrog>")].count("\n") + 1
    assert found[0].location.line == line and found[0].location.column is not None


def test_report_matches_exact_report(tmp_path: Path) -> None:
    """``check_file`` takes the block path for XML and places issues as before."""
    path = _mutated(tmp_path, {3: "duplicate_reference", 12: "amount_wide", 15: "bsn_in_text"})
    report = check_file(path, limits=Limits(max_errors=0))
    assert report.lines == 24 and report.format == "xml"
    assert report.issues == place(list(validate(path, "xml")), str(path))
    assert xml_blocks.XmlCheck is XmlCheck


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(st.integers(0, 23), st.sampled_from(sorted(MUTATIONS)), max_size=4),
    block=st.integers(1, 9),
)
def test_generated(
    changes: dict[int, str], block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _mutated(tmp_path, changes, name="g")
    _same(path, block, monkeypatch)


@pytest.mark.parametrize(
    "change",
    [
        ("<Afzender>", "<Afzender>12"),  # refused: the header is partial, lines go the exact way
        ("<DeclaratieperiodeEinde>2027-12-31", "<DeclaratieperiodeEinde>2027-03-31"),
        ("<Dagtekening>2028-01-15", "<Dagtekening>2027-03-01"),
    ],
    ids=["refused", "short_period", "early_invoice"],
)
def test_header_changes(
    change: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, HEAD.replace(*change) + "\n    ".join(LINES) + TAIL)
    _same(path, 4, monkeypatch)
    _same(path, 2048, monkeypatch)


def test_held_runs_stay_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid file gives the reader no item between header and totals: after HELD_LINES
    clean lines one line is read exactly, so the runs held in memory stay few."""
    monkeypatch.setattr(xml_blocks, "HELD_LINES", 5)
    path = _mutated(tmp_path, {})
    _same(path, 3, monkeypatch)
    held, most = 0, 0
    body = XmlCheck._body

    def spy(self: XmlCheck, fh: Any, name: str) -> Any:
        nonlocal held, most
        for item in body(self, fh, name):
            held = held + item.count if isinstance(item, CleanRun) else 0
            most = max(most, held)
            yield item

    monkeypatch.setattr(XmlCheck, "_body", spy)
    list(XmlCheck(path, None))
    assert 5 <= most <= 5 + 3
    assert 0 < _clean_lines(path) < 24
