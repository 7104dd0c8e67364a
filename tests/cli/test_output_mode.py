"""Outputs follow the user's umask like any Unix tool, and keep the mode of a file they replace."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from resv_edi.pipeline import convert
from resv_edi.source import atomic_output

VALID = Path(__file__).resolve().parents[2] / "fixtures" / "valid"


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o22)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_output_follows_the_umask(tmp_path: Path, umask: None, mask: int, mode: int) -> None:
    os.umask(mask)
    result = convert(VALID / "prestatie1_credit_correction.xml", tmp_path / "d.json", "json")
    assert result.written
    assert stat.S_IMODE((tmp_path / "d.json").stat().st_mode) == mode


def test_a_replaced_output_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "d.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with atomic_output(target) as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
