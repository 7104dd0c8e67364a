"""The rules across lines of standard 1.1 (R035 credits, R037 one werkgebied per plan) give the
same issues when a file is validated in chunks as in one piece, also across the cuts; a file of
release 1.0 falls back to the one-piece run (F005)."""

from __future__ import annotations

from pathlib import Path

import pytest

from resv_edi.api import check_file
from resv_edi.batch import split
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import DEFAULT_LIMITS
from resv_edi.model.declaratie import Header, Prestatie
from resv_edi.model.messages import DECLARATIE

FORMATS = ["ndjson", "xml", "ei"]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_CHUNK", 4096)
    monkeypatch.setattr(split, "SPLIT_FROM", dict.fromkeys(split.SPLIT_FORMATS, 0))


def _chunked(path: Path) -> dict | None:
    specs = split.plan_chunks(str(path), "auto", 4, DEFAULT_LIMITS)
    assert specs is not None and len(specs) == 4
    report = split.merge(specs, [split.validate_chunk(s) for s in specs])
    return report.as_dict() if report else None


def _faulty(path: Path, fmt: str) -> Path:
    records = list(generate_declaration(1500, seed=2))
    lines = records[1:-1]
    # a late credit whose debit lies in an early chunk: make the debit differ (R035 on the credit)
    by_ref = {r.referentienummer: n for n, r in enumerate(lines) if isinstance(r, Prestatie)}
    credit = next(r for r in reversed(lines) if isinstance(r, Prestatie) and r.debet_credit == "C")
    assert credit.vorig_referentienummer is not None
    debit_at = by_ref[credit.vorig_referentienummer]
    debit = lines[debit_at]
    assert isinstance(debit, Prestatie)
    other_task = "5" if debit.hoofdtaak != "5" else "1"
    lines[debit_at] = debit.model_copy(update={"hoofdtaak": other_task})
    # a line near the end with another werkgebied under the same plan (R037)
    moved = lines[-7]
    assert isinstance(moved, Prestatie) and moved.debet_credit == "D"
    other = "W001" if moved.werkgebied != "W001" else "W002"
    lines[-7] = moved.model_copy(update={"werkgebied": other})
    with path.open("wb") as out:
        get_format(fmt).writer([records[0], *lines, records[-1]], out, DECLARATIE)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_cross_line_rules_of_1_1_in_chunks(tmp_path: Path, fmt: str) -> None:
    path = _faulty(tmp_path / f"d.{fmt}", fmt)
    expected = check_file(str(path)).as_dict()
    codes = [i["code"] for i in expected["issues"]]
    assert codes.count("R035") == 1 and codes.count("R037") == 1, codes
    assert _chunked(path) == expected


def test_release_1_0_falls_back_to_one_piece(tmp_path: Path) -> None:
    records = list(generate_declaration(1500, seed=2))
    header = records[0]
    assert isinstance(header, Header)
    records[0] = header.model_copy(update={"bericht_subversie": 0, "xsd_versie": "1.0.0"})
    path = tmp_path / "old.ndjson"
    with path.open("wb") as out:
        get_format("ndjson").writer(records, out, DECLARATIE)
    assert _chunked(path) is None
    assert [i.code for i in check_file(str(path)).issues] == ["F005"]
