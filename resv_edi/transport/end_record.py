"""The end record of a zip: how many entries and how many bytes its central directory holds.

Python's ``zipfile`` reads the whole central directory into memory and builds one object per
entry before anything can be checked, so a zip that declares 1.6 million entries (a few tens
of MB on disk) takes about a gigabyte just to open. :func:`read_end_record` reads only the
tail of the file: the end-of-central-directory record (and its ZIP64 form), found the way
``zipfile`` finds it, so that the archive rules can refuse such a zip before ``zipfile`` sees
it.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

_END = b"PK\x05\x06"
_END_SIZE = 22
_END64_LOCATOR = b"PK\x06\x07"
_LOCATOR_SIZE = 20
_END64 = b"PK\x06\x06"
_END64_SIZE = 56
_MAX_COMMENT = 0xFFFF


@dataclass(frozen=True, slots=True)
class EndRecord:
    """What the end record says about the central directory."""

    entries: int
    directory_size: int
    directory_offset: int


class EndRecordError(ValueError):
    """The file has no readable end record: it is no zip (or a truncated one)."""


def read_end_record(fh: BinaryIO) -> EndRecord:
    """The end record of the zip open in ``fh`` (seekable, binary); ZIP64 values when the
    classic record points to them."""
    size = fh.seek(0, os.SEEK_END)
    if size < _END_SIZE:
        raise EndRecordError("too short for a zip file")
    tail_size = min(size, _END_SIZE + _MAX_COMMENT)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = len(tail) - _END_SIZE
    if not (tail[at:].startswith(_END) and tail[-2:] == b"\x00\x00"):
        at = tail.rfind(_END)  # a comment follows the record
        if at < 0 or at + _END_SIZE > len(tail):
            raise EndRecordError("no end of central directory record")
    record = tail[at : at + _END_SIZE]
    _, _, _, _, entries, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", record)
    start = size - tail_size + at  # the record's offset in the file
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        zip64 = _zip64(fh, start)
        if zip64 is not None:
            return zip64
    return EndRecord(entries, cd_size, cd_offset)


def _zip64(fh: BinaryIO, end_offset: int) -> EndRecord | None:
    if end_offset < _LOCATOR_SIZE:
        return None
    fh.seek(end_offset - _LOCATOR_SIZE)
    locator = fh.read(_LOCATOR_SIZE)
    if len(locator) != _LOCATOR_SIZE or not locator.startswith(_END64_LOCATOR):
        return None
    # zipfile looks for the ZIP64 record right before the locator
    if end_offset < _LOCATOR_SIZE + _END64_SIZE:
        raise EndRecordError("a ZIP64 locator without its record")
    fh.seek(end_offset - _LOCATOR_SIZE - _END64_SIZE)
    record = fh.read(_END64_SIZE)
    if not record.startswith(_END64):
        raise EndRecordError("a ZIP64 locator without its record")
    entries, cd_size, cd_offset = struct.unpack("<QQQ", record[32:56])
    return EndRecord(entries, cd_size, cd_offset)
