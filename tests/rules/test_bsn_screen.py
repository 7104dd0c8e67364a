"""The BSN block screen (R016 free text, R042 identifying fields) answers as the per-line guard:
``privacy.may_hold_bsn_block`` over many texts is ``may_hold_bsn`` of any of them, and a block
the screen passes holds no line the rule would report, with BSN-like numbers (bare and
grouped, passing the 11-test or not) at every position of every text field it screens."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.declaratie import Prestatie
from resv_edi.privacy import eleven_test, may_hold_bsn, may_hold_bsn_block
from resv_edi.rules.blocks import line_columns, lines_clean, may_hold_nine_digits
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.registry import record_rules
from resv_edi.standard.facts import facts

BSN = "111222333"  # passes the 11-test
NOT_BSN = "123456789"  # nine digits that do not
assert eleven_test(BSN) and not eleven_test(NOT_BSN)


@st.composite
def nine_digits(draw: st.DrawFn) -> str:
    """Nine digits passing the 11-test or not, bare or written 1234.56.782 / 123 456 782."""
    digits = draw(st.sampled_from([BSN, NOT_BSN, "000000000"]) | st.from_regex(r"\A[0-9]{9}\Z"))
    sep = draw(st.sampled_from(["", " ", ".", "-", "mixed"]))
    if not sep:
        return digits
    if sep == "mixed":  # not one of the grouped forms
        return f"{digits[:4]}.{digits[4:6]}-{digits[6:]}"
    if draw(st.booleans()):
        return f"{digits[:4]}{sep}{digits[4:6]}{sep}{digits[6:]}"
    return f"{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"


#: pieces of text around the numbers: letters, digits (longer runs too), separators, the
#: screen's own joiner, text beyond Latin-1
PIECES = st.one_of(
    st.sampled_from(["R", "ab", " ", ".", "-", "|", "x y", "é", "€", "0", "12", "1234"]),
    st.from_regex(r"\A[0-9]{1,20}\Z"),
    nine_digits(),
)
TEXTS = st.lists(st.lists(PIECES, max_size=6).map("".join), max_size=8)


@settings(max_examples=300, deadline=None)
@given(texts=TEXTS)
def test_block_screen_is_the_line_screen(texts: list[str]) -> None:
    assert may_hold_bsn_block(texts) == any(map(may_hold_bsn, texts))


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["R00010000000001"], False),  # 14 digits: no run of exactly nine
        ([f"x{BSN}"], True),
        ([f"{'1' * 18}"], False),  # 18 digits: counted as two runs of nine, then looked at
        (["12345", "6789"], False),  # never across two texts
        (["a 12 345 678"], True),  # a grouped tail inside a longer one
        (["a 12 34 567"], True),
        (["1 22.333-444"], True),
        (["x 12 3456", "12 345"], False),
        (["12 345|678"], False),
        ([f"1 {BSN[:3]} {BSN[3:6]} {BSN[6:]}"], True),
        ([f"{BSN}€"], True),  # beyond Latin-1: the regular expressions
        ([], False),
    ],
)
def test_block_screen_cases(texts: list[str], expected: bool) -> None:
    assert may_hold_bsn_block(texts) is expected
    assert any(map(may_hold_bsn, texts)) is expected


def _lines(n: int, seed: int) -> tuple[list[dict[str, Any]], MessageContext]:
    records = list(generate_declaration(n, seed=seed))
    ctx = MessageContext()
    ctx.header = records[0]  # type: ignore[assignment]
    return [r.to_data() for r in records if isinstance(r, Prestatie)], ctx


def _screened() -> list[tuple[str, str, int]]:
    """(scope's rule, element, longest text) of every field the BSN guard scans."""
    found = []
    aliases = {info.alias or name: info for name, info in Prestatie.model_fields.items()}
    for code, elements in (("R016", facts().free_text_fields), ("R042", facts().reference_fields)):
        for element in elements:
            info = aliases.get(element)
            if info is not None:
                longest = min(
                    [m.max_length for m in _metadata(info) if getattr(m, "max_length", None)]
                    or [250]
                )
                found.append((code, element, longest))
    return found


def _metadata(info: Any) -> list[Any]:
    from typing import get_args

    items = list(info.metadata)
    for arg in get_args(info.annotation):
        items.extend(getattr(arg, "__metadata__", ()))
    return items


def test_every_screened_field_may_hold_nine_digits() -> None:
    """The fields of the guard in the standard are all screened: each may hold nine digits
    (derived from the model: none is a short text or a code)."""
    aliases = {info.alias or name: info for name, info in Prestatie.model_fields.items()}
    for _, element, longest in _screened():
        assert longest >= 9 and may_hold_nine_digits(aliases[element])


@settings(max_examples=80, deadline=None)
@given(
    field=st.sampled_from(_screened()),
    number=nine_digits(),
    position=st.integers(0, 11),
    at=st.integers(0, 20),
    seed=st.integers(0, 3),
)
def test_bsn_like_numbers_in_every_field_at_every_position(
    field: tuple[str, str, int], number: str, position: int, at: int, seed: int
) -> None:
    """A BSN-like number in one line of a block (at any place in any screened text field):
    the block's line rules are clean exactly when no line breaks R016/R042 (the rule itself,
    per line), and otherwise the exact path explains it."""
    code, element, longest = field
    data, ctx = _lines(12, seed)
    old = str(data[position].get(element) or "")
    cut = min(at, len(old), longest - len(number))
    value = (old[:cut] + number + old[cut:])[:longest] if cut >= 0 else number[:longest]
    data[position] = {**data[position], element: value}
    columns = line_columns(data)
    assert columns is not None  # the value stays within the field's constraints
    models = [Prestatie.model_validate(line) for line in data]
    rules = [spec for spec in record_rules("declaratie", "line") if spec.func is not None]
    broken = {spec.code for spec in rules for m in models if spec.func(m, ctx)}  # type: ignore[misc]
    assert lines_clean(columns, ctx) is not bool(broken)  # each rule per line: the reference
    if code in broken:
        screened = [str(line.get(e) or "") for line in data for _, e, _ in _screened()]
        assert may_hold_bsn_block(screened)
