"""Read + validate, write and convert in every format, each as a ratio to a bare baseline.

    pytest benchmarks/bench_formats.py -s                      # 10 k and 100 k lines
    RESV_BENCH_SIZES=10000,1000000 pytest benchmarks/bench_formats.py -s

Every test times the project's code and a bare baseline over the same generated file in the
same run (see ``conftest.compare``); the ratio is baseline time / our time, so 0.40x means
"40 % of the bare parser's speed". Targets are in ``docs/performance.md``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ijson
import orjson
import pytest
from lxml import etree

from benchmarks.conftest import bare_slicing, compare
from resv_edi.api import check_file, convert
from resv_edi.formats.ei.resv import resv_layout
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.columns import LineBlock
from resv_edi.model.messages import DECLARATIE

SIZES = [int(n) for n in os.environ.get("RESV_BENCH_SIZES", "10000,100000").split(",")]
NS = f"{{{DECLARATIE.namespace}}}"
Make = Callable[[int, str], Path]


def bare_iterparse(path: Path) -> int:
    n = 0
    for _, elem in etree.iterparse(str(path), events=("end",), tag=NS + "Prestatie"):
        n += 1
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    return n


def bare_orjson(path: Path) -> int:
    n = 0
    with path.open("rb") as fh:
        for line in fh:
            orjson.loads(line)
            n += 1
    return n


def bare_ijson(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in ijson.items(fh, "Declaratiebericht.Prestaties.item"))


def bare_slicing_resv(path: Path) -> int:
    return bare_slicing(path, resv_layout("declaratie").layout)


BASELINES = {
    "xml": bare_iterparse,
    "ndjson": bare_orjson,
    "json": bare_ijson,
    "ei": bare_slicing_resv,
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("fmt", ["xml", "ndjson", "json", "ei"])
def test_read_validate(benchmark: Any, declaration_files: Make, fmt: str, n: int) -> None:
    path = declaration_files(n, fmt)

    def ours() -> None:
        report = check_file(path)
        assert report.errors == 0 and report.lines == n

    compare(benchmark, f"{fmt} read+validate {n}", lambda: BASELINES[fmt](path), ours)


@pytest.mark.parametrize("n", SIZES)
def test_xml_write(benchmark: Any, n: int) -> None:
    records = list(generate_declaration(n, seed=1))
    lines = records[1:-1]

    def bare_xmlfile() -> None:
        out = io.BytesIO()
        with etree.xmlfile(out, encoding="utf-8") as xf, xf.element(NS + "Declaratiebericht"):
            for line in lines:
                el = etree.Element(NS + "Prestatie")
                for name, value in line.to_data().items():
                    etree.SubElement(el, NS + name).text = str(value)
                xf.write(el)

    def ours() -> None:
        get_format("xml").writer(records, io.BytesIO(), DECLARATIE)

    compare(benchmark, f"xml write {n}", bare_xmlfile, ours)


@pytest.mark.parametrize("n", SIZES)
def test_ndjson_write(benchmark: Any, n: int) -> None:
    records = list(generate_declaration(n, seed=1))
    dumps = orjson.dumps

    def bare() -> None:
        out = io.BytesIO()
        for record in records:
            out.write(dumps(record.to_data()) + b"\n")

    def ours() -> None:
        get_format("ndjson").writer(records, io.BytesIO(), DECLARATIE)

    compare(benchmark, f"ndjson write {n}", bare, ours)


@pytest.mark.parametrize("n", SIZES)
def test_ei_write(benchmark: Any, n: int) -> None:
    records = list(generate_declaration(n, seed=1))
    texts = [
        [str(v) for v in record.to_data().values() if not isinstance(v, list)] for record in records
    ]

    def bare() -> None:
        out = io.BytesIO()
        for values in texts:  # fixed-width by padding every value: the bare formatting work
            out.write(
                ("".join(v.ljust(20)[:20] for v in values).ljust(310) + "\r\n").encode("latin-1")
            )

    def ours() -> None:
        get_format("ei").writer(records, io.BytesIO(), DECLARATIE)

    compare(benchmark, f"ei write {n}", bare, ours)


def _as_blocks(records: list[Any], size: int = 2048) -> list[Any]:
    """``records`` with their lines as LineBlocks (what convert hands a writer for clean
    blocks)."""
    lines = records[1:-1]
    cls = DECLARATIE.line
    blocks = [
        LineBlock(cls, {a: [r.__dict__[a] for r in lines[i : i + size]] for a in cls.model_fields})
        for i in range(0, len(lines), size)
    ]
    return [records[0], *blocks, records[-1]]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("fmt", ["xml", "ei"])
def test_write_blocks(benchmark: Any, fmt: str, n: int) -> None:
    """The writers given clean lines as columns (LineBlock), against the records path."""
    records = list(generate_declaration(n, seed=1))
    items = _as_blocks(records)
    writer = get_format(fmt).writer

    def by_records() -> None:
        writer(records, io.BytesIO(), DECLARATIE)

    def by_blocks() -> None:
        writer(items, io.BytesIO(), DECLARATIE)

    compare(benchmark, f"{fmt} write blocks vs records {n}", by_records, by_blocks)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize(("source", "target"), [("xml", "ei"), ("ei", "xml"), ("ndjson", "xml")])
def test_convert(
    benchmark: Any, declaration_files: Make, tmp_path: Path, source: str, target: str, n: int
) -> None:
    src = declaration_files(n, source)
    xml = declaration_files(n, "xml")
    out = tmp_path / f"out.{target}"

    def ours() -> None:
        assert convert(src, out, target).written

    compare(benchmark, f"convert {source}->{target} {n}", lambda: bare_iterparse(xml), ours)
