"""Issue texts for the page in the reader's language (the catalogue's, filled with the issue's
own values by :func:`resv_edi.standard.catalogue.render_data`), and what to do about them."""

from __future__ import annotations

from typing import Any

from resv_edi.standard.advice import advice
from resv_edi.standard.catalogue import render_data


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
        "message": render_data(item, lang),
        "advice": advice(item["code"], lang),
    }
