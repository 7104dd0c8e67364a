"""The privacy guard: finding and hiding anything that may be a citizen service number (BSN).

RESV messages carry no patient data. Free text is scanned for 9-digit runs that pass the BSN
11-test (rule R016), also in the written forms 1234.56.782 and 123 456 782 (space, dot or
hyphen, the same between the groups), and any value echoed in an error message is passed
through :func:`redact` first, so that a report never repeats a possible BSN.
"""

from __future__ import annotations

import re

from stdnum.nl import bsn

#: nine digits, bare (not part of a longer number) or grouped 4-2-3 / 3-3-3 with one separator
#: (not part of a longer grouped number)
NINE_DIGITS = re.compile(
    r"(?<![0-9])[0-9]{9}(?![0-9])"
    r"|(?<![0-9])(?<![0-9][ .\-])"
    r"(?:[0-9]{4}([ .\-])[0-9]{2}\1[0-9]{3}|[0-9]{3}([ .\-])[0-9]{3}\2[0-9]{3})"
    r"(?![0-9])(?![ .\-][0-9])"
)
_MASK = "*********"
_SEPARATORS = str.maketrans("", "", " .-")


def _is_bsn(written: str) -> bool:
    return bsn.is_valid(written.translate(_SEPARATORS))


def possible_bsns(text: str) -> list[str]:
    """Every run of nine digits in ``text`` (not part of a longer number) that passes the
    11-test, as written."""
    return [m.group() for m in NINE_DIGITS.finditer(text) if _is_bsn(m.group())]


def contains_possible_bsn(text: str) -> bool:
    return any(_is_bsn(m.group()) for m in NINE_DIGITS.finditer(text))


def redact(text: str) -> str:
    """``text`` with every possible BSN replaced by asterisks."""
    return NINE_DIGITS.sub(lambda m: _MASK if _is_bsn(m.group()) else m.group(), text)
