"""The EI writer's column path (each field's distinct values formatted once, a block of
lines joined at once) writes byte for byte what the general path (``format_record`` per
record) writes, and refuses what it refuses, with the same error."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import resv_edi.formats.ei.resv as resv
from resv_edi.formats.ei.lines import LinePlan
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.base import Record
from resv_edi.model.messages import DECLARATIE
from resv_edi.vektis.writer import write_text_lists, write_texts


def _general(*args: Any) -> Any:
    raise TypeError("no column path: every record through format_record")


def _write(records: list[Record], general: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        if general:
            patch.setattr(LinePlan, "_columns", _general)
        out = io.BytesIO()
        try:
            resv.write_ei(records, out, DECLARATIE)
        except (ValueError, TypeError) as exc:
            return type(exc), str(exc)
        return out.getvalue()


@pytest.mark.parametrize(("n", "seed"), [(1, 1), (24, 7), (1500, 3), (2049, 5)])
def test_generated_files_match(n: int, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    records = list(generate_declaration(n, seed=seed))
    fast = _write(records, False, monkeypatch)
    assert isinstance(fast, bytes) and fast.count(b"\r\n") >= n + 2
    assert fast == _write(records, True, monkeypatch)


def _with(records: list[Record], at: int, **changes: Any) -> list[Record]:
    line = records[at]
    changed = type(line).model_construct(**{**line.__dict__, **changes})
    return [*records[:at], changed, *records[at + 1 :]]


@pytest.mark.parametrize(
    "changes",
    [
        {"omschrijving": "x" * 101},  # too wide: refused
        {"omschrijving": ""},
        {"omschrijving": 12},  # not text
        {"bedrag": 10**11},  # too wide
        {"bedrag": -5},
        {"bedrag": True},
        {"bedrag": "123"},  # digits as text
        {"btw_bedrag": 0},
        {"btw_bedrag": 10**12},
        {"zorgverzekeraar": 3358},
        {"zorgverzekeraar": "33"},
        {"begindatum": date(999, 1, 1)},
        {"begindatum": "20270101"},
        {"debet_credit": "CC"},
        {"referentienummer": ["a"]},  # no dictionary key
        {"uitvoerende_zorgaanbieder": "12"},
        {"toelichting": "x" * 251},  # a comment too wide: refused
        {"toelichting": "x" * 250},
        {"toelichting": 5},  # not text
        {"toelichting": "caf\xe9 \u20ac"},  # beyond ISO-8859-1
        {"toelichting": "\xc2\xa9"},  # reads as UTF-8
        {"toelichting": " "},
    ],
    ids=repr,
)
def test_odd_values_match(changes: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    records = _with(list(generate_declaration(30, seed=2)), 5, **changes)
    assert _write(records, False, monkeypatch) == _write(records, True, monkeypatch)


@pytest.mark.parametrize("first", [0, 10**12 - 40, 10**12 - 20, 10**12 - 1])
def test_numbers_near_the_width_match(first: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines and comments numbered up to (and past) the detail number's twelve digits: the
    same texts or the same error by columns as record by record."""
    records = [r for r in generate_declaration(30, seed=4) if isinstance(r, DECLARATIE.line)]
    assert any(r.toelichting for r in records)
    plan = resv.line_plan(DECLARATIE.name)

    def texts(general: bool) -> Any:
        with monkeypatch.context() as patch:
            if general:
                patch.setattr(LinePlan, "_columns", _general)
            try:
                return plan.records_texts(records, first)
            except ValueError as exc:
                return str(exc)

    assert texts(False) == texts(True)


TEXTS = st.lists(
    st.lists(st.sampled_from(["a", "b c", "caf\xe9", "\u20ac", "\xc2\xa9", ""]), max_size=700),
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(lists=TEXTS)
def test_text_lists_write_as_texts(lists: list[list[str]]) -> None:
    """``write_text_lists`` writes what ``write_texts`` writes of the same texts, in the
    same blocks of 1024: the same bytes, or the same error naming the same record."""

    def run(write: Any, given: Any) -> Any:
        out = io.BytesIO()
        try:
            return write(given, out), out.getvalue()
        except ValueError as exc:
            return str(exc), out.getvalue()

    flat = [text for texts in lists for text in texts]
    assert run(write_text_lists, lists) == run(write_texts, iter(flat))


def _order_cases() -> dict[str, list[Any]]:
    records = list(generate_declaration(5, seed=6))
    header, lines, totals = records[0], records[1:-1], records[-1]
    other = generate_declaration(1, seed=7)
    return {
        "ok": records,
        "line_first": [lines[0], header, *lines[1:], totals],
        "lines_first": [*lines, header, totals],
        "line_after_totals": [header, *lines[:2], totals, lines[2]],
        "header_twice": [header, *lines[:2], header, *lines[2:], totals],
        "header_last": [*lines, totals, header],
        "totals_twice": [header, *lines, totals, totals],
        "no_totals": [header, *lines],
        "no_header": [*lines, totals],
        "a_string": [header, lines[0], "04 not a record", *lines[1:], totals],
        "a_header_subclass": [header, *lines, type("Sub", (type(totals),), {})(**totals.__dict__)],
        "other_message": [header, *lines, next(iter(other))],
    }


@pytest.mark.parametrize("case", sorted(_order_cases()))
def test_record_order_refused_as_elsewhere(case: str) -> None:
    """Lines are accepted in their place a batch at a time: a record out of order is
    refused with the error every writer gives (the NDJSON writer accepts record by record),
    and nothing changes for records in order."""
    records = _order_cases()[case]

    def run(fmt: str) -> Any:
        try:
            get_format(fmt).writer(iter(records), io.BytesIO(), DECLARATIE)
        except (ValueError, TypeError) as exc:
            return type(exc), str(exc)
        return "ok"

    assert run("ei") == run("ndjson")
    assert (run("ei") == "ok") == (case == "ok")
