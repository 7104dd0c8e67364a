"""Issue 15, point 5: a zip whose central directory has more entries (or bytes) than the
archive rules allow is refused from its end record, before zipfile loads the directory."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from resv_edi.api import check_file
from resv_edi.pipeline import check_archive
from resv_edi.transport import archive
from resv_edi.transport.archive import transport_rules
from resv_edi.transport.end_record import EndRecordError, read_end_record

MEMBER = b'<?xml version="1.0"?><x/>'


def _small_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.xml", MEMBER)
    return buf.getvalue()


def _classic(entries: int, cd_size: int, comment: bytes = b"") -> bytes:
    """A small real zip whose end record is rewritten to declare ``entries``/``cd_size``."""
    data = bytearray(_small_zip())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HHL", data, end + 8, entries, entries, cd_size)
    struct.pack_into("<H", data, end + 20, len(comment))
    return bytes(data) + comment


def _zip64(entries: int, cd_size: int) -> bytes:
    """The end of a zip that says "ZIP64" and declares ``entries`` in its ZIP64 record, as a
    1.6 M member zip does (its central directory itself is left out: we never read it)."""
    data = _small_zip()
    end = data.rfind(b"PK\x05\x06")
    body = data[:end]
    offset = len(body)
    record64 = struct.pack(
        "<4sQHHLLQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, cd_size, 0
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, offset, 1)
    classic = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0
    )
    return body + record64 + locator + classic


def test_end_record_of_a_real_zip() -> None:
    data = _small_zip()
    end = read_end_record(io.BytesIO(data))
    assert end.entries == 1 and 0 < end.directory_size < 100
    commented = _classic(1, end.directory_size, b"a comment after the record")
    assert read_end_record(io.BytesIO(commented)).entries == 1
    assert read_end_record(io.BytesIO(_zip64(1_600_000, 80_000_000))).entries == 1_600_000
    with pytest.raises(EndRecordError):
        read_end_record(io.BytesIO(b"PK\x03\x04 not a zip at all, no end record here"))


@pytest.fixture
def no_zipfile(monkeypatch: pytest.MonkeyPatch) -> None:
    """zipfile must not be asked to open the archive at all."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("zipfile loaded a directory the end record refuses")

    monkeypatch.setattr(archive.zipfile, "ZipFile", refuse)


@pytest.mark.usefixtures("no_zipfile")
@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (_zip64(1_600_000, 1_600_000 * 60), "declares 1600000 entries, at most 1000"),
        (_classic(65_000, 100), "declares 65000 entries"),
        (_classic(3, 50_000_000), "central directory is 50000000 bytes"),
    ],
    ids=["zip64-1.6M", "classic-65k", "huge-directory"],
)
def test_refused_from_the_end_record(tmp_path: Path, data: bytes, fragment: str) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(data)
    (report,) = check_archive(path)
    assert report.fatal and report.issues[0].code == "F010"
    assert any(fragment in i.message for i in report.issues), [i.message for i in report.issues]
    assert check_file(path).exit_code == 2


def test_a_real_zip_with_too_many_entries(tmp_path: Path) -> None:
    rules = transport_rules()
    path = tmp_path / "folders.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(rules.max_entries + 1):
            zf.writestr(f"d{i}/", b"")
        zf.writestr("a.xml", MEMBER)
    (report,) = check_archive(path)
    assert any("entries, at most" in i.message for i in report.issues)


def test_rules_are_data() -> None:
    rules = transport_rules()
    assert rules.max_entries >= rules.max_members and rules.max_directory_size > 0
