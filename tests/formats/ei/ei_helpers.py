"""Helpers for the EI tests (a plain module, tests/ has no packages)."""

from __future__ import annotations

import io
from typing import Any

import pytest

import resv_edi.vektis.framing as framing
import resv_edi.vektis.reader as reader
from resv_edi.errors import Issue
from resv_edi.generate.claims import generate_claims
from resv_edi.vektis import EIRecord, Layout, read_records
from resv_edi.vektis.framing import FrameScanner


def generate(
    standard: str, n_lines: int = 6, *, version: str | None = None, seed: int = 7
) -> tuple[bytes, dict]:
    buf = io.BytesIO()
    summary = generate_claims(standard, n_lines, buf, version=version, seed=seed)
    return buf.getvalue(), summary


def split(data: bytes) -> list[bytes]:
    """Record bodies of a well-formed file."""
    return data.split(b"\r\n")[:-1]


def join(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\r\n" for line in lines)


def issues_of(data: bytes, layout: Layout | None = None, **kw) -> list[Issue]:
    return [i for i in read_records(io.BytesIO(data), layout, **kw) if not isinstance(i, EIRecord)]


def put(line: bytes, layout: Layout, field_id: str, text: str) -> bytes:
    """``line`` with field ``field_id`` (of the line's record type) replaced by ``text``."""
    rl = layout.records[line[:2].decode()]
    f = rl.by_id[field_id]
    raw = text.encode("latin-1")
    assert len(raw) == f.length, (field_id, f.length, text)
    return line[: f.start - 1] + raw + line[f.start - 1 + f.length :]


def read_both(data: bytes, monkeypatch: pytest.MonkeyPatch, batch: int = 3, **kw: Any) -> list[Any]:
    """``read_records`` of ``data`` with the scanner's batches of ``batch`` records (read
    whole, and in the reader's parts of two), asserted equal to reading record by record,
    values in the same field order; the items."""
    monkeypatch.setattr(framing, "_BATCH", batch)
    batched = list(read_records(io.BytesIO(data), **kw))
    with monkeypatch.context() as patch:
        patch.setattr(reader, "_PART", 2)
        parted = list(read_records(io.BytesIO(data), **kw))
    with monkeypatch.context() as patch:
        patch.setattr(FrameScanner, "scan_batches", FrameScanner.scan)  # record by record
        single = list(read_records(io.BytesIO(data), **kw))
    assert batched == single
    assert parted == single
    assert _field_orders(batched) == _field_orders(parted) == _field_orders(single)
    return single


def _field_orders(items: list[Any]) -> list[list[str]]:
    return [list(item.values) for item in items if isinstance(item, EIRecord)]
