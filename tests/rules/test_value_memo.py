"""The memo of text values found valid and without a possible BSN (``rules.value_memo``) never
changes an answer: blocks checked one after another with the memo give the columns and the
line-rule answer of the same blocks checked without it, and line by line, also when a value
kept for one field turns up in another, with a possible BSN, or invalid; and it bounds
itself and rests for fields whose values never repeat."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import resv_edi.rules.blocks as blocks
import resv_edi.rules.ndjson_blocks as ndjson_blocks
import resv_edi.rules.value_memo as value_memo
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE
from resv_edi.model.types import JSON_CONTEXT
from resv_edi.pipeline import validate
from resv_edi.rules.blocks import RuleMemo, line_columns, lines_clean
from resv_edi.rules.ndjson_blocks import NdjsonCheck
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.value_memo import FieldMemo, field_memo

LONG = "Hoofdtaak 2: overleg met de wijkteams"  # a valid description, too long a reference


@pytest.fixture(autouse=True)
def _fresh_memos() -> Iterator[None]:
    value_memo.forget()
    yield
    value_memo.forget()


def test_fresh_values_are_those_not_kept() -> None:
    memo = FieldMemo()
    assert memo.fresh(["a", "b", None]) == ["a", "b", None]
    memo.add(["a", None])
    assert memo.fresh(["a", "b", None, "c"]) == ["b", "c"]
    assert memo.fresh([]) == []


def test_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_memo, "LIMIT", 4)
    memo = FieldMemo()
    memo.add(["a", "b", "c"])
    memo.add(["d", "e"])  # would hold five: starts afresh
    assert memo.known == {"d", "e"}


def test_rests_for_values_that_never_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_memo, "CHECK", 10)
    monkeypatch.setattr(value_memo, "REST", 6)
    memo = FieldMemo()
    for block in (["a", "b", "c", "d", "e", "f"], ["g", "h", "i", "j", "k", "l"]):
        fresh = memo.fresh(block)
        assert fresh == block
        memo.add(fresh)
    assert not memo.known  # twelve looked up, none found: rests
    assert memo.fresh(["a", "b", "c"]) is None
    assert memo.fresh(["a", "b", "c"]) is None
    assert memo.fresh(["a"]) == ["a"]  # six rested: looked up again


def test_keeps_values_that_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_memo, "CHECK", 10)
    memo = FieldMemo()
    for _ in range(5):
        fresh = memo.fresh(["a", "b", "c", "d"])
        assert fresh is not None
        memo.add(fresh)
    assert memo.known == {"a", "b", "c", "d"}
    assert memo.fresh(["a", "b", "c", "d"]) == []


def test_one_memo_per_field_and_context() -> None:
    assert field_memo("omschrijving", None) is field_memo("omschrijving", None)
    assert field_memo("omschrijving", None) is not field_memo("omschrijving", JSON_CONTEXT)
    assert field_memo("omschrijving", None) is not field_memo("toelichting", None)
    assert field_memo("omschrijving", {"json": []}) is None  # cannot be told apart


def test_text_fields_are_the_plain_text_fields() -> None:
    """Memos are kept for the fields whose validator gives a text back unchanged and refuses
    numbers: the text fields, not the codes, dates or amounts."""
    texts = blocks._text_fields()
    assert {"referentienummer", "omschrijving", "toelichting", "zorgverzekeraar"} <= texts
    assert not texts & {"prestatiesoort", "hoofdtaak", "begindatum", "bedrag", "debet_credit"}
    for attr in texts:
        kind, _, _ = blocks._unwrapped(Prestatie.model_fields[attr])
        assert kind is str


def _lines(n: int, seed: int) -> tuple[list[dict[str, Any]], MessageContext]:
    records = list(generate_declaration(n, seed=seed))
    ctx = MessageContext()
    ctx.header = records[0]  # type: ignore[assignment]
    return [r.to_data() for r in records if isinstance(r, Prestatie)], ctx


CHANGES = st.sampled_from(
    [
        ("Omschrijving", LONG),
        ("Referentienummer", LONG),  # valid as a description, not as a reference
        ("Omschrijving", "client 111222333"),  # a possible BSN
        ("Toelichting", "BSN 1112.22.333"),
        ("Referentienummer", "111222333"),
        ("Overeenkomst", "111222333"),
        ("Omschrijving", " leading space"),  # invalid text
        ("Omschrijving", "x" * 101),
        ("Omschrijving", "prijs in €"),  # beyond Latin-1
        ("Omschrijving", "nieuw 4"),
        ("Omschrijving", None),
        ("Toelichting", "nieuw 5"),
        ("VorigReferentienummer", "R00010000000002"),
        ("Omschrijving", 12),
        ("Referentienummer", 2**70),
        ("Einddatum", "2027-01-01"),
    ]
)


def _with(lines: list[dict[str, Any]], changes: dict[int, tuple[str, Any]]) -> list[Any]:
    changed = list(lines)
    for at, (name, value) in changes.items():
        changed[at] = {**changed[at], name: value}
    return changed


def _without_memos(monkeypatch: pytest.MonkeyPatch, data: list[Any], ctx: Any) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(blocks, "field_memo", lambda attr, context: None)
        columns = line_columns(data)
        return columns, columns is not None and lines_clean(columns, ctx)


@settings(max_examples=60, deadline=None)
@given(
    changes=st.lists(
        st.dictionaries(st.integers(0, 9), CHANGES, max_size=3), min_size=2, max_size=6
    ),
    seed=st.integers(0, 3),
)
def test_blocks_answer_as_without_the_memo(
    changes: list[dict[int, tuple[str, Any]]], seed: int
) -> None:
    """Blocks checked in a row, each with a few changed lines: the memo (kept across them)
    gives the columns, distinct values and answer of the check without it and line by line."""
    value_memo.forget()
    monkeypatch = pytest.MonkeyPatch()
    data, ctx = _lines(10, seed)
    data[0] = {**data[0], "Omschrijving": LONG}  # kept once a block is clean
    memo = RuleMemo()
    try:
        for block in changes:
            lines = _with(data, block)
            columns = line_columns(lines)
            plain, plain_clean = _without_memos(monkeypatch, lines, ctx)
            assert (columns is None) == (plain is None)
            if columns is None:
                continue
            assert dict(columns) == dict(plain)
            assert columns.distinct.keys() == plain.distinct.keys()  # type: ignore[attr-defined]
            for attr, values in plain.distinct.items():
                assert sorted(map(repr, columns.distinct[attr])) == sorted(map(repr, values))  # type: ignore[attr-defined]
            clean = lines_clean(columns, ctx, memo)
            assert clean == plain_clean
            assert clean == all(lines_clean(line_columns([x]) or {}, ctx) for x in lines)
    finally:
        monkeypatch.undo()


def test_kept_values_are_not_validated_nor_screened_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, ctx = _lines(12, 2)
    screened: list[list[str]] = []
    screen = blocks.may_hold_bsn_block

    def spy(texts: list[str]) -> bool:
        screened.append(list(texts))
        return screen(texts)

    monkeypatch.setattr(blocks, "may_hold_bsn_block", spy)
    first = line_columns(data)
    assert first is not None and lines_clean(first, ctx)
    assert any(LONG not in t and "Hoofdtaak" in t for t in screened[0])
    screened.clear()
    again = line_columns(data)
    assert again is not None
    assert again.fresh["omschrijving"] == []  # type: ignore[attr-defined]
    assert lines_clean(again, ctx)
    descriptions = {line.get("Omschrijving") for line in data}
    assert not descriptions & set(screened[0])
    with_bsn = _with(data, {3: ("Omschrijving", "client 111222333")})
    columns = line_columns(with_bsn)
    assert columns is not None
    assert columns.fresh["omschrijving"] == ["client 111222333"]  # type: ignore[attr-defined]
    assert not lines_clean(columns, ctx)
    assert "client 111222333" not in field_memo("omschrijving", blocks.JSON_CONTEXT).known  # type: ignore[union-attr]


def test_listed_rules_skipped_when_every_tuple_was_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    data, ctx = _lines(30, 3)
    columns = line_columns(data)
    assert columns is not None
    ran: list[str] = []
    rule_clean = blocks._rule_clean

    def spy(code: str, *args: Any) -> bool:
        ran.append(code)
        return rule_clean(code, *args)

    monkeypatch.setattr(blocks, "_rule_clean", spy)
    memo = RuleMemo()
    assert lines_clean(columns, ctx, memo)
    assert set(ran) == set(blocks.READS)
    ran.clear()
    assert lines_clean(columns, ctx, memo)
    assert not ran
    changed = line_columns(_with(data, {4: ("Einddatum", "2027-01-01")}))
    assert changed is not None
    assert not lines_clean(changed, ctx, memo)  # a new tuple: the rules look again


def _ndjson_lines(n: int, seed: int) -> list[bytes]:
    """An NDJSON declaration whose every line has the description :data:`LONG`."""
    records = [
        r.model_copy(update={"omschrijving": LONG}) if isinstance(r, Prestatie) else r
        for r in generate_declaration(n, seed=seed)
    ]
    out = BytesIO()
    get_format("ndjson").writer(records, out, DECLARATIE)
    return out.getvalue().splitlines(keepends=True)


def _set(line: bytes, name: str, value: Any) -> bytes:
    data = json.loads(line)
    data["Prestatie"][name] = value
    return json.dumps(data, separators=(",", ":")).encode() + b"\n"


def test_ndjson_check_as_the_exact_path_across_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NDJSON in small blocks: a description repeated in every block (kept by the memo), then
    the same text as a reference (too long) and a description with a possible BSN after the
    clean blocks, report exactly the exact path's issues."""
    monkeypatch.setattr(ndjson_blocks, "BLOCK", 8)
    monkeypatch.setattr(ndjson_blocks, "CHUNK", 1 << 10)
    lines = _ndjson_lines(60, 4)
    clean = tmp_path / "clean.ndjson"
    clean.write_bytes(b"".join(lines))
    assert list(NdjsonCheck(clean, None, Limits())) == list(validate(clean, "ndjson")) == []
    assert LONG in field_memo("omschrijving", JSON_CONTEXT).known  # type: ignore[union-attr]
    lines[50] = _set(lines[50], "Referentienummer", LONG)
    lines[55] = _set(lines[55], "Omschrijving", "client 111222333")
    broken = tmp_path / "broken.ndjson"
    broken.write_bytes(b"".join(lines))
    exact = list(validate(broken, "ndjson"))
    assert len(exact) >= 2 and "R016" in {issue.code for issue in exact}
    assert list(NdjsonCheck(broken, None, Limits())) == exact
