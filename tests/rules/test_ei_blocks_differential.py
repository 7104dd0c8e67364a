"""The EI block path (rules/ei_blocks.py) gives exactly the issues of the exact path
(``pipeline.validate``: reader, model and rule engine record by record), in the same order,
with the same codes, places and texts: on every RESV EI file of the fixtures, the conformance
scenarios and the fuzz corpus, on mutated messages (one mutation per kind of issue a record
can have: field values, framing, order, character set) and on generated mixtures of them, at
block sizes that cut the message in many places."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_rows import rows_added

import resv_edi.rules.ei_blocks as blocks
import resv_edi.rules.ei_columns as ei_columns
from resv_edi.formats.ei.resv import resv_layout
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.model.messages import DECLARATIE
from resv_edi.pipeline import check_file, validate
from resv_edi.rules.ei_blocks import EiCheck

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    [
        *ROOT.glob("fixtures/*/*.asc"),
        *ROOT.glob("fixtures/*/*.ei"),
        *ROOT.glob("conformance/scenarios/*/*.asc"),
        *ROOT.glob("fuzz/corpus/*.ei"),
    ]
)


def _same(
    path: Path,
    block: int,
    monkeypatch: pytest.MonkeyPatch,
    minimum: int = 1,
    probe_every: int = 3,
    **kw: Any,
) -> list[Any]:
    monkeypatch.setattr(blocks, "BLOCK", block)
    monkeypatch.setattr(blocks, "MIN_RUN", minimum)
    # small blocks teach which fields hold all different texts (both ways of reading run)
    monkeypatch.setattr(ei_columns, "LEARN_FROM", 1)
    monkeypatch.setattr(ei_columns, "PROBE_EVERY", probe_every)
    exact = list(validate(path, "ei", **kw))
    checked = EiCheck(path, kw.get("kind"), kw.get("limits", Limits()))
    assert list(checked) == exact
    return exact


def test_corpus_is_there() -> None:
    assert len(CORPUS) > 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("block", [2048, 2])
def test_corpus(path: Path, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(path, block, monkeypatch)


def _lines(n: int = 24, seed: int = 7) -> list[bytes]:
    """A generated declaration's records, each with its CR LF (two carry a comment)."""
    out = io.BytesIO()
    get_format("ei").writer(generate_declaration(n, seed=seed), out, DECLARATIE)
    return out.getvalue().splitlines(keepends=True)


def _spec(field_id: str) -> Any:
    layout = resv_layout(DECLARATIE.name).layout
    return next(f for r in layout.records.values() for f in r.fields if f.id == field_id)


def _put(text: bytes, field_id: str, value: bytes | str) -> bytes:
    f = _spec(field_id)
    raw = value.encode("latin-1") if isinstance(value, str) else value
    raw = raw.ljust(f.length)[: f.length] if len(raw) <= f.length else raw
    return text[: f.start - 1] + raw + text[f.start - 1 + f.length :]


Mutation = Callable[[bytes, list[bytes]], bytes]


def _field(field_id: str, value: bytes | str) -> Mutation:
    def mutate(line: bytes, lines: list[bytes]) -> bytes:
        if line[:2] != _spec(field_id).id[:2].encode():
            return line
        return _put(line, field_id, value)

    return mutate


def _raw(change: Callable[[bytes], bytes]) -> Mutation:
    return lambda line, lines: change(line)


def _comment(text: str) -> Mutation:
    """The line, then a comment record of its number holding ``text``."""

    def mutate(line: bytes, lines: list[bytes]) -> bytes:
        note = b"98" + line[2:14] + b"0001" + text.encode("latin-1")
        return line + note.ljust(310) + b"\r\n"

    return mutate


def _credit_of_first(line: bytes, lines: list[bytes]) -> bytes:
    first = lines[1]
    credit = _put(first, "0417", "C")
    credit = _put(credit, "0404", first[14:34])
    return _put(credit, "0403", line[14:34])


