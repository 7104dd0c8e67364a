"""The privacy guard: finding and hiding anything that may be a citizen service number (BSN).

RESV messages carry no patient data. Free text is scanned for 9-digit runs that pass the BSN
11-test (rule R016), also in the written forms 1234.56.782 and 123 456 782 (space, dot or
hyphen, the same between the groups), and any value echoed in an error message is passed
through :func:`redact` first, so that a report never repeats a possible BSN.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: a first, cheap test (a match is not yet a BSN): nine digits not part of a longer number,
#: or a digit, a separator, 2-3 digits, a separator and 3 digits (the end of a grouped form)
_BARE = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
_GROUPED_TAIL = re.compile(r"[0-9][ .\-][0-9]{2,3}[ .\-][0-9]{3}")
#: a run of digit groups joined by single separators (a maximal "number as written")
_RUN = re.compile(r"[0-9]+(?:[ .\-][0-9]+)*")
_GROUP = re.compile(r"[ .\-]")
#: the grouped forms of a BSN: 4-2-3 or 3-3-3, the same separator twice
_GROUPED = re.compile(r"[0-9]{4}([ .\-])[0-9]{2}\1[0-9]{3}|[0-9]{3}([ .\-])[0-9]{3}\2[0-9]{3}")
_MASK = "*********"
_SEPARATORS = str.maketrans("", "", " .-")


def eleven_test(digits: str) -> bool:
    """Whether nine ASCII digits pass the BSN 11-test (and are not all zeros): for such a
    string the answer of ``stdnum.nl.bsn.is_valid`` (``tests/test_privacy_guard.py`` proves
    it), without loading python-stdnum at start-up."""
    total = sum((9 - i) * int(digit) for i, digit in enumerate(digits[:8]))
    return int(digits) > 0 and (total - int(digits[8])) % 11 == 0


def _is_bsn(written: str) -> bool:
    return eleven_test(written.translate(_SEPARATORS))


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every possible BSN as written: a group of exactly nine digits (not
    part of a longer number), or a whole run written 1234.56.782 / 123 456 782."""
    found = []
    for run in _RUN.finditer(text):
        written = run.group()
        if len(written) < 9:
            continue
        if _GROUPED.fullmatch(written):
            if _is_bsn(written):
                found.append(run.span())
            continue
        pos = run.start()
        for group in _GROUP.split(written):
            if len(group) == 9 and eleven_test(group):
                found.append((pos, pos + 9))
            pos += len(group) + 1
    return found


def may_hold_bsn(text: str) -> bool:
    """False when ``text`` certainly holds no possible BSN (the usual case, decided by two
    fast scans); True when :func:`possible_bsns` must look closer."""
    return _BARE.search(text) is not None or _GROUPED_TAIL.search(text) is not None


#: bytes.translate table of the block screen: digits -> "0", separators -> "s", else "x"
_CLASSES = bytes(
    ord("0") if chr(b).isascii() and chr(b).isdigit() else ord("s") if chr(b) in " .-" else ord("x")
    for b in range(256)
)
_NINE, _TEN = b"0" * 9, b"0" * 10
#: :data:`_BARE` as substrings of the classified text: exactly nine digits between non-digits
_BARE_CLASSES = tuple(a + _NINE + b for a in (b"x", b"s") for b in (b"x", b"s"))
#: :data:`_GROUPED_TAIL` as substrings: a digit, a separator, 2 or 3 digits, one, 3 digits
_GROUPED_CLASSES = (b"0s00s000", b"0s000s000")
#: the same without their first digit: they start with a separator, which is rare among
#: digits (references), so a regular expression's search for their common start skips fast
_GROUPED_TAILS = re.compile(b"|".join(re.escape(needle[1:]) for needle in _GROUPED_CLASSES))
_DIGIT_CLASS = _CLASSES[ord("0")]


def may_hold_bsn_block(texts: Iterable[str]) -> bool:
    """:func:`may_hold_bsn` for many texts at once: False when none of them may hold a BSN.

    The texts are joined with ``|`` (not a digit, not a separator), so a candidate never
    spans two of them, and classified with one ``bytes.translate`` (digits, separators,
    anything else). Then a few substring searches decide, the cheap ones first: a needle of
    digits only is found by skipping (a text without nine digits in a row is passed by one
    search); a run of exactly nine digits is there only when counting the runs of nine and
    of ten gives different numbers (a run of ``n`` digits holds ``n // 9`` and ``n // 10``,
    equal for 10-17 digits, the usual long numbers), and only then are the four bounded
    forms searched. Text beyond Latin-1 goes to the regular expressions. The grouped forms
    are found by their part from the first separator on (:data:`_GROUPED_TAILS`), each
    match then needing a digit before it; a match without one is searched past by one
    place only, as another may start inside it.
    """
    joined = "|".join(texts)
    try:
        classes = b"x" + joined.encode("latin-1").translate(_CLASSES) + b"x"
    except UnicodeEncodeError:
        return may_hold_bsn(joined)
    tail = _GROUPED_TAILS.search(classes)
    while tail is not None:
        if classes[tail.start() - 1] == _DIGIT_CLASS:
            return True
        tail = _GROUPED_TAILS.search(classes, tail.start() + 1)
    return (
        _NINE in classes
        and classes.count(_NINE) != classes.count(_TEN)
        and any(candidate in classes for candidate in _BARE_CLASSES)
    )


def possible_bsns(text: str) -> list[str]:
    """Every run of nine digits in ``text`` (not part of a longer number) that passes the
    11-test, as written."""
    if not may_hold_bsn(text):
        return []
    return [text[a:b] for a, b in _spans(text)]


def contains_possible_bsn(text: str) -> bool:
    return may_hold_bsn(text) and bool(_spans(text))


def redact(text: str) -> str:
    """``text`` with every possible BSN replaced by asterisks."""
    if not may_hold_bsn(text):
        return text
    spans = _spans(text)
    for a, b in reversed(spans):
        text = text[:a] + _MASK + text[b:]
    return text
