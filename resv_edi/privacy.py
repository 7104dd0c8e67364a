"""The privacy guard: finding and hiding anything that may be a citizen service number (BSN).

RESV messages carry no patient data. Free text is scanned for 9-digit runs that pass the BSN
11-test (rule R016), and any value echoed in an error message is passed through
:func:`redact` first, so that a report never repeats a possible BSN.
"""

from __future__ import annotations

import re

from stdnum.nl import bsn

NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
_MASK = "*********"


def possible_bsns(text: str) -> list[str]:
    """All 9-digit runs in ``text`` (not part of a longer number) that pass the 11-test."""
    return [m for m in NINE_DIGITS.findall(text) if bsn.is_valid(m)]


def contains_possible_bsn(text: str) -> bool:
    return any(bsn.is_valid(m) for m in NINE_DIGITS.findall(text))


def redact(text: str) -> str:
    """``text`` with every possible BSN replaced by asterisks."""
    return NINE_DIGITS.sub(lambda m: _MASK if bsn.is_valid(m.group()) else m.group(), text)
