"""Fewer passes in the block checks give the same answers: both BSN screens as one screen a
block, the listed line rules skipped on a block whose every input tuple was found clean
before, and no 64-bit look at the fields that refuse every number: blocks checked one after
another answer as line by line, and NDJSON across small blocks as the exact path."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import resv_edi.rules.blocks as blocks
import resv_edi.rules.ndjson_blocks as ndjson_blocks
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE
from resv_edi.model.types import JSON_CONTEXT
from resv_edi.pipeline import validate
from resv_edi.rules.blocks import RuleMemo, line_columns, lines_clean, typed_columns
from resv_edi.rules.ndjson_blocks import NdjsonCheck
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.registry import record_rules

LONG = "Hoofdtaak 2: overleg met de wijkteams"  # a valid description, too long a reference


def test_numberless_fields_are_the_text_and_code_fields() -> None:
    """The 64-bit look is left out for the text and code fields only (their validator
    refuses every number), not for the dates or amounts."""
    numberless = blocks._numberless_fields()
    assert {"referentienummer", "omschrijving", "prestatiesoort", "hoofdtaak"} <= numberless
    assert not numberless & {"begindatum", "einddatum", "bedrag", "btw_bedrag"}


@pytest.mark.parametrize("attr", ["referentienummer", "omschrijving", "prestatiesoort"])
@pytest.mark.parametrize("number", [2**63, 2**64, -(2**63) - 1, 5])
def test_a_number_in_a_numberless_field_is_doubtful(attr: str, number: int) -> None:
    data, _ = _lines(3, 1)
    raw = {a: [line.get(alias) for line in data] for a, alias in _aliases().items()}
    raw[attr] = [raw[attr][0], number, raw[attr][2]]
    assert typed_columns(dict(raw), decoded=True) is None
    assert (
        typed_columns(dict(raw), distinct_values={attr: list(set(raw[attr]))}, decoded=True) is None
    )


def _aliases() -> dict[str, str]:
    return {a: f.alias or a for a, f in Prestatie.model_fields.items()}


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


def _binds(line: dict[str, Any]) -> bool:
    try:
        Prestatie.model_validate(line, context=JSON_CONTEXT)
    except ValidationError:
        return False
    return True


@settings(max_examples=60, deadline=None)
@given(
    changes=st.lists(
        st.dictionaries(st.integers(0, 9), CHANGES, max_size=3), min_size=2, max_size=6
    ),
    seed=st.integers(0, 3),
)
def test_blocks_in_a_row_answer_as_line_by_line(
    changes: list[dict[int, tuple[str, Any]]], seed: int
) -> None:
    """Blocks checked in a row with one memo, each with a few changed lines: columns exactly
    when every line binds to the model, and the line rules' answer of each BSN screen on its
    own, of a fresh memo and of the lines one by one."""
    data, ctx = _lines(10, seed)
    memo = RuleMemo()
    for block in changes:
        lines = _with(data, block)
        columns = line_columns(lines)
        assert (columns is not None) == all(map(_binds, lines))
        if columns is None:
            continue
        clean = lines_clean(columns, ctx, memo)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(blocks, "_bsn_free", lambda columns: False)  # each screen alone
            assert clean == lines_clean(columns, ctx)
        assert clean == all(lines_clean(line_columns([x]) or {}, ctx) for x in lines)


def test_one_bsn_screen_a_clean_block(monkeypatch: pytest.MonkeyPatch) -> None:
    data, ctx = _lines(12, 2)
    screened: list[list[str]] = []
    screen = blocks.may_hold_bsn_block

    def spy(texts: list[str]) -> bool:
        screened.append(list(texts))
        return screen(texts)

    monkeypatch.setattr(blocks, "may_hold_bsn_block", spy)
    columns = line_columns(data)
    assert columns is not None and lines_clean(columns, ctx)
    assert len(screened) == 1
    assert {data[0]["Referentienummer"], data[0]["Omschrijving"]} <= set(screened[0])
    screened.clear()
    with_bsn = line_columns(_with(data, {3: ("Omschrijving", "client 111222333")}))
    assert with_bsn is not None and not lines_clean(with_bsn, ctx)
    assert len(screened) == 2  # both at once, then the free-text screen alone


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
    """NDJSON in small blocks: a description repeated in every block, then the same text as
    a reference (too long) and a description with a possible BSN after the clean blocks,
    report exactly the exact path's issues."""
    monkeypatch.setattr(ndjson_blocks, "BLOCK", 8)
    monkeypatch.setattr(ndjson_blocks, "CHUNK", 1 << 10)
    lines = _ndjson_lines(60, 4)
    clean = tmp_path / "clean.ndjson"
    clean.write_bytes(b"".join(lines))
    assert list(NdjsonCheck(clean, None, Limits())) == list(validate(clean, "ndjson")) == []
    lines[50] = _set(lines[50], "Referentienummer", LONG)
    lines[55] = _set(lines[55], "Omschrijving", "client 111222333")
    broken = tmp_path / "broken.ndjson"
    broken.write_bytes(b"".join(lines))
    exact = list(validate(broken, "ndjson"))
    assert len(exact) >= 2 and "R016" in {issue.code for issue in exact}
    assert list(NdjsonCheck(broken, None, Limits())) == exact


