"""Sniffing the format of an input from its first bytes (not from its name): the encoding
checks common to all formats, then the sniffers of the registered formats."""

from __future__ import annotations

from resv_edi.errors import EmptyInputError, EncodingNotAcceptedError, UnknownFormatError
from resv_edi.formats.registry import formats
from resv_edi.source import wide_encoding

SNIFF_BYTES = 4096


def detect_format(head: bytes) -> str:
    """The name of the registered format whose sniffer accepts the first bytes of a file
    (``xml``, ``json``, ``ndjson``, ``ei`` or ``csv``)."""
    text = head.removeprefix(b"\xef\xbb\xbf")
    if not text.lstrip(b" \t\r\n"):
        raise EmptyInputError("the file is empty")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"<\x00" in head[:8] + head[:8][1:]:
        return "xml"  # UTF-16 XML: the XML reader refuses it with a clear message
    wide = wide_encoding(head)
    if wide is not None:
        raise EncodingNotAcceptedError(
            f"{wide} byte order mark; XML, JSON, NDJSON and CSV are UTF-8, EI is ISO-8859-1"
        )
    for fmt in formats():
        if fmt.sniff(text):
            return fmt.name
    names = [f.name.upper() for f in formats()]
    raise UnknownFormatError(f"not {', '.join(names[:-1])} or {names[-1]}")
