"""The column screens of the block checks (``rules.blocks.column_screens``) are derived from
the model's field metadata and agree with the model: a column a screen calls certainly valid
is accepted unchanged by the field's own validator, on generated values."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from annotated_types import Ge, Gt, Le, MultipleOf
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, TypeAdapter, ValidationError

import resv_edi.rules.blocks as blocks
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.types import INT_KEEPING, JSON_CONTEXT
from resv_edi.rules.blocks import (
    BlockColumns,
    RuleMemo,
    column_screens,
    line_columns,
    lines_clean,
    screen_for,
)
from resv_edi.rules.record_rules import MessageContext


def _adapter(attr: str) -> TypeAdapter[list[Any]]:
    info = Prestatie.model_fields[attr]
    single = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(list[single])  # type: ignore[valid-type]


def _model_accepts_unchanged(attr: str, column: list[Any]) -> bool:
    try:
        valid = _adapter(attr).validate_python(column, context=JSON_CONTEXT)
    except ValidationError:
        return False
    return valid == column and all(map(lambda a, b: type(a) is type(b), valid, column))


def test_screens_are_derived_from_the_whole_number_fields() -> None:
    """Exactly the whole-number fields bounded by Ge/Le get a screen; the text, code and date
    fields are left to the model's validator."""
    screens = column_screens()
    assert set(screens) == {"bedrag", "btw_bedrag"}
    for attr, info in Prestatie.model_fields.items():
        assert (screen_for(info) is not None) == (attr in screens)


