"""Terminal safety: values from a file or a file name are printed with their controls escaped.

A file name or a value of a message can hold an ANSI/OSC escape (``ESC [ 2 J``, a hyperlink,
a window title), a carriage return that overwrites the line, a C1 control or a bidirectional
override (U+202E) that makes a terminal show something else than what is there. Every value
that comes from a file or a file name passes :func:`printable` before it is printed, in text
and in JSON output alike: such characters are shown as ``\\x1b`` / ``\\u202e``. A byte of a
file name that is not UTF-8 (Python holds it as a lone surrogate) is shown as ``\\xff``, so
JSON output never fails on it. :func:`printable_data` does the same for a whole JSON value.
"""

from __future__ import annotations

import re
from typing import Any

#: C0 controls, DEL, C1 controls, the bidirectional marks, embeddings, overrides and
#: isolates, the Unicode line and paragraph separators, and lone surrogates
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control, bidirectional override and undecodable byte escaped."""
    return _UNSAFE.sub(_escape, text)


def printable_data(value: Any) -> Any:
    """A JSON value (dicts, lists, strings, numbers) with every string (keys too) printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): printable_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(v) for v in value]
    return value


def json_bytes(value: Any, *, indent: bool = True) -> bytes:
    """``value`` as JSON (a line), every string passed through :func:`printable`."""
    import orjson  # here, not at start-up: only JSON output needs it

    option = orjson.OPT_INDENT_2 if indent else 0
    return orjson.dumps(printable_data(value), option=option, default=str) + b"\n"
