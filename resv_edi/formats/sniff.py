"""The sniffer of each format: does a file's head (UTF-8 byte order mark removed) look like
it? The sniffers exclude each other, so the order in which the registry asks does not matter.
"""

from __future__ import annotations

import re

_WHITE = b" \t\r\n"
_EI_HEADER = re.compile(rb"01[0-9]{7}[PT ]")


def is_xml(head: bytes) -> bool:
    return head.lstrip(_WHITE).startswith(b"<")


def is_ndjson(head: bytes) -> bool:
    """A first line that is a whole object: a header line (``"Bericht"``) or a record."""
    stripped = head.lstrip(_WHITE)
    if not stripped.startswith(b"{"):
        return False
    first_line = stripped.split(b"\n", 1)[0].strip()
    if b'"Bericht"' in first_line and first_line.endswith(b"}"):
        return True
    return b'"Prestatie"' in first_line[:20] or b'"Header"' in first_line[:20]


def is_json(head: bytes) -> bool:
    return head.lstrip(_WHITE).startswith(b"{") and not is_ndjson(head)


def is_ei(head: bytes) -> bool:
    return _EI_HEADER.match(head) is not None


def is_csv(head: bytes) -> bool:
    return head.startswith((b"Record,", b'"Record",'))
