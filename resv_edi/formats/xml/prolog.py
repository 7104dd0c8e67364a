"""Checks on the XML prolog before any parser sees the document.

The standard's messages are UTF-8 and never carry a DTD. Refusing a ``<!DOCTYPE`` up front
closes the door on entity expansion bombs and external entities (XXE) whatever the parser
would do with them; the parser is configured safely as well (see ``reader.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: bytes read to find the root element; a longer prolog is refused
PROLOG_MAX = 64 * 1024

_BOMS_REFUSED = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}
_UTF8_BOM = b"\xef\xbb\xbf"
_DECL = re.compile(rb"<\?xml\s[^>]*?\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_NAME = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_XMLNS = re.compile(rb"""xmlns(?::([A-Za-z_][\w.\-]*))?\s*=\s*["']([^"']*)["']""")
_ACCEPTED_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii"}


class PrologError(Exception):
    """The prolog is unacceptable; ``code`` is the catalogue code to report."""

    def __init__(self, code: str, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.line = line


@dataclass(frozen=True, slots=True)
class Prolog:
    root: str  # local name of the root element
    namespace: str | None  # namespace of the root element


def read_prolog(head: bytes) -> Prolog:
    """Find the root element in the first bytes of a document, refusing what is unsafe."""
    for bom, name in _BOMS_REFUSED.items():
        if head.startswith(bom):
            raise PrologError("F004", f"{name} documents are not accepted; use UTF-8")
    if head.startswith(_UTF8_BOM):
        head = head[len(_UTF8_BOM) :]
    if b"\x00" in head[:4]:
        raise PrologError("F004", "NUL bytes: UTF-16/32 or binary data; use UTF-8")
    pos = 0
    decl = _DECL.match(head)
    if decl:
        enc = _ENCODING.search(decl.group())
        if enc and enc.group(1).decode("ascii").lower() not in _ACCEPTED_ENCODINGS:
            raise PrologError(
                "F004", f"declared encoding {enc.group(1).decode('ascii')} (only UTF-8)"
            )
        pos = decl.end()
    while True:
        start = head.find(b"<", pos)
        if start < 0:
            if len(head) >= PROLOG_MAX:
                raise PrologError("X002", f"no root element in the first {PROLOG_MAX} bytes")
            raise PrologError("X001", "no root element found")
        rest = head[start : start + 9]
        line = head.count(b"\n", 0, start) + 1
        if rest.startswith(b"<!--"):
            end = head.find(b"-->", start + 4)
            if end < 0:
                raise PrologError("X002", "unterminated comment in the prolog", line)
            pos = end + 3
        elif rest.startswith(b"<?"):
            end = head.find(b"?>", start + 2)
            if end < 0:
                raise PrologError("X002", "unterminated processing instruction", line)
            pos = end + 2
        elif rest.upper().startswith(b"<!DOCTYPE"):
            raise PrologError("X002", "a DTD (<!DOCTYPE>) is not allowed", line)
        elif rest.startswith(b"<!"):
            raise PrologError("X002", "a markup declaration is not allowed in the prolog", line)
        else:
            root = _NAME.match(head, start)
            if not root:
                raise PrologError("X001", "malformed root element", line)
            prefix = root.group(1)[:-1] if root.group(1) else None
            tag_end = head.find(b">", start)
            tag = head[start : tag_end if tag_end > 0 else len(head)]
            namespace = None
            for ns_prefix, uri in _XMLNS.findall(tag):
                if (ns_prefix.decode() or None) == (prefix.decode() if prefix else None):
                    namespace = uri.decode("utf-8", "replace")
            return Prolog(root.group(2).decode("ascii", "replace"), namespace)
