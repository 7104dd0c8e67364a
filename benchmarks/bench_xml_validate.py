"""Reading + validating generated XML declarations against bare ``lxml.etree.iterparse``,
and ``resv-edi validate`` against lxml's streaming XSD validation.

    pytest benchmarks/bench_xml_validate.py -s
    RESV_BENCH_SIZES=1000000 pytest benchmarks/bench_xml_validate.py -s

The baseline is the usual streaming idiom: iterparse with a tag filter on the line element,
``clear()`` and deleting earlier siblings. Ours is the full ``check_file``: safe parsing,
structure, model binding, every record rule and the cross-line reference checks. The XSD
baseline is the same idiom with ``schema=`` (the standard's XSD) and the safe parser settings:
it checks the schema only, ``resv-edi validate`` does everything it always does.

Both of ours also print the time the garbage collector spent in them, per round
(``gc.callbacks``): the command freezes its start-up objects and collects the youngest
generation less often (``resv_edi.cli.collector``), ``check_file`` alone runs with the
caller's settings.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from benchmarks.conftest import compare
from resv_edi.api import check_file
from resv_edi.cli.main import cli
from resv_edi.model.messages import DECLARATIE

LINE_TAG = f"{{{DECLARATIE.namespace}}}Prestatie"
XSD = Path(__file__).resolve().parents[1] / "xsd" / "declaratie.xsd"
SIZES = [int(n) for n in os.environ.get("RESV_BENCH_SIZES", "100000").split(",")]


class CollectorTime:
    """The seconds the garbage collector spent within calls of :meth:`around`, and its
    collections by generation."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self.calls = 0
        self.cpu = float("inf")  # the least CPU time of one call
        self._start = 0.0

    def _watch(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections[info["generation"]] += 1

    def around(self, func: Callable[[], object]) -> Callable[[], None]:
        def watched() -> None:
            gc.callbacks.append(self._watch)
            started = time.process_time()
            try:
                func()
            finally:
                self.cpu = min(self.cpu, time.process_time() - started)
                gc.callbacks.remove(self._watch)
                self.calls += 1

        return watched

    def show(self, name: str) -> None:
        calls = max(self.calls, 1)
        per = [round(c / calls) for c in self.collections]
        print(f"{name}: collector {self.seconds / calls:.3f}s and {per} collections per round")

    def cpu_ratio(self, name: str, baseline: CollectorTime) -> None:
        """The same-run ratio in CPU time (steadier than wall time on a shared machine)."""
        ratio = baseline.cpu / self.cpu
        print(f"{name}: CPU ours {self.cpu:.3f}s, baseline {baseline.cpu:.3f}s, ratio {ratio:.2f}x")


def bare_iterparse(path: Path) -> int:
    n = 0
    for _, elem in etree.iterparse(str(path), events=("end",), tag=LINE_TAG):
        n += 1
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    return n


def xsd_iterparse(path: Path) -> int:
    """lxml's streaming XSD validation, safe settings; raises on the first schema error."""
    schema = etree.XMLSchema(file=str(XSD))
    n = 0
    for _, elem in etree.iterparse(
        str(path),
        events=("end",),
        tag=LINE_TAG,
        schema=schema,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    ):
        n += 1
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    return n


@pytest.mark.parametrize("n", SIZES)
def test_xml_read_validate(
    benchmark: Any, declaration_files: Callable[[int, str], Path], n: int
) -> None:
    path = declaration_files(n, "xml")

    def ours() -> None:
        report = check_file(path)
        assert report.errors == 0 and report.lines == n

    spent = CollectorTime()
    compare(
        benchmark, f"XML read+validate {n} lines", lambda: bare_iterparse(path), spent.around(ours)
    )
    spent.show(f"check_file {n} lines")


@pytest.mark.parametrize("n", SIZES)
def test_validate_vs_xsd(
    benchmark: Any, declaration_files: Callable[[int, str], Path], n: int
) -> None:
    """``resv-edi validate`` (the command, in process) against ``iterparse(schema=...)``:
    a ratio above 1 means faster than lxml's XSD validation alone."""
    path = declaration_files(n, "xml")
    assert xsd_iterparse(path) == n  # the file is schema-valid: the baseline reads it all

    def ours() -> None:
        result = CliRunner().invoke(cli, ["validate", str(path)])
        assert result.exit_code == 0, result.output

    spent, xsd = CollectorTime(), CollectorTime()
    compare(
        benchmark,
        f"resv-edi validate vs XSD iterparse {n} lines",
        xsd.around(lambda: xsd_iterparse(path)),
        spent.around(ours),
    )
    spent.show(f"resv-edi validate {n} lines")
    spent.cpu_ratio(f"resv-edi validate vs XSD iterparse {n} lines", xsd)
