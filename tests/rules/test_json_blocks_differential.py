"""The block path for JSON documents (rules/json_blocks.py) gives exactly the issues of the
exact path (``pipeline.validate``: ijson reader, model and rule engine line by line), in the
same order, with the same codes, places and texts: on every JSON fixture, conformance scenario
and fuzz corpus file, on mutated documents (each kind of issue the exact reader can report for
a line or a document, the guard's refusals in documents longer than one read, texts holding
``}``, ``},`` and ``":``) and on generated mixtures, at block sizes that cut the lines in many
places."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_rows import rows_added

import resv_edi.rules.json_blocks as blocks
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.model.messages import DECLARATIE, RETOUR
from resv_edi.pipeline import check_file, validate
from resv_edi.rules.json_blocks import JsonCheck

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    {
        *ROOT.glob("fixtures/*/*.json"),
        *ROOT.glob("fuzz/corpus/*.json"),
        *ROOT.glob("conformance/**/*.json"),
    }
)


def _same(
    path: Path, block: int, monkeypatch: pytest.MonkeyPatch, gather: int = 1, **kw: Any
) -> list[Any]:
    """Both paths agree; lines are cut after every read of the guard (``gather`` bytes)."""
    monkeypatch.setattr(blocks, "BLOCK", block)
    monkeypatch.setattr(blocks, "SMALL", min(block, 2))
    monkeypatch.setattr(blocks, "DENSE", 2 * block)
    monkeypatch.setattr(blocks, "GATHER", gather)
    exact = list(validate(path, "json", **kw))
    checked = JsonCheck(path, kw.get("kind"), kw.get("limits", Limits()))
    assert list(checked) == exact
    return exact


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize("block", [2048, 3])
def test_corpus(path: Path, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(path, block, monkeypatch)


def _document(n: int = 24, seed: int = 7) -> dict[str, Any]:
    from io import BytesIO

    out = BytesIO()
    get_format("json").writer(generate_declaration(n, seed=seed), out, DECLARATIE)
    return json.loads(out.getvalue())


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _write(doc: dict[str, Any], lines: list[bytes], path: Path, sep: bytes = b",\n") -> Path:
    body = doc["Declaratiebericht"]
    path.write_bytes(
        b'{"Declaratiebericht": {\n"Header": '
        + _compact(body["Header"])
        + b',\n"Prestaties": [\n'
        + sep.join(lines)
        + b'\n],\n"Totalen": '
        + _compact(body["Totalen"])
        + b"\n}}\n"
    )
    return path


Mutation = Callable[[dict[str, Any], list[dict[str, Any]]], bytes]


def _field(name: str, value: Any) -> Mutation:
    def mutate(line: dict[str, Any], lines: list[dict[str, Any]]) -> bytes:
        return _compact(dict(line, **{name: value}))

    return mutate


def _drop(name: str) -> Mutation:
    def mutate(line: dict[str, Any], lines: list[dict[str, Any]]) -> bytes:
        return _compact({k: v for k, v in line.items() if k != name})

    return mutate


def _raw(text: bytes | Callable[[bytes], bytes]) -> Mutation:
    def mutate(line: dict[str, Any], lines: list[dict[str, Any]]) -> bytes:
        return text(_compact(line)) if callable(text) else text

    return mutate


def _credit_of_first(amount: int | None = None) -> Mutation:
    def mutate(line: dict[str, Any], lines: list[dict[str, Any]]) -> bytes:
        first = lines[0]
        credit = dict(first, DebetCredit="C", VorigReferentienummer=first["Referentienummer"])
        credit["Referentienummer"] = line["Referentienummer"]
        if amount is not None:
            credit["Bedrag"] = amount
        return _compact(credit)

    return mutate


MUTATIONS: dict[str, Mutation] = {
    "amount_text": _field("Bedrag", "12"),
    "amount_float": _field("Bedrag", 12.0),
    "amount_fraction": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedrag":1.5,"X":', 1)),
    "amount_exponent": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedrag":1e999,"X":', 1)),
    "amount_bool": _field("Bedrag", True),
    "amount_negative": _field("Bedrag", -1),
    "amount_wide": _field("Bedrag", 10**13),
    "amount_huge": _field("Bedrag", 10**30),
    "amount_long_digits": _field("Bedrag", int("9" * 4200)),
    "vat_above_amount": _field("BtwBedrag", 10**9),
    "vat_null": _field("BtwBedrag", None),
    "date_impossible": _field("Begindatum", "2027-02-30"),
    "end_before_begin": _field("Einddatum", "2027-01-01"),
    "outside_period": _field("Einddatum", "2030-01-31"),
    "code_unknown": _field("Prestatiecode", "XXXXXX"),
    "hoofdtaak_bad": _field("Hoofdtaak", "9"),
    "soort_2_no_parties": _field("Prestatiesoort", "2"),
    "insurer_other": _field("Zorgverzekeraar", "9999"),
    "region_unknown": _field("Werkgebied", "ZZZZ"),
    "region_other": _field("Werkgebied", "W001"),
    "bsn_in_text": _field("Omschrijving", "client 111222333 gezien"),
    "bsn_grouped": _field("Toelichting", "nummer 1112.22.333"),
    "nine_digits_no_bsn": _field("Omschrijving", "ordernummer 123456789"),
    "bsn_in_reference": _field("Referentienummer", "111222333"),
    "text_control_char": _field("Omschrijving", "a\tb"),
    "text_raw_tab": _raw(lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"a\tb', 1)),
    "text_too_long": _field("Omschrijving", "x" * 101),
    "text_past_field_limit": _field("Omschrijving", "x" * 5000),
    "text_brace": _field("Omschrijving", "a} b"),
    "text_brace_comma": _field("Omschrijving", "a},{b"),
    "text_brace_bracket": _field("Omschrijving", "a}]"),
    "text_colon": _raw(lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"a\\":', 1)),
    "text_accents": _field("Omschrijving", "café één"),
    "text_escaped_accent": _raw(
        lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"caf\\u00e9 ', 1)
    ),
    "text_lone_surrogate": _raw(
        lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"\\ud800', 1)
    ),
    "text_pair_surrogate": _raw(
        lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"\\ud83d\\ude00', 1)
    ),
    "text_bad_utf8": _raw(lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"\xff', 1)),
    "required_null": _field("Prestatiesoort", None),
    "nested_value": _field("Bedrag", {"x": 1}),
    "nested_deep": _field("Bedrag", json.loads("[" * 40 + "]" * 40)),
    "nested_100000": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedrag":' + b'{"a":' * 100_000, 1)),
    "list_value": _field("Omschrijving", ["a", "b"]),
    "unknown_key": _field("Foo", "bar"),
    "missing_soort": _drop("Prestatiesoort"),
    "missing_amount": _drop("Bedrag"),
    "duplicate_key": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedrag":1,"Bedrag":', 1)),
    "escaped_duplicate": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedr\\u0061g":1,"Bedrag":', 1)),
    "space_before_colon": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedrag" :', 1)),
    "duplicate_with_colon": _raw(
        lambda b: b.replace(b'"Bedrag":', b'"Omschrijving":"a:b","Bedrag":', 1)
    ),
    "duplicate_and_space_before_colon": _raw(
        lambda b: b.replace(b'"Bedrag":', b'"Bedrag":1,"Bedrag" :', 1)
    ),
    "duplicate_pretty": _raw(
        lambda b: (
            json.dumps(json.loads(b), indent=2)
            .encode()
            .replace(b'"Bedrag":', b'"Bedrag": 1, "Bedrag" :', 1)
        )
    ),
    "amount_zero": _field("Bedrag", 0),
    "amount_empty": _field("Bedrag", ""),
    "amount_above_max": _field("Bedrag", 10**15),
    "vat_zero": _field("BtwBedrag", 0),
    "vat_empty": _field("BtwBedrag", ""),
    "vat_text": _field("BtwBedrag", "5"),
    "pretty": _raw(lambda b: json.dumps(json.loads(b), indent=2).encode()),
    "broken_json": _raw(lambda b: b[:-3]),
    "missing_comma": _raw(lambda b: b + b" " + b),
    "trailing_comma": _raw(lambda b: b + b","),
    "empty_element": _raw(b""),
    "not_an_object": _raw(b"[1,2]"),
    "number_element": _raw(b"12"),
    "null_element": _raw(b"null"),
    "empty_object": _raw(b"{}"),
    "duplicate_reference": lambda line, lines: _compact(lines[0]),
    "credit": _credit_of_first(),
    "credit_too_big": _credit_of_first(10**10),
    "previous_on_debit": _field("VorigReferentienummer", "NOPE"),
    "long_white_space": _raw(lambda b: b + b" " * 70_000),
    "long_digits_between": _raw(
        lambda b: b.replace(b'"Bedrag":', b'"Bedrag":' + b"1" * 5000 + b',"X":', 1)
    ),
    # runs the byte guard still scans for (a window without a quote) but does not refuse
    "white_space_4000": _raw(lambda b: b + b" \n" * 2000),
    "digits_4000": _raw(
        lambda b: b.replace(b'"Bedrag":', b'"Bedrag":' + b"7" * 4000 + b',"X":', 1)
    ),
    "escaped_quotes": _field("Omschrijving", 'a "b" ' * 12),
    "escaped_quotes_long": _field("Toelichting", '"' * 3000),
    "escaped_backslashes": _field("Omschrijving", "a\\" * 30 + '"'),
}

#: mutations the exact path accepts (both paths must still agree)
HARMLESS = {
    "vat_null",
    "nine_digits_no_bsn",
    "text_colon",
    "text_brace",
    "text_brace_comma",
    "text_brace_bracket",
    "text_accents",
    "text_escaped_accent",
    "text_pair_surrogate",
    "previous_on_debit",
    "region_other",
    "space_before_colon",
    "pretty",
    "long_white_space",
    "white_space_4000",
    "escaped_backslashes",
    "amount_zero",
    "vat_zero",
}


def _mutated(
    tmp_path: Path, changes: dict[int, str], name: str = "m", n: int = 24, sep: bytes = b",\n"
) -> Path:
    doc = _document(n)
    lines = doc["Declaratiebericht"]["Prestaties"]
    raw = [_compact(line) for line in lines]
    for at, mutation in sorted(changes.items()):
        raw[at] = MUTATIONS[mutation](lines[at], lines)
    return _write(doc, raw, tmp_path / f"{name}.json", sep)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutations(mutation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, {9: mutation})
    found = _same(path, 4, monkeypatch)
    if mutation not in HARMLESS:
        assert found, "the mutation should break something"
    _same(path, 2048, monkeypatch)


@pytest.mark.parametrize(
    "mutation",
    [
        "long_white_space",
        "long_digits_between",
        "duplicate_key",
        "white_space_4000",
        "digits_4000",
        "escaped_quotes_long",
        "text_lone_surrogate",
        "text_pair_surrogate",
    ],
)
@pytest.mark.parametrize("at", [30, 160, 300])
def test_longer_than_one_read(
    mutation: str, at: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents of several reads (400 lines, ~150 kB): a refusal of the guard in a later
    read, after lines that were already handed out as clean."""
    path = _mutated(tmp_path, {at: mutation}, n=400)
    _same(path, 16, monkeypatch)
    _same(path, 2048, monkeypatch, gather=1 << 18)