MUTATIONS: dict[str, Mutation] = {
    "date_impossible": _field("0414", "20270230"),
    "date_zero": _field("0414", "00000000"),
    "date_letters": _field("0415", "2027AB01"),
    "end_before_begin": _field("0415", "20270101"),
    "outside_period": _field("0415", "20300131"),
    "amount_letters": _field("0416", "0000000A000"),
    "amount_blank": _field("0416", ""),
    "amount_wide": _field("0416", "99999999999"),
    "dc_bad": _field("0417", "X"),
    "dc_blank": _field("0417", " "),
    "vat_above_amount": _field("0418", "99999999999"),
    "vat_spaces": _field("0418", "        123"),
    "vat_letters": _field("0418", "12A"),
    "soort_unknown": _field("0405", "3"),
    "soort_2_no_parties": _field("0405", "2"),
    "code_unknown": _field("0406", "XXXXXX"),
    "hoofdtaak_bad": _field("0407", "9"),
    "insurer_letters": _field("0410", "99A9"),
    "insurer_other": _field("0410", "9999"),
    "insurer_wlz": _field("0410", "9101"),
    "region_unknown": _field("0413", "ZZZZ"),
    "reference_blank": _field("0403", ""),
    "reference_bsn": _field("0403", "111222333"),
    "previous_on_debit": _field("0404", "NOPE"),
    "bsn_in_text": _field("0419", "client 111222333 gezien"),
    "nine_digits_no_bsn": _field("0419", "ordernummer 123456789"),
    "latin1_text": _field("0419", "caf\xe9 overleg"),
    "utf8_text": _field("0419", "caf\xe9 overleg".encode()),
    "control_char": _field("0419", "a\tb"),
    "nul_byte": _field("0419", b"a\x00b"),
    "c1_control": _field("0419", b"a\x85b"),
    "id_repeats": _field("0402", "000000000001"),
    "id_blank": _field("0402", ""),
    "id_letters": _field("0402", "00000000000X"),
    "id_jump": _field("0402", "000000000500"),
    "id_down": _field("0402", "000000000002"),
    "id_zero": _field("0402", "000000000000"),
    "id_superscript": _field("0402", "00000000001\xb2"),  # str.isdigit, not ASCII
    "amount_superscript": _field("0416", "0000000012\xb2"),
    "id_wider": _field("0402", "1000000000000"),  # 13 digits: the field keeps 12
    "record_type_unknown": _raw(lambda b: b"05" + b[2:]),
    "record_type_header": _raw(lambda b: b"01" + b[2:]),
    "too_long": _raw(lambda b: b[:-2] + b"X\r\n"),
    "too_short": _raw(lambda b: b[:-3] + b"\r\n"),
    "lf_only": _raw(lambda b: b[:-2] + b"\n"),
    "cr_only": _raw(lambda b: b[:-2] + b"\r"),
    "cr_inside": _raw(lambda b: b[:100] + b"\r\n" + b[100:]),
    "blank_line": _raw(lambda b: b"\r\n" + b),
    "comment": _comment("een toelichting"),
    "comment_bsn": _comment("client 111222333"),
    "comment_blank": _comment(""),
    "comment_twice": lambda line, lines: (
        _comment("a")(line, lines) + _comment("b")(line, lines)[len(line) :]
    ),
    "comment_number_lower": _raw(
        lambda b: b + (b"98" + b"000000000001" + b"0001tekst").ljust(310) + b"\r\n"
    ),
    "comment_number_higher": _raw(
        lambda b: b + (b"98" + b"999999999999" + b"0001tekst").ljust(310) + b"\r\n"
    ),
    "comment_number_letters": _raw(
        lambda b: b + (b"98" + b[2:13] + b"X0001tekst").ljust(310) + b"\r\n"
    ),
    "comment_alone": _raw(lambda b: (b"98" + b[2:14] + b"0001tekst").ljust(310) + b"\r\n"),
    "comment_number_blank": _raw(
        lambda b: b + (b"98" + b[2:14] + b"    tekst").ljust(310) + b"\r\n"
    ),
    # found by the fuzz harness: a broken record between a line and its comment; the exact
    # reader still gives that comment to the line, so the line may not end a clean run
    "garbage_then_comment": lambda line, lines: (
        line + b"0 broken\r\n" + (b"98" + line[2:14] + b"0001tekst").ljust(311) + b"\r\n"
    ),
    "garbage_then_comment_fits": lambda line, lines: (
        line + b"0 broken\r\n" + (b"98" + line[2:14] + b"0001tekst").ljust(310) + b"\r\n"
    ),
    "trailer_early": lambda line, lines: lines[-1],
    "header_again": lambda line, lines: lines[0],
    "duplicate_reference": lambda line, lines: lines[1],
    "credit": _credit_of_first,
    "credit_too_big": lambda line, lines: _put(
        _credit_of_first(line, lines), "0416", "09999999999"
    ),
}

