"""Every layout: a generated file reads without issues, writes back byte for byte, and
inspect agrees with the generator."""

from __future__ import annotations

import io

import pytest
from ei_helpers import generate

from resv_edi.formats.ei.inspect import inspect_file
from resv_edi.vektis import (
    EIRecord,
    all_layouts,
    detect_layout,
    load_layout,
    read_records,
    write_records,
)

# claim standards only: the RESV layouts have their own generator and tests
LAYOUTS = tuple(la for la in all_layouts() if la.role_type("insured"))


def test_all_standards_present() -> None:
    names = {la.standard for la in LAYOUTS}
    assert {
        "AP304",
        "AW319",
        "AW320",
        "EP301",
        "EP302",
        "HA304",
        "HA305",
        "LH307",
        "LH308",
        "MZ301",
        "MZ302",
        "OS301",
        "OS302",
        "PM304",
        "PM305",
        "VK301",
        "VK302",
        "ZH308",
        "ZH309",
    } <= names
    assert {(la.standard, la.version, la.subversion) for la in LAYOUTS} >= {
        ("AW319", 1, 3),
        ("AW319", 1, 4),
        ("AP304", 7, 2),
        ("AP304", 8, 0),
    }


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda la: la.name)
def test_generated_file_is_clean_and_round_trips(layout, tmp_path) -> None:
    data, summary = generate(layout.standard, 40, version=f"{layout.version}.{layout.subversion}")
    assert detect_layout(data[:310]) is layout
    items = list(read_records(io.BytesIO(data)))
    issues = [i for i in items if not isinstance(i, EIRecord)]
    assert issues == []
    records = [i for i in items if isinstance(i, EIRecord)]
    assert [r.line for r in records] == list(range(1, len(records) + 1))
    out = io.BytesIO()
    write_records(records, out, layout)
    assert out.getvalue() == data

    path = tmp_path / "claims.asc"
    path.write_bytes(data)
    info = inspect_file(path)
    assert info["standard"] == layout.standard
    assert info["version"] == summary["version"]
    assert info["records"] == dict(sorted(summary["records"].items()))
    assert info["issues"] == 0
    assert info["total"] == summary["total"]
    for key, net in summary["totals"].items():
        assert info["totals"][key]["net"] == net
        assert info["totals"][key]["trailer"]["amount"] == abs(net)


def test_typed_values() -> None:
    ha304 = load_layout("HA304")
    data, _ = generate("HA304", 5)
    records = [i for i in read_records(io.BytesIO(data)) if isinstance(i, EIRecord)]
    header, line = records[0], next(r for r in records if r.record_type == "04")
    assert header.values["code_externe_integratiebericht"] == "112"
    assert header.values["begindatum_declaratieperiode"].isoformat() == "2026-01-01"
    assert isinstance(line.values["declaratiebedrag_incl_btw"], int)
    assert line.values["indicatie_debet_credit_02"] in ("D", "C")
    assert len(header.raw) == ha304.record_length
