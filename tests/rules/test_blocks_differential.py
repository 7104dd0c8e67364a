"""The block path (rules/ndjson_blocks.py) gives exactly the issues of the exact path
(``pipeline.validate``: reader, model and rule engine line by line), in the same order, with
the same codes, places and texts: on every NDJSON fixture and fuzz corpus file, on mutated
messages (one mutation per kind of issue the exact path can report for a line) and on
generated mixtures of them, at block sizes that cut the message in many places."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_rows import rows_added

import resv_edi.rules.ndjson_blocks as blocks
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.model.messages import DECLARATIE
from resv_edi.pipeline import check_file, validate
from resv_edi.rules.ndjson_blocks import NdjsonCheck

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted([*ROOT.glob("fixtures/*/*.ndjson"), *ROOT.glob("fuzz/corpus/*.ndjson")])


def _same(
    path: Path, block: int, monkeypatch: pytest.MonkeyPatch, chunk: int | None = None, **kw: Any
) -> list[Any]:
    monkeypatch.setattr(blocks, "BLOCK", block)
    if chunk is not None:  # chunks of whole Prestatie lines are decoded as one block
        monkeypatch.setattr(blocks, "CHUNK", chunk)
    exact = list(validate(path, "ndjson", **kw))
    checked = NdjsonCheck(path, kw.get("kind"), kw.get("limits", Limits()))
    assert list(checked) == exact
    return exact


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("block", [2048, 3])
def test_corpus(path: Path, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(path, block, monkeypatch)


def _lines(n: int = 24, seed: int = 7) -> list[bytes]:
    from io import BytesIO

    out = BytesIO()
    get_format("ndjson").writer(generate_declaration(n, seed=seed), out, DECLARATIE)
    return out.getvalue().splitlines(keepends=True)


def _field(name: str, value: Any) -> Callable[[dict[str, Any], list[bytes]], bytes]:
    def mutate(line: dict[str, Any], lines: list[bytes]) -> bytes:
        line["Prestatie"][name] = value
        return json.dumps(line, separators=(",", ":")).encode() + b"\n"

    return mutate


def _drop(name: str) -> Callable[[dict[str, Any], list[bytes]], bytes]:
    def mutate(line: dict[str, Any], lines: list[bytes]) -> bytes:
        line["Prestatie"].pop(name, None)
        return json.dumps(line, separators=(",", ":")).encode() + b"\n"

    return mutate


def _raw(text: bytes | Callable[[bytes], bytes]) -> Callable[[dict[str, Any], list[bytes]], bytes]:
    def mutate(line: dict[str, Any], lines: list[bytes]) -> bytes:
        compact = json.dumps(line, separators=(",", ":")).encode()
        return (text(compact) if callable(text) else text) + b"\n"

    return mutate


def _credit_of_first(amount: int | None = None) -> Callable[[dict[str, Any], list[bytes]], bytes]:
    def mutate(line: dict[str, Any], lines: list[bytes]) -> bytes:
        first = json.loads(lines[1])["Prestatie"]
        credit = dict(first, DebetCredit="C", VorigReferentienummer=first["Referentienummer"])
        credit["Referentienummer"] = line["Prestatie"]["Referentienummer"]
        if amount is not None:
            credit["Bedrag"] = amount
        return json.dumps({"Prestatie": credit}, separators=(",", ":")).encode() + b"\n"

    return mutate


def _copy_of_first(line: dict[str, Any], lines: list[bytes]) -> bytes:
    return lines[1]


MUTATIONS: dict[str, Callable[[dict[str, Any], list[bytes]], bytes]] = {
    "amount_text": _field("Bedrag", "12"),
    "amount_float": _field("Bedrag", 12.0),
    "amount_bool": _field("Bedrag", True),
    "amount_negative": _field("Bedrag", -1),
    "amount_wide": _field("Bedrag", 10**13),
    "amount_beyond_64_bits": _field("Bedrag", 2**64),
    "vat_beyond_64_bits": _field("BtwBedrag", -(2**63) - 1),
    "vat_above_amount": _field("BtwBedrag", 10**9),
    "vat_null": _field("BtwBedrag", None),
    "date_impossible": _field("Begindatum", "2027-02-30"),
    "end_before_begin": _field("Einddatum", "2027-01-01"),
    "outside_period": _field("Einddatum", "2030-01-31"),
    "code_unknown": _field("Prestatiecode", "XXXXXX"),
    "hoofdtaak_bad": _field("Hoofdtaak", "9"),
    "soort_2_no_parties": _field("Prestatiesoort", "2"),
    "insurer_other": _field("Zorgverzekeraar", "9999"),
    "insurer_wlz": _field("Zorgverzekeraar", "9101"),
    "region_unknown": _field("Werkgebied", "ZZZZ"),
    "region_other": _field("Werkgebied", "W001"),
    "bsn_in_text": _field("Omschrijving", "client 111222333 gezien"),
    "bsn_grouped": _field("Toelichting", "nummer 1112.22.333"),
    "nine_digits_no_bsn": _field("Omschrijving", "ordernummer 123456789"),
    "bsn_in_reference": _field("Referentienummer", "111222333"),
    "text_control_char": _field("Omschrijving", "a\tb"),
    "text_lone_surrogate": _raw(
        lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"\\udc00', 1)
    ),
    "text_escaped_accent": _raw(
        lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"\\u00e9', 1)
    ),
    "null_and_value": _raw(lambda b: b.replace(b'"Bedrag":', b'"BtwBedrag":null,"Bedrag":', 1)),
    "text_too_long": _field("Omschrijving", "x" * 101),
    "required_null": _field("Prestatiesoort", None),
    "nested_value": _field("Bedrag", {"x": 1}),
    "unknown_key": _field("Foo", "bar"),
    "missing_soort": _drop("Prestatiesoort"),
    "missing_amount": _drop("Bedrag"),
    "duplicate_key": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedrag":1,"Bedrag":', 1)),
    "escaped_duplicate": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedr\\u0061g":1,"Bedrag":', 1)),
    "space_before_colon": _raw(lambda b: b.replace(b'"Bedrag":', b'"Bedrag" :', 1)),
    "colon_in_text": _raw(lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"a\\":', 1)),
    "duplicate_with_colon": _raw(
        lambda b: b.replace(b'"Bedrag":', b'"Omschrijving":"a:b","Bedrag":', 1)
    ),
    "duplicate_and_space_before_colon": _raw(
        lambda b: b.replace(b'"Bedrag":', b'"Bedrag":1,"Bedrag" :', 1)
    ),
    "duplicate_escaped_colon": _raw(
        lambda b: b.replace(b'"Bedrag":', b'"Omschrijving":"\\u003a","Bedrag":', 1)
    ),
    "null_with_colon_text": _raw(
        lambda b: b.replace(b'"Bedrag":', b'"Toelichting":null,"Bedrag":', 1).replace(
            b'"Omschrijving":"', b'"Omschrijving":"x:', 1
        )
    ),
    "amount_zero": _field("Bedrag", 0),
    "amount_empty": _field("Bedrag", ""),
    "amount_max": _field("Bedrag", 10**15 - 1),
    "amount_above_max": _field("Bedrag", 10**15),
    "vat_zero": _field("BtwBedrag", 0),
    "vat_empty": _field("BtwBedrag", ""),
    "vat_text": _field("BtwBedrag", "5"),
    "crlf": _raw(lambda b: b + b"\r"),
    "broken_json": _raw(lambda b: b[:-3]),
    "two_objects": _raw(lambda b: b + b"," + b),
    "two_objects_no_comma": _raw(lambda b: b + b),
    "two_objects_space": _raw(lambda b: b + b" " + b),
    "split_line": _raw(lambda b: b[:-1] + b"\n}"),  # a line ending in } and a line "}"
    "split_after_colon": _raw(lambda b: b.replace(b'"Prestatie":', b'"Prestatie":\n', 1)),
    # continued lines that decode as one value once their newline is a comma
    "split_in_text": _raw(lambda b: b.replace(b'"Omschrijving":"', b'"Omschrijving":"ab\ncd', 1)),
    "split_before_key": _raw(lambda b: b.replace(b',"Bedrag":', b'\n"Bedrag":', 1)),
    "leading_space": _raw(lambda b: b" " + b),
    "trailing_space": _raw(lambda b: b + b" "),
    "white_space_line": _raw(b" \t"),
    "bom_inside": _raw(lambda b: b"\xef\xbb\xbf" + b),
    "blank": _raw(b""),
    "not_an_object": _raw(b"[1,2]"),
    "other_key": _raw(lambda b: b.replace(b'{"Prestatie":', b'{"Prestaties":', 1)),
    "totals_early": _raw(b'{"Totalen":{"AantalPrestaties":1,"TotaalBedrag":1,"DebetCredit":"D"}}'),
    "header_again": lambda line, lines: lines[0],
    "duplicate_reference": _copy_of_first,
    "credit": _credit_of_first(),
    "credit_too_big": _credit_of_first(10**10),
    "previous_on_debit": _field("VorigReferentienummer", "NOPE"),
}


#: mutations the exact path accepts (both paths must still agree)
HARMLESS = {
    "vat_null",
    "text_escaped_accent",
    "null_and_value",
    "nine_digits_no_bsn",
    "colon_in_text",
    "previous_on_debit",
    "region_other",
    "space_before_colon",
    "amount_zero",
    "vat_zero",
    "crlf",
    "null_with_colon_text",
    "leading_space",
    "trailing_space",
}


def _mutated(tmp_path: Path, changes: dict[int, str], name: str = "m", n: int = 24) -> Path:
    lines = _lines(n)
    for at, mutation in sorted(changes.items()):
        lines[at] = MUTATIONS[mutation](json.loads(lines[at]), lines)
    path = tmp_path / f"{name}.ndjson"
    path.write_bytes(b"".join(lines))
    return path


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutations(mutation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, {9: mutation})
    found = _same(path, 4, monkeypatch)
    if mutation not in HARMLESS:
        assert found, "the mutation should break something"
    _same(path, 2048, monkeypatch)
    for chunk in CHUNKS:  # the mutated line inside a chunk decoded as one block
        _same(path, 2048, monkeypatch, chunk)


#: chunk sizes that make chunks of whole Prestatie lines (a generated line is about 380
#: bytes): one or two lines, several, and the whole message but the header
CHUNKS = (500, 1500, 4000)


def _chunk_lines(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many lines each chunk decoded as one block found clean."""
    counted: list[int] = []
    whole = NdjsonCheck._clean_chunk

    def spy(self: NdjsonCheck, chunk: bytes, end: int, at: Any) -> Any:
        clean = whole(self, chunk, end, at)
        if clean is not None:
            counted.append(clean.count)
        return clean

    monkeypatch.setattr(NdjsonCheck, "_clean_chunk", spy)
    return counted


