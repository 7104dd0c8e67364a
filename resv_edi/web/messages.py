"""Issue texts for the page in the reader's language, and what to do about them.

An :class:`~resv_edi.errors.Issue` carries its catalogue text in English with the placeholders
filled. The Dutch text is the catalogue's ``nl`` template filled with the same values, read
back from the English text by turning its template into a pattern.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from resv_edi.standard.advice import advice
from resv_edi.standard.catalogue import catalogue

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def _pattern(code: str) -> re.Pattern[str] | None:
    entry = catalogue().get(code)
    if entry is None:
        return None
    parts, seen, last = [], set(), 0
    for m in _PLACEHOLDER.finditer(entry.en):
        parts.append(re.escape(entry.en[last : m.start()]))
        name = m.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        last = m.end()
    parts.append(re.escape(entry.en[last:]))
    return re.compile("".join(parts), re.DOTALL)


def localized(code: str, message: str, lang: str) -> str:
    """``message`` (the English text of ``code``) in ``lang``; unchanged when it cannot be
    matched to its template or ``lang`` is English."""
    if lang == "en":
        return message
    pattern = _pattern(code)
    found = pattern.fullmatch(message) if pattern else None
    if found is None:
        return message
    return _PLACEHOLDER.sub(lambda m: found.group(m.group(1)), catalogue()[code].nl)


def place(location: dict[str, Any]) -> str:
    """Where an issue is, for people: the member of an archive, line (and column), XPath or
    pointer, field, reference."""
    bits = []
    if "!" in (location.get("file") or ""):
        bits.append(location["file"].split("!", 1)[1])
    if location.get("line") is not None:
        bits.append(str(location["line"]))
        if location.get("column") is not None:
            bits[-1] += f":{location['column']}"
    bits += [str(location[k]) for k in ("path", "field") if location.get(k)]
    if location.get("reference"):
        bits.append(f"ref {location['reference']}")
    return " · ".join(bits)


def issue_row(item: dict[str, Any], lang: str) -> dict[str, str]:
    """One row of the issues table: code, severity, place, message and what to do."""
    location = item.get("location", {})
    return {
        "code": item["code"],
        "severity": item["severity"],
        "line": str(location.get("line") or ""),
        "place": place(location),
        "message": localized(item["code"], item["message"], lang),
        "advice": advice(item["code"], lang),
    }
