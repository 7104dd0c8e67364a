"""Reading + validating generated XML declarations against bare ``lxml.etree.iterparse``.

    pytest benchmarks/bench_xml_validate.py

The baseline is the usual streaming idiom: iterparse with a tag filter on the line element,
``clear()`` and deleting earlier siblings. Ours is the full ``check_file``: safe parsing,
structure, model binding, every record rule and the cross-line reference checks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from benchmarks.conftest import compare
from resv_edi.api import check_file
from resv_edi.model.messages import DECLARATIE

LINE_TAG = f"{{{DECLARATIE.namespace}}}Prestatie"


def bare_iterparse(path: Path) -> int:
    n = 0
    for _, elem in etree.iterparse(str(path), events=("end",), tag=LINE_TAG):
        n += 1
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    return n


@pytest.mark.parametrize("n", [100_000])
def test_xml_read_validate(
    benchmark: Any, declaration_files: Callable[[int, str], Path], n: int
) -> None:
    path = declaration_files(n, "xml")

    def ours() -> None:
        report = check_file(path)
        assert report.errors == 0 and report.lines == n

    compare(benchmark, f"XML read+validate {n} lines", lambda: bare_iterparse(path), ours)
