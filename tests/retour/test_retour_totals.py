"""The retour's submitted totals include lines the schema refuses, at their amount as read."""

from __future__ import annotations

from pathlib import Path

import pytest

from resv_edi.api import read
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE, RETOUR, Entry
from resv_edi.model.retour import RetourPrestatie, RetourTotalen
from resv_edi.retour.builder import retour_records
from resv_edi.retour.reconcile import reconcile

# every reader hands over the values of a refused line
FORMATS = ["xml", "json", "ndjson", "csv", "ei"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_refused_line_keeps_its_amount(tmp_path: Path, fmt: str) -> None:
    records = list(generate_declaration(6, seed=9))
    lines = [r for r in records if isinstance(r, Prestatie)]
    # one line the model refuses for a reason that has nothing to do with its amount
    records[2] = records[2].model_copy(update={"hoofdtaak": "9"})
    src = tmp_path / f"d.{fmt}"
    with src.open("wb") as fh:
        get_format(fmt).writer(records, fh, DECLARATIE)
    entries = [e for e in read(src) if isinstance(e, Entry) and e.part == "line"]
    refused = [e for e in entries if e.record is None]
    assert len(refused) == 1 and refused[0].raw is not None
    retour = list(retour_records(src))
    rows = [r for r in retour if isinstance(r, RetourPrestatie)]
    totals = next(r for r in retour if isinstance(r, RetourTotalen))
    declared = sum(line.signed_amount for line in lines)
    assert totals.signed_submitted == declared
    bad = rows[1]
    assert (bad.ingediend_bedrag, bad.ingediend_debet_credit) == (
        lines[1].bedrag,
        lines[1].debet_credit,
    )
    assert bad.toegekend_bedrag == 0 and bad.retourcodes
    target = tmp_path / "r.xml"
    with target.open("wb") as fh:
        get_format("xml").writer(retour, fh, RETOUR)
    outcome = reconcile(src, target)
    assert outcome.reconciled and outcome.submitted == declared, outcome.as_dict()