@pytest.mark.parametrize("chunk", CHUNKS)
def test_chunks_decoded_whole(chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean message read in small chunks: every Prestatie line but those sharing a chunk
    with the header or the totals is checked in a chunk decoded whole (no split into lines),
    and the answer is still the exact path's."""
    counted = _chunk_lines(monkeypatch)
    path = _mutated(tmp_path, {})
    assert _same(path, 2048, monkeypatch, chunk) == []
    assert 8 <= sum(counted) < 24
    assert max(counted) > 1 or chunk < 1000  # several lines a block


@pytest.mark.parametrize(
    "changes",
    [
        {5: "split_line", 9: "two_objects_no_comma"},  # as many values as lines
        {5: "split_after_colon", 9: "two_objects_space"},
        # as many elements as lines, in a chunk of whole Prestatie lines (4000 bytes)
        {13: "split_in_text", 17: "two_objects"},
        {13: "split_before_key", 17: "two_objects"},
        {12: "split_in_text", 14: "split_before_key", 17: "two_objects", 19: "two_objects"},
        # as many values as lines, in a chunk of whole Prestatie lines (decode_lines takes
        # white space, a newline too, between and inside values)
        {13: "split_line", 17: "two_objects_no_comma"},
        {13: "split_after_colon", 17: "two_objects_space"},
        {13: "blank", 17: "two_objects_space"},
        {13: "white_space_line", 17: "two_objects_no_comma"},
        {13: "leading_space", 17: "trailing_space"},
        {5: "blank", 9: "two_objects_no_comma"},
        {5: "white_space_line", 9: "two_objects_space"},
        {5: "crlf", 6: "crlf", 9: "trailing_space"},
        {5: "leading_space", 9: "bom_inside"},
    ],
    ids=str,
)
def test_one_value_a_line(
    changes: dict[int, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk decoded whole is clean only when each line holds one value: a line split in
    two plus two values on another line (as many values as lines), a line ending inside a
    text or before a key continued by the next plus a line ``{...},{...}`` (as many
    elements as lines once each newline is a comma), blank or white space lines, CRLF,
    white space around a line, a byte order mark inside."""
    path = _mutated(tmp_path, changes)
    for chunk in (*CHUNKS, 1 << 18):
        _same(path, 2048, monkeypatch, chunk)
        _same(path, 3, monkeypatch, chunk)


@pytest.mark.parametrize("bad", [[300], [2, 299, 597], list(range(100, 160))])
def test_doubtful_runs_halved(
    bad: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run with a few bad lines is halved until the bad lines are found: most lines are
    still checked as blocks, and the answer is the exact path's; dense errors go the exact
    way."""
    counted: list[int] = []
    whole = NdjsonCheck._clean

    def spy(self: NdjsonCheck, lines: list[bytes], at: Any) -> Any:
        clean = whole(self, lines, at)
        if clean is not None:
            counted.append(clean.count)
        return clean

    monkeypatch.setattr(NdjsonCheck, "_clean", spy)
    path = _mutated(tmp_path, dict.fromkeys(bad, "amount_negative"), n=600)
    assert len(_same(path, 2048, monkeypatch)) >= len(bad)
    assert sum(counted) >= 600 - len(bad) - 2 * blocks.DENSE
    assert sum(counted) >= 500 or len(bad) > 3


def test_limits_and_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, {})
    _same(path, 5, monkeypatch, limits=Limits(max_records=10))
    _same(path, 5, monkeypatch, limits=Limits(max_line_length=300))
    _same(path, 5, monkeypatch, kind=DECLARATIE)


def _ending(ending: str) -> tuple[bytes, int]:
    """A generated message with the line ``ending``, and the longest line's length."""
    lines = _lines()
    longest = max(map(len, lines))
    if ending == "no_newline":
        lines[-1] = lines[-1].rstrip(b"\n")
    elif ending == "blank_lines":
        lines[12:12] = [b"\n", b"  \n"]
        lines.append(b"\n")
    elif ending == "crlf":
        lines = [line[:-1] + b"\r\n" for line in lines]
    elif ending == "long_last":
        lines[-1] = lines[-1].rstrip(b"\n") + b" " * longest
    elif ending == "long_middle":
        lines[15] = lines[15][:-1] + b" " * longest + b"\n"
    return b"".join(lines), longest


ENDINGS = ["newline", "no_newline", "blank_lines", "crlf", "long_last", "long_middle"]


@pytest.mark.parametrize("chunk", [1, 61, 400, 1 << 20])
@pytest.mark.parametrize("ending", ENDINGS)
def test_chunks_and_endings(
    chunk: int, ending: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file read in chunks of any size gives the lines readline gives: a last line
    without a newline, blank or CRLF lines, and a line over the length limit (where the
    exact reader stops), also where a chunk ends inside it."""
    monkeypatch.setattr(blocks, "CHUNK", chunk)
    data, longest = _ending(ending)
    path = tmp_path / "c.ndjson"
    path.write_bytes(data)
    found = _same(path, 4, monkeypatch, limits=Limits(max_line_length=longest + 1))
    assert bool(found) == (ending in ("blank_lines", "long_last", "long_middle"))
    _same(path, 2048, monkeypatch)


class _Unseekable(io.RawIOBase):
    """A stream that cannot seek (a pipe, say): a chunk's unfinished line is carried over."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._data.readinto(buffer)


def _unseekable(data: bytes) -> BinaryIO:
    return io.BufferedReader(_Unseekable(data))


def _gzipped(data: bytes) -> BinaryIO:
    """A compressed stream: it says it can seek, but seeking back decompresses again."""
    return cast(BinaryIO, gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(data)), mode="rb"))


@pytest.mark.parametrize("chunk", [61, 400, 1 << 20])
@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize("stream", [_unseekable, _gzipped], ids=["unseekable", "gzip"])
def test_streams_not_sought(
    chunk: int,
    ending: str,
    stream: Callable[[bytes], BinaryIO],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stream that cannot seek, or that should not (compressed), gives the issues the file
    gives: a file is read again from a chunk's unfinished line, such a stream keeps that line
    and adds the next chunk to it."""
    monkeypatch.setattr(blocks, "CHUNK", chunk)
    data, longest = _ending(ending)
    path = tmp_path / "s.ndjson"
    path.write_bytes(data)
    limits = Limits(max_line_length=longest + 1)
    sought: list[int] = []
    given = stream(data)
    seek = given.seek
    given.seek = lambda *a: sought.append(1) or seek(*a)  # type: ignore[method-assign]
    streamed = list(NdjsonCheck(path, None, limits, stream=given))
    exact = list(validate(path, "ndjson", limits=limits))
    assert streamed == list(NdjsonCheck(path, None, limits)) == exact
    assert bool(exact) == (ending in ("blank_lines", "long_last", "long_middle"))
    assert not sought


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_setting_kept(enabled: bool, tmp_path: Path) -> None:
    """The collector waits while a block is transposed and is left as the caller set it."""
    import gc

    path = _mutated(tmp_path, {})
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        assert list(NdjsonCheck(path, None)) == []
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_report_counts_match(tmp_path: Path) -> None:
    path = _mutated(tmp_path, {3: "duplicate_reference", 12: "amount_wide"})
    report = check_file(path)
    assert report.lines == 24 and report.format == "ndjson"
    assert [i.code for i in report.issues] == [i.code for i in validate(path, "ndjson")]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(st.integers(1, 24), st.sampled_from(sorted(MUTATIONS)), max_size=4),
    block=st.integers(1, 9),
    chunk=st.one_of(st.integers(300, 6000), st.just(1 << 18)),
)
def test_generated(
    changes: dict[int, str],
    block: int,
    chunk: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _mutated(tmp_path, changes, name="g")
    _same(path, block, monkeypatch, chunk)


def test_reference_rows_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean lines give the reference index exactly the rows the exact path gives it
    (reference, credit, amount, plan, region and the compared elements R035 reads)."""
    path = _mutated(tmp_path, {5: "credit", 9: "bsn_in_text"})
    monkeypatch.setattr(blocks, "BLOCK", 4)
    exact = rows_added(monkeypatch, lambda: list(validate(path, "ndjson")))
    assert rows_added(monkeypatch, lambda: list(NdjsonCheck(path, None))) == exact
    assert len(exact) == 24


@pytest.mark.parametrize(
    "change",
    [
        {"Afzender": "12"},  # refused: the header is partial, lines go the exact way
        {"Afzender": "12345678", "OntvangerUzovi": "0000"},  # other parties (R013, R019, R022)
        {"DeclaratieperiodeEinde": "2027-03-31"},  # lines outside the period (R007)
        {"Dagtekening": "2027-03-01"},  # lines after the invoice date (R038, R039)
    ],
    ids=["refused", "other_parties", "short_period", "early_invoice"],
)
def test_header_changes(
    change: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _lines()
    header = json.loads(lines[0])
    header["Header"].update(change)
    lines[0] = json.dumps(header, separators=(",", ":")).encode() + b"\n"
    path = tmp_path / "h.ndjson"
    path.write_bytes(b"".join(lines))
    found = _same(path, 4, monkeypatch)
    assert found or "OntvangerUzovi" in change
    _same(path, 2048, monkeypatch)
