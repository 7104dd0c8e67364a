"""The EI writer's column path (each field's distinct values formatted once, a block of
lines joined at once) writes byte for byte what the general path (``format_record`` per
record) writes, and refuses what it refuses, with the same error."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

import resv_edi.formats.ei.resv as resv
from resv_edi.formats.ei.lines import LinePlan
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.base import Record
from resv_edi.model.messages import DECLARATIE


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
    ],
    ids=repr,
)
def test_odd_values_match(changes: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    records = _with(list(generate_declaration(30, seed=2)), 5, **changes)
    assert _write(records, False, monkeypatch) == _write(records, True, monkeypatch)
