"""Resource and security limits, as one explicit settings object with documented defaults.

Every reader takes a :class:`Limits`; the CLI exposes the fields as options. A value of ``0``
means "no limit" for the count-type settings (never for depth or field length).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds applied while reading untrusted input.

    Attributes:
        max_depth: deepest XML element nesting / JSON container nesting accepted. The
            standard itself needs 4 levels; 32 leaves room for wrappers while stopping
            nesting bombs.
        max_file_size: largest input file in bytes (0 = unlimited). Default 4 GiB: a
            clearing house batch of 2 GB passes, a runaway stream does not.
        max_records: most detail records (lines) per message (0 = unlimited).
        max_field_length: longest text value of a single field or XML text node, in
            characters. The longest field of the standard is 100; 4096 catches huge
            text nodes early.
        max_line_length: longest physical line of an NDJSON/EI/CSV file, in bytes.
        max_errors: most issues reported per file; more are counted but not listed
            (0 = unlimited).
    """

    max_depth: int = 32
    max_file_size: int = 4096 * MIB
    max_records: int = 0
    max_field_length: int = 4096
    max_line_length: int = 1 * MIB
    max_errors: int = 1000

    def updated(self, **changes: Any) -> Limits:
        """A copy with the given (non-``None``) settings replaced."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


DEFAULT_LIMITS = Limits()
