"""Decode fuzzing (bounded): random and mutated bytes through every reader never raise.

Random bytes, and valid messages with bit flips, truncation and splicing, are fed to
``resv_edi.api.read`` (every format) and ``check_file`` (detection, readers, schema, rules).
Only entries and coded issues may come out. The unbounded counterpart is ``fuzz/``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resv_edi.api import check_file, read
from resv_edi.errors import Issue
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.standard.catalogue import catalogue

FORMATS = ("xml", "json", "ndjson", "ei", "csv")
LIMITS = Limits(max_file_size=1 << 20, max_records=500, max_errors=100)
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _message(fmt: str) -> bytes:
    out = io.BytesIO()
    get_format(fmt).writer(generate_declaration(4, seed=17), out, DECLARATIE)
    return out.getvalue()


VALID = {fmt: _message(fmt) for fmt in FORMATS}


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "input"


def _check(path: Path, data: bytes) -> None:
    """Every reader and the validator on ``data``: entries and catalogue issues only."""
    path.write_bytes(data)
    codes = catalogue()
    for fmt in ("auto", *FORMATS):
        for item in read(path, fmt, limits=LIMITS):
            assert isinstance(item, Entry | Issue), item
            if isinstance(item, Issue):
                assert item.code in codes, item
    report = check_file(path, limits=LIMITS)
    assert all(isinstance(i, Issue) and i.code in codes for i in report.issues)
    assert int(report.exit_code) in (0, 1, 2)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid message with a few bit flips, byte overwrites, a truncation or a splice."""
    fmt = draw(st.sampled_from(FORMATS))
    data = bytearray(VALID[fmt])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "byte", "truncate", "splice", "insert"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if not data:
            break
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "byte":
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "splice":
            other = VALID[draw(st.sampled_from(FORMATS))]
            start = draw(st.integers(0, len(other) - 1))
            data[at:] = other[start : start + draw(st.integers(1, 400))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
    return bytes(data)


@SETTINGS
@given(data=st.binary(max_size=2048))
def test_random_bytes(target: Path, data: bytes) -> None:
    _check(target, data)


@SETTINGS
@given(data=mutated())
def test_mutated_messages(target: Path, data: bytes) -> None:
    _check(target, data)


@SETTINGS
@given(
    fmt=st.sampled_from(FORMATS),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"<", b"{", b"01"]),
    tail=st.binary(max_size=512),
)
def test_plausible_starts(target: Path, fmt: str, prefix: bytes, tail: bytes) -> None:
    """Inputs that get past format detection: a valid start, then noise."""
    _check(target, prefix + VALID[fmt][: len(VALID[fmt]) // 3] + tail)


def _every_item(data: bytes) -> Iterator[Entry | Issue]:
    for fmt in FORMATS:
        yield from get_format(fmt).reader(io.BytesIO(data), None, file="stream", limits=LIMITS)


@SETTINGS
@given(data=mutated())
def test_stream_sources(data: bytes) -> None:
    """The readers accept binary streams as well as paths; same contract."""
    assert all(isinstance(item, Entry | Issue) for item in _every_item(data))
