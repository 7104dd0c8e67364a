"""Uploads stream to disk: memory stays small whatever the size; names are only displayed."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from resv_edi.web.uploads import Upload, UploadError, display_name, receive

CHUNK = b"<x>" + b"a" * (64 * 1024 - 3)
COUNT = 160  # 10 MiB


async def _chunks(head: bytes = b"", tail: bytes = b"") -> AsyncIterator[bytes]:
    if head:
        yield head
    for _ in range(COUNT):
        yield CHUNK
    if tail:
        yield tail


def _receive_measured(content_type: str, body: AsyncIterator[bytes], target: Path) -> tuple:
    tracemalloc.start()
    try:
        upload = asyncio.run(receive(content_type, None, body, target, 0))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return upload, peak


def test_raw_body_streams_to_disk(tmp_path: Path) -> None:
    target = tmp_path / "upload"
    upload, peak = _receive_measured("application/xml", _chunks(), target)
    assert isinstance(upload, Upload) and upload.size == COUNT * len(CHUNK)
    assert target.stat().st_size == upload.size
    assert peak < 1024 * 1024, f"{peak} bytes held for a {upload.size} byte upload"


def test_form_streams_to_disk_and_keeps_small_fields(tmp_path: Path) -> None:
    head = (
        b'--b\r\nContent-Disposition: form-data; name="to"\r\n\r\nei\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="C:\\\\x\\\\d\xc3\xa9cl.xml"'
        b"\r\nContent-Type: application/xml\r\n\r\n"
    )
    target = tmp_path / "upload"
    upload, peak = _receive_measured(
        "multipart/form-data; boundary=b", _chunks(head, b"\r\n--b--\r\n"), target
    )
    assert upload.fields == {"to": "ei"} and upload.name == "décl.xml"
    assert target.stat().st_size == COUNT * len(CHUNK)
    assert target.read_bytes()[:3] == b"<x>"
    assert peak < 1024 * 1024, f"{peak} bytes held for a {upload.size} byte upload"


def test_size_limit_while_streaming(tmp_path: Path) -> None:
    with pytest.raises(UploadError) as caught:
        asyncio.run(receive("text/plain", None, _chunks(), tmp_path / "u", 1024 * 1024))
    assert caught.value.status == 413
    with pytest.raises(UploadError) as declared:  # refused before a byte is read
        asyncio.run(receive("text/plain", "999999999", _chunks(), tmp_path / "v", 1024))
    assert declared.value.status == 413 and not (tmp_path / "v").exists()


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (None, "upload"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\decl.xml", "decl.xml"),
        ("<script>alert(1)</script>.xml", "script_.xml"),  # "/" ends a path
        ("...", "upload"),
        ("a" * 200 + ".xml", "a" * 76 + ".xml"),
        ("b" * 200, "b" * 80),
    ],
)
def test_display_names(raw: str | None, shown: str) -> None:
    assert display_name(raw) == shown