#: values a decoded column may hold (text, whole numbers, null), around the bounds
_MAX = 10**15 - 1
VALUES = st.one_of(
    st.none(),
    st.sampled_from([0, 1, -1, _MAX, _MAX + 1, 2**63, -(2**63) - 1, 2**64, "", "1", "0", "x"]),
    st.integers(-(2**70), 2**70),
    st.integers(0, _MAX),
    st.text(max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(column=st.lists(VALUES, max_size=8), attr=st.sampled_from(["bedrag", "btw_bedrag"]))
def test_screen_agrees_with_the_model(column: list[Any], attr: str) -> None:
    screen = column_screens()[attr]
    if screen(column):
        assert _model_accepts_unchanged(attr, column)


@settings(max_examples=200, deadline=None)
@given(
    column=st.lists(st.one_of(st.integers(0, _MAX), st.none()), max_size=8),
    attr=st.sampled_from(["bedrag", "btw_bedrag"]),
)
def test_screen_passes_sound_columns(column: list[Any], attr: str) -> None:
    """Whole numbers in range (null where the field is optional) need no validator."""
    optional = not Prestatie.model_fields[attr].is_required()
    assert column_screens()[attr](column) == (optional or None not in column)
    assert _model_accepts_unchanged(attr, column) == (optional or None not in column)


@settings(max_examples=200, deadline=None)
@given(value=st.integers(-(2**70), 2**70), json=st.booleans())
def test_int_keeping_validators_keep_whole_numbers(value: int, json: bool) -> None:
    """The claim behind ``INT_KEEPING``: each such before-validator returns an int as it is."""
    context = JSON_CONTEXT if json else None
    for func in INT_KEEPING:
        kept = TypeAdapter(Annotated[int, BeforeValidator(func)]).validate_python(
            value, context=context
        )
        assert kept == value and type(kept) is int


class _Other(BaseModel):
    bounded: Annotated[int, Ge(5), Le(10)]
    optional: Annotated[int, Ge(0)] | None = None
    exclusive: Annotated[int, Gt(5)]
    multiple: Annotated[int, MultipleOf(2)]
    foreign: Annotated[int, BeforeValidator(lambda v: v)]
    text: str
    defaulted: int = 3


@pytest.mark.parametrize(
    ("attr", "column", "expected"),
    [
        ("bounded", [5, 10, 7], True),
        ("bounded", [4, 7], False),
        ("bounded", [7, 11], False),
        ("bounded", [7, None], False),
        ("bounded", [7, "7"], False),
        ("bounded", ["7"], False),
        ("optional", [None, 0, 3], True),
        ("optional", [None, -1], False),
        ("optional", [None, ""], False),
        ("optional", [], True),
    ],
)
def test_screen_of_another_model(attr: str, column: list[Any], expected: bool) -> None:
    screen = screen_for(_Other.model_fields[attr])
    assert screen is not None and screen(column) is expected


@pytest.mark.parametrize("attr", ["exclusive", "multiple", "foreign", "text", "defaulted"])
def test_no_screen_for_constraints_it_does_not_know(attr: str) -> None:
    assert screen_for(_Other.model_fields[attr]) is None


def _declaration_lines(n: int, seed: int) -> tuple[list[dict[str, Any]], MessageContext]:
    records = list(generate_declaration(n, seed=seed))
    ctx = MessageContext()
    ctx.header = records[0]
    return [r.to_data() for r in records if isinstance(r, Prestatie)], ctx


LINE_CHANGES = st.sampled_from(
    [
        ("Einddatum", "2027-01-01"),
        ("Begindatum", "2030-01-01"),
        ("Prestatiesoort", "2"),
        ("Hoofdtaak", "5"),
        ("Zorgverzekeraar", "9101"),
        ("Werkgebied", "W001"),
        ("DebetCredit", "C"),
        ("Omschrijving", "client 111222333"),
        ("Referentienummer", "111222333"),
        ("BtwBedrag", 10**12),
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    changes=st.dictionaries(st.integers(0, 11), LINE_CHANGES, max_size=3),
    seed=st.integers(0, 5),
)
def test_line_rules_same_with_the_distinct_values(
    changes: dict[int, tuple[str, Any]], seed: int
) -> None:
    """The line rules on a block's distinct values (constant attributes kept aside, BSN
    screens over distinct texts) answer as on the plain columns."""
    data, ctx = _declaration_lines(12, seed)
    for at, (name, value) in changes.items():
        data[at] = {**data[at], name: value}
    columns = line_columns(data)
    assert columns is not None and isinstance(columns, BlockColumns)
    assert lines_clean(columns, ctx) == lines_clean(dict(columns), ctx)
    assert lines_clean(columns, ctx) == _clean_one_by_one(data, ctx)


@settings(max_examples=30, deadline=None)
@given(
    changes=st.lists(
        st.dictionaries(st.integers(0, 11), LINE_CHANGES, max_size=2), min_size=2, max_size=5
    ),
    seed=st.integers(0, 5),
)
def test_line_rules_same_with_a_memo_across_blocks(
    changes: list[dict[int, tuple[str, Any]]], seed: int
) -> None:
    """A memo shared by the blocks of a message (a block's distinct input tuples found clean
    before are not looked at again) answers every block as a fresh memo and line by line."""
    data, ctx = _declaration_lines(12, seed)
    memo = RuleMemo()
    for block in changes:
        lines = list(data)
        for at, (name, value) in block.items():
            lines[at] = {**lines[at], name: value}
        columns = line_columns(lines)
        assert columns is not None
        shared = lines_clean(columns, ctx, memo)
        assert shared == lines_clean(columns, ctx) == _clean_one_by_one(lines, ctx)


def test_memo_skips_the_tuples_found_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean block's tuples are kept; the same tuples in the next block are not projected
    for every rule again."""
    data, ctx = _declaration_lines(40, 1)
    columns = line_columns(data)
    assert columns is not None
    projected: list[int] = []
    inputs = blocks._rule_inputs

    def spy(reads: tuple[str, ...], given: Any) -> set[tuple[Any, ...]]:
        found = inputs(reads, given)
        projected.append(len(found))
        return found

    monkeypatch.setattr(blocks, "_rule_inputs", spy)
    memo = RuleMemo()
    assert lines_clean(columns, ctx, memo)
    first, projected[:] = sum(projected), []
    assert lines_clean(columns, ctx, memo)
    assert sum(map(len, memo.rows.values())) > 0
    assert sum(projected) < first
    projected[:] = []
    memo.under(object())  # another header: nothing kept from this one
    assert lines_clean(columns, ctx, memo) and sum(projected) == first


def _clean_one_by_one(data: list[dict[str, Any]], ctx: MessageContext) -> bool:
    return all(lines_clean(line_columns([line]) or {}, ctx) for line in data)
