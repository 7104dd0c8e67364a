"""Sniffing the format of an input from its first bytes (not from its name)."""

from __future__ import annotations

import re

from resv_edi.errors import EmptyInputError, EncodingNotAcceptedError, UnknownFormatError
from resv_edi.source import wide_encoding

SNIFF_BYTES = 4096
_EI_HEADER = re.compile(rb"01[0-9]{7}[PT ]")
def detect_format(head: bytes) -> str:
    """``xml``, ``json``, ``ndjson``, ``ei`` or ``csv`` for the first bytes of a file."""
    text = head.removeprefix(b"\xef\xbb\xbf")
    stripped = text.lstrip(b" \t\r\n")
    if not stripped:
        raise EmptyInputError("the file is empty")
    if stripped.startswith(b"<"):
        return "xml"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"<\x00" in head[:8] + head[:8][1:]:
        return "xml"  # UTF-16 XML: the XML reader refuses it with a clear message
    wide = wide_encoding(head)
    if wide is not None:
        raise EncodingNotAcceptedError(
            f"{wide} byte order mark; XML, JSON, NDJSON and CSV are UTF-8, EI is ISO-8859-1"
        )
    if stripped.startswith(b"{"):
        first_line = stripped.split(b"\n", 1)[0].strip()
        if b'"Bericht"' in first_line and first_line.endswith(b"}"):
            return "ndjson"
        if b'"Prestatie"' in first_line[:20] or b'"Header"' in first_line[:20]:
            return "ndjson"
        return "json"
    if _EI_HEADER.match(text):
        return "ei"
    if text.startswith((b"Record,", b'"Record",')):
        return "csv"
    raise UnknownFormatError("not XML, JSON, NDJSON, EI or CSV")
