"""``parse_column`` (a column of one field's texts, converted once per distinct text and
screened as a whole) reads every value exactly as ``parse_fields`` reads it in its record,
and says "problem" exactly when ``parse_fields`` finds one in some record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resv_edi.formats.ei.resv import resv_layout
from resv_edi.model.messages import DECLARATIE
from resv_edi.vektis.layout import FieldSpec, load_layout
from resv_edi.vektis.reader import _digits, all_digits, column_values, parse_column, parse_fields

LAYOUTS = [resv_layout(DECLARATIE.name).layout, load_layout("HA304")]
#: one field of each sort (type, mandatory, code list, pattern): what parse_fields tells apart
FIELDS = list(
    {
        (f.type, f.mandatory, f.values, f.pattern, f.length < 8): (layout.records[rtype], f)
        for layout in LAYOUTS
        for rtype in layout.records
        for f in layout.records[rtype].fields
    }.values()
)
PIECES = ["0", "1", "9", " ", "A", "a", "\xe9", "\xb2", "-", "D", "C", "2027", "0101", "1231"]


def _texts(f: FieldSpec) -> st.SearchStrategy[str]:
    """Texts of the field's width: digits, spaces, letters, dates, codes and mixtures."""
    fitted = st.lists(st.sampled_from(PIECES), max_size=f.length).map(
        lambda t: "".join(t)[: f.length].ljust(f.length)
    )
    special = [v.ljust(f.length)[: f.length] for v in (f.values or ())]
    zeros = ["0" * f.length, " " * f.length, "20270131".ljust(f.length, "0")[: f.length]]
    return st.one_of(fitted, st.sampled_from([*special, *zeros]))


def _each(rl: Any, f: FieldSpec, raws: list[str]) -> tuple[list[Any], bool]:
    """Every raw text read in a record of its own by parse_fields; whether any has a problem."""
    values = []
    problem = False
    blank = " " * (f.start - 1)
    for raw in raws:
        text = (blank + raw).ljust(max(x.start + x.length - 1 for x in rl.fields))
        found, problems = parse_fields(rl, text)
        values.append(found[f.key])
        problem = problem or any(p[1] is f for p in problems or ())
    return values, problem


@pytest.mark.parametrize("convert", [parse_column, column_values])
@pytest.mark.parametrize(("rl", "f"), FIELDS, ids=[f"{rl.type}-{f.id}" for rl, f in FIELDS])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_column_is_parse_fields(
    convert: Callable[[FieldSpec, list[str]], Sequence[Any] | None],
    rl: Any,
    f: FieldSpec,
    data: st.DataObject,
) -> None:
    """``parse_column``, and ``column_values`` (screened as a whole column first), read every
    value as ``parse_fields`` does and say "problem" exactly when it does."""
    raws = data.draw(st.lists(_texts(f), min_size=1, max_size=80))
    values, problem = _each(rl, f, raws)
    column = convert(f, raws)
    if problem:
        assert column is None
    else:
        assert column is not None and list(column) == values
        assert [type(v) for v in column] == [type(v) for v in values]


def test_unique_digits_column() -> None:
    """A long column of distinct numbers (the screened path) and one bad value in it."""
    rl = resv_layout(DECLARATIE.name).layout.records["04"]
    f = rl.by_id["0416"]
    raws = [str(n).rjust(f.length, "0") for n in range(300)]
    assert parse_column(f, raws) == list(range(300))
    assert parse_column(f, [*raws, "1".rjust(f.length)]) is None


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("0123456789 x\xb2\xb9\u0663\u00bd-+"), max_size=12))
def test_all_digits_is_digits(text: str) -> None:
    """``all_digits`` (a long column's text at once) answers as the per-value ``_digits``:
    ASCII digits only, not Unicode ones such as superscript two or Arabic-Indic three."""
    assert all_digits(text) == _digits(text)
