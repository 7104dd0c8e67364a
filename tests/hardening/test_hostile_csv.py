"""Hostile CSV: every fault a coded issue at its line (and column where one exists)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from resv_edi.api import check_file
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE

from .conftest import positioned, validate

Rows = list[bytes]


def rows(n: int = 20) -> Rows:
    out = io.BytesIO()
    get_format("csv").writer(generate_declaration(n, seed=5), out, DECLARATIE)
    return out.getvalue().split(b"\n")


def join(lines: Rows) -> bytes:
    return b"\n".join(lines)


def _at(n: int, old: bytes, new: bytes) -> Callable[[Rows], bytes]:
    def edit(r: Rows) -> bytes:
        r[n] = r[n].replace(old, new, 1)
        return join(r)

    return edit


#: name -> (edit, expected code (None: any), its line)
CASES: dict[str, tuple[Callable[[Rows], bytes], str | None, int]] = {
    "latin1_byte": (_at(11, b",", b",\xe9"), "C001", 12),
    "utf16_surrogate_bytes": (_at(5, b",", b",\xed\xa0\x80"), "C001", 6),
    "nul_byte": (_at(7, b",", b",\x00"), None, 8),
    "unclosed_quote": (_at(9, b",", b',"open'), "C001", 10),
    "line_of_2mb": (_at(3, b",", b"," + b"A" * 2 * 2**20), "L001", 4),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_csv(name: str, tmp_path: Path) -> None:
    edit, code, line = CASES[name]
    target = tmp_path / "hostile.csv"
    target.write_bytes(edit(rows()))
    outcome = validate(target)
    found = [i for i in outcome.issues if code is None or i["code"] == code]
    assert found, outcome.issues
    assert all(positioned(i) for i in outcome.issues)
    assert line in [i["location"].get("line") for i in found], found


@pytest.mark.parametrize("eol", [b"\r\n", b"\r"])
def test_crlf_and_cr_only_line_ends_read(tmp_path: Path, eol: bytes) -> None:
    """CSV from Windows (CR LF) or old Mac software (CR only) reads like LF."""
    target = tmp_path / "eol.csv"
    target.write_bytes(join(rows()).replace(b"\n", eol))
    report = check_file(target)
    assert report.errors == 0 and report.lines == 20, report.issues
