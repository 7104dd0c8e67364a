"""A draft declaration from lump sums follows standard 1.1: prestatie 2 names its subcontract,
the Werkgebied is a code of the region list (the first one, with warning M008, when none is
given), and the draft passes every rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from resv_edi.api import check_file
from resv_edi.formats.registry import get_format
from resv_edi.lumpsum.draft import DraftError, DraftOptions, build_draft
from resv_edi.lumpsum.records import LumpSumRecord
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE
from resv_edi.standard.codelists import codelist


def _records() -> list[LumpSumRecord]:
    return [
        LumpSumRecord(
            Mapping="ha304_oi",
            Bronstandaard="HA304",
            Zorgaanbieder="01234567",
            Zorgverzekeraar="3311",
            PeriodeBegin=date(2027, 1, 1),
            PeriodeEinde=date(2027, 3, 31),
            Hoofdtaak=task,
            AantalRegels=3,
            AantalPrestaties=3,
            Debet=cents,
            Credit=0,
            Saldo=cents,
        )
        for task, cents in (("5", 120_000), ("2", 80_000))
    ]


def _options(soort: str, **kw: object) -> DraftOptions:
    base: dict[str, object] = {
        "prestatiesoort": soort,
        "sender": "98000001",
        "agreement": "OVK-3311-2027",
        "plan": "PLAN-1",
        "dagtekening": date(2027, 4, 15),
    }
    if soort == "2":
        base["commissioning"] = "98000002"
    return DraftOptions(**{**base, **kw})  # type: ignore[arg-type]


def _check(records: list, tmp_path: Path) -> list:
    path = tmp_path / "draft.xml"
    with path.open("wb") as out:
        get_format("xml").writer(records, out, DECLARATIE)
    return check_file(path).issues


def test_prestatie2_needs_its_subcontract(tmp_path: Path) -> None:
    with pytest.raises(DraftError, match="subcontract"):
        build_draft(_records(), _options("2", region="W003"))
    message, warnings = build_draft(_records(), _options("2", region="W003", subcontract="OO-7"))
    lines = [r for r in message if isinstance(r, Prestatie)]
    assert lines and all(r.opdracht_overeenkomst == "OO-7" for r in lines)
    assert warnings == [] and _check(message, tmp_path) == []


def test_prestatie1_never_carries_a_subcontract(tmp_path: Path) -> None:
    message, _ = build_draft(_records(), _options("1", region="W003", subcontract="OO-7"))
    assert all(r.opdracht_overeenkomst is None for r in message if isinstance(r, Prestatie))
    assert _check(message, tmp_path) == []


def test_without_region_the_first_of_the_list_with_a_warning(tmp_path: Path) -> None:
    message, warnings = build_draft(_records(), _options("1"))
    first = next(iter(codelist("werkgebieden").codes))
    assert [w.code for w in warnings] == ["M008"] and first in warnings[0].message
    assert {r.werkgebied for r in message if isinstance(r, Prestatie)} == {first}
    assert _check(message, tmp_path) == []