#: mutations the exact path accepts (both paths must still agree)
HARMLESS = {
    "nine_digits_no_bsn",
    "latin1_text",
    "previous_on_debit",
    "comment",
    "id_jump",
    "vat_spaces",
}


def _mutated(tmp_path: Path, changes: dict[int, str], name: str = "m") -> Path:
    lines = _lines()
    for at, mutation in sorted(changes.items()):
        lines[at] = MUTATIONS[mutation](lines[at], lines)
    path = tmp_path / f"{name}.asc"
    path.write_bytes(b"".join(lines))
    return path


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutations(mutation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, {9: mutation})
    found = _same(path, 4, monkeypatch)
    if mutation not in HARMLESS:
        assert found, "the mutation should break something"
    _same(path, 2048, monkeypatch)
    _same(path, 3, monkeypatch, minimum=3)


@pytest.mark.parametrize("at", [1, 2, 6, 7, 26, 27])
def test_mutations_at_edges(at: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Next to the header, around a comment, before the trailer."""
    for mutation in ("date_impossible", "comment", "lf_only", "record_type_unknown"):
        path = _mutated(tmp_path, {at: mutation})
        _same(path, 3, monkeypatch)


@pytest.mark.parametrize("cut", [0, 1, 100, 312, 312 * 5 + 7, -314, -312, -2, -1])
def test_truncated(cut: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"".join(_lines())
    path = tmp_path / "t.asc"
    path.write_bytes(data[:cut] if cut else data + data[312:])
    _same(path, 3, monkeypatch)


def test_limits_and_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mutated(tmp_path, {})
    _same(path, 5, monkeypatch, limits=Limits(max_records=10))
    _same(path, 5, monkeypatch, limits=Limits(max_records=26))
    _same(path, 5, monkeypatch, limits=Limits(max_line_length=300))
    _same(path, 5, monkeypatch, limits=Limits(max_errors=2))
    _same(path, 5, monkeypatch, kind=DECLARATIE)
    bad = _mutated(tmp_path, {n: "date_impossible" for n in range(1, 20)}, name="b")
    _same(bad, 5, monkeypatch, limits=Limits(max_errors=3))


def test_report_counts_match(tmp_path: Path) -> None:
    path = _mutated(tmp_path, {3: "duplicate_reference", 12: "amount_wide"})
    report = check_file(path)
    assert report.lines == 24 and report.format == "ei"
    assert [i.code for i in report.issues] == [i.code for i in validate(path, "ei")]


def test_clean_file_goes_in_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid message is taken in blocks (not line by line) and still counted whole."""
    path = tmp_path / "v.asc"
    path.write_bytes(b"".join(_lines(200, seed=3)))
    runs: list[int] = []
    take = EiCheck._run

    def spy(self: EiCheck, *args: Any) -> Any:
        run = take(self, *args)
        runs.append(run.lines if run is not None else 0)
        return run

    monkeypatch.setattr(EiCheck, "_run", spy)
    monkeypatch.setattr(blocks, "BLOCK", 64)
    check = EiCheck(path, None)
    assert list(check) == [] and check.lines == 200
    assert sum(runs) > 150 and all(runs)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(st.integers(1, 27), st.sampled_from(sorted(MUTATIONS)), max_size=4),
    block=st.integers(1, 9),
    minimum=st.integers(1, 4),
    probe_every=st.integers(1, 5),
)
def test_generated(
    changes: dict[int, str],
    block: int,
    minimum: int,
    probe_every: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _mutated(tmp_path, changes, name="g")
    _same(path, block, monkeypatch, minimum, probe_every)


def test_reference_rows_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean lines give the reference index exactly the rows the exact path gives it."""
    path = _mutated(tmp_path, {5: "credit", 9: "bsn_in_text", 14: "comment"})
    monkeypatch.setattr(blocks, "BLOCK", 4)
    monkeypatch.setattr(blocks, "MIN_RUN", 1)
    exact = rows_added(monkeypatch, lambda: list(validate(path, "ei")))
    assert rows_added(monkeypatch, lambda: list(EiCheck(path, None))) == exact
    assert len(exact) == 24


@pytest.mark.parametrize(
    ("field_id", "value"),
    [("0109", "12"), ("0110", "0000"), ("0116", "20270331"), ("0113", "20270301")],
    ids=["refused", "other_parties", "short_period", "early_invoice"],
)
def test_header_changes(
    field_id: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _lines()
    lines[0] = _put(lines[0], field_id, value)
    path = tmp_path / "h.asc"
    path.write_bytes(b"".join(lines))
    _same(path, 4, monkeypatch)
    _same(path, 2048, monkeypatch)


def _in_order_one_by_one(types: list[bytes], after: bytes) -> int:
    """``_in_order`` as a loop over every record (what its C-speed look must equal)."""
    plan = blocks._plan()
    assert plan is not None
    n = len(types)
    previous = None
    for j, t in enumerate(types):
        if not (t == plan.main_b or (t == plan.comment_b and previous == plan.main_b)):
            n, after = j, t
            break
        previous = t
    if n and after not in (plan.main_b, plan.trailer_b):
        while n and types[n - 1] != plan.main_b:
            n -= 1
        n = max(n - 1, 0)
    return n


@settings(max_examples=300, deadline=None)
@given(
    types=st.lists(st.sampled_from([b"04", b"98", b"99", b"05", b""]), max_size=12),
    after=st.sampled_from([b"04", b"98", b"99", b"05", b""]),
)
def test_in_order_is_one_by_one(types: list[bytes], after: bytes) -> None:
    plan = blocks._plan()
    assert plan is not None
    assert blocks._in_order(types, plan, after) == _in_order_one_by_one(types, after)


@settings(max_examples=200, deadline=None)
@given(kinds=st.lists(st.booleans(), max_size=30))
def test_lines_and_comments_merged(kinds: list[bool]) -> None:
    """Record numbers put together from the lines' and the comments' in record order."""
    notes = [j for j, comment in enumerate(kinds) if comment]
    mains = blocks._others(len(kinds), notes)
    assert mains == [j for j, comment in enumerate(kinds) if not comment]
    numbers = blocks._merged([10 * j for j in mains], notes, [10 * j + 1 for j in notes])
    assert numbers == [10 * j + kinds[j] for j in range(len(kinds))]


@settings(max_examples=300, deadline=None)
@given(
    numbers=st.lists(st.integers(0, 10**4), min_size=1, max_size=12),
    comments=st.lists(st.booleans(), max_size=12),
    width=st.integers(5, 12),
)
def test_numbers_compared_as_texts(numbers: list[int], comments: list[bool], width: int) -> None:
    """Detail numbers of one width are compared as their texts of digits (the block check
    keeps them so): the same order answer as for the numbers."""
    roles = [
        "comment" if j < len(comments) and comments[j] else "service" for j in range(len(numbers))
    ]
    texts = [str(number).zfill(width) for number in numbers]
    assert blocks._digit_texts(texts, width)
    assert blocks._numbered(texts, roles) == blocks._numbered(numbers, roles)
    assert not blocks._digit_texts([*texts, " 1".zfill(width)], width)
    assert not blocks._digit_texts([*texts, "1" * (width + 1)], width)
    assert not blocks._digit_texts([*texts, None], width)
    assert not blocks._digit_texts([*texts, "\xb2".zfill(width)], width)