AMOUNTS = st.one_of(st.integers(0, 10**15 - 1), st.sampled_from([0, 1, 10**11 - 1, 10**11]))
VATS = st.one_of(st.none(), AMOUNTS, st.sampled_from([0, 10**9, 10**9 - 1]))


@settings(max_examples=200, deadline=None)
@given(amounts=st.lists(st.tuples(AMOUNTS, VATS), min_size=1, max_size=8), typed=st.booleans())
def test_amount_screens_as_the_rules(amounts: list[tuple[int, int | None]], typed: bool) -> None:
    """R017 and R026 screened by columns (with the greatest amounts the column screens found,
    or without) pass a block exactly when the rules find nothing on any of its lines."""
    data, ctx = _lines(len(amounts), 1)
    for at, (amount, vat) in enumerate(amounts):
        data[at] = {**data[at], "Bedrag": amount, "BtwBedrag": vat}
    raw = {a: [line.get(alias) for line in data] for a, alias in _aliases().items()}
    columns = typed_columns(raw, decoded=True) if typed else line_columns(data)
    assert columns is not None
    assert bool(columns.highest) is typed  # type: ignore[attr-defined]
    lines = [Prestatie.model_validate(line, context=JSON_CONTEXT) for line in data]
    for code in ("R017", "R026"):
        rule = next(spec for spec in record_rules("declaratie", "line") if spec.code == code)
        assert rule.func is not None
        found = any(rule.func(line, ctx) for line in lines)
        assert blocks._SCREENS[code](columns) is not found
        assert blocks._SCREENS[code](dict(columns)) is not found  # without the greatest


@settings(max_examples=300, deadline=None)
@given(
    column=st.lists(
        st.one_of(st.none(), st.integers(-5, 10**15 + 5), st.sampled_from(["", "1", "x"])),
        max_size=8,
    ),
    attr=st.sampled_from(["bedrag", "btw_bedrag"]),
)
def test_int_screen_greatest_value(column: list[Any], attr: str) -> None:
    """An int screen's greatest value: ``None`` exactly when it fails the column, else the
    column's greatest value (0 when it holds none but null), by one look at its least and
    greatest values or by the look at every kind of value."""
    screen = blocks.column_screens()[attr]
    assert isinstance(screen, blocks.IntScreen)
    highest = screen.highest(column)
    assert (highest is not None) is screen(column) is (screen._highest(column) is not None)
    if highest is not None:
        assert highest == max(filter(None, column), default=0)