def _text_change(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        path.write_bytes(change(path.read_bytes()))

    apply.__name__ = name
    return apply


DOCUMENT_CHANGES = [
    _text_change("truncated_in_lines", lambda b: b[: len(b) // 2]),
    _text_change("truncated_in_totals", lambda b: b[:-8]),
    _text_change("truncated_in_header", lambda b: b[:60]),
    _text_change("bom", lambda b: b"\xef\xbb\xbf" + b),
    _text_change("compact", lambda b: _compact(json.loads(b))),
    _text_change("pretty", lambda b: json.dumps(json.loads(b), indent=2).encode()),
    _text_change("trailing_garbage", lambda b: b + b"x"),
    _text_change("second_document", lambda b: b + b),
    _text_change("empty", lambda b: b""),
    _text_change("white_space_only", lambda b: b"  \n "),
    _text_change("not_an_object", lambda b: b"[" + b + b"]"),
    _text_change("no_lines", lambda b: b[: b.index(b"[") + 1] + b[b.rindex(b"]") :]),
    _text_change(
        "lines_not_an_array",
        lambda b: b.replace(b'"Prestaties": [', b'"Prestaties": {"a":[', 1).replace(
            b"\n],", b"\n]},", 1
        ),
    ),
    _text_change("totals_first", lambda b: b.replace(b'"Header"', b'"Totalen":{},"Header"', 1)),
    _text_change("unknown_top_key", lambda b: b.replace(b'"Prestaties"', b'"X":1,"Prestaties"', 1)),
    _text_change("no_totals", lambda b: b[: b.rindex(b"]") + 1] + b"}}"),
    _text_change("extra_after_totals", lambda b: b[: b.rindex(b"}}")] + b',"X":1}}'),
    _text_change("retour_root", lambda b: b.replace(b"Declaratiebericht", b"Retourbericht", 1)),
    _text_change("other_root", lambda b: b.replace(b"Declaratiebericht", b"Iets", 1)),
    _text_change(
        "header_nested", lambda b: b.replace(b'"Header": {', b'"Header": {"X":{"a":1},', 1)
    ),
    _text_change("header_refused", lambda b: b.replace(b'"Afzender":"', b'"Afzender":"1', 1)),
    _text_change(
        "header_duplicate", lambda b: b.replace(b'"Valuta":', b'"Valuta":"EUR","Valuta":', 1)
    ),
    _text_change("tabs_around", lambda b: b.replace(b",\n", b" \t,\r\n\t")),
]


@pytest.mark.parametrize("change", DOCUMENT_CHANGES, ids=lambda c: c.__name__)
def test_document_changes(
    change: Callable[[Path], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _mutated(tmp_path, {})
    change(path)
    _same(path, 4, monkeypatch)
    _same(path, 2048, monkeypatch)


def test_limits_and_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, {})
    _same(path, 5, monkeypatch, limits=Limits(max_records=10))
    _same(path, 5, monkeypatch, limits=Limits(max_records=24))
    _same(path, 5, monkeypatch, limits=Limits(max_field_length=12))
    _same(path, 5, monkeypatch, limits=Limits(max_depth=1))
    _same(path, 5, monkeypatch, limits=Limits(max_depth=2))
    _same(path, 5, monkeypatch, kind=DECLARATIE)
    _same(path, 5, monkeypatch, kind=RETOUR)


def test_report_counts_match(tmp_path: Path) -> None:
    path = _mutated(tmp_path, {3: "duplicate_reference", 12: "amount_wide"})
    report = check_file(path)
    assert report.lines == 24 and report.format == "json"
    assert [i.code for i in report.issues] == [i.code for i in validate(path, "json")]


def test_clean_lines_take_the_block_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid document is checked by blocks (no line through the exact record step)."""
    path = _mutated(tmp_path, {}, n=40)
    calls: list[str] = []
    record = JsonCheck._record

    def spy(self: JsonCheck, raw: bytes, part: Any, pointer: str, index: int) -> Any:
        calls.append(part)
        return record(self, raw, part, pointer, index)

    monkeypatch.setattr(JsonCheck, "_record", spy)
    assert _same(path, 8, monkeypatch) == []
    assert calls == ["header", "totals"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(st.integers(0, 23), st.sampled_from(sorted(MUTATIONS)), max_size=4),
    block=st.integers(1, 9),
    sep=st.sampled_from([b",\n", b",", b" , "]),
)
def test_generated(
    changes: dict[int, str],
    block: int,
    sep: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _mutated(tmp_path, changes, name="g", sep=sep)
    _same(path, block, monkeypatch)


def test_reference_rows_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean lines give the reference index exactly the rows the exact path gives it."""
    path = _mutated(tmp_path, {5: "credit", 9: "bsn_in_text"})
    monkeypatch.setattr(blocks, "BLOCK", 4)
    exact = rows_added(monkeypatch, lambda: list(validate(path, "json")))
    assert rows_added(monkeypatch, lambda: list(JsonCheck(path, None))) == exact
    assert len(exact) == 24


@pytest.mark.parametrize(("bad", "most"), [({120: "bsn_in_text"}, 2), ({5: "code_unknown"}, 2)])
def test_doubtful_lines_are_narrowed(
    bad: dict[int, str], most: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A block with one doubtful line is halved until only a few lines (``SMALL``) go
    through the exact record step; the clean halves stay blocks."""
    path = _mutated(tmp_path, bad, n=200)
    lines: list[int] = []
    record = JsonCheck._record

    def spy(self: JsonCheck, raw: bytes, part: Any, pointer: str, index: int) -> Any:
        if part == "line":
            lines.append(index)
        return record(self, raw, part, pointer, index)

    monkeypatch.setattr(JsonCheck, "_record", spy)
    assert _same(path, 64, monkeypatch)
    assert len(lines) <= most and min(bad) + 1 in lines
