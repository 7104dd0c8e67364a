"""A streaming summary of an EI file: which standard, how many records, which totals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from resv_edi.errors import Issue, Severity
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.source import Source
from resv_edi.vektis.layout import Layout
from resv_edi.vektis.reader import EIReader, EIRecord
from resv_edi.vektis.returncodes import explain, return_code_keys

#: (return code, layout of the file) -> {"nl": text, "en": text}
CodeTexts = Callable[[str, Layout | None], dict[str, str]]


def vektis_code_texts(code: str, layout: Layout | None) -> dict[str, str]:
    """The texts of a return code from the Vektis lists (:func:`.returncodes.explain`)."""
    info = explain(code)
    return {"nl": info.nl, "en": info.en}


#: what a claim file's value that is not shown is replaced by
MASK = "***"
_MASKED_CODE = {
    "nl": "Geen retourcode (waarde niet getoond: mogelijk patiëntgegevens)",
    "en": "Not a return code (value not shown: may be patient data)",
}


def _shown_code(code: str, layout: Layout | None) -> str:
    """``code`` as it may be shown: in a claim layout only a value with the shape of a
    Vektis return code (digits, of a width a Vektis list has); anything else there is
    :data:`MASK`, since a shifted record may put patient data in the field."""
    if layout is None or not layout.carries_patient_data:
        return code
    return code if code.isdigit() and explain(code).list_id is not None else MASK


def inspect_file(
    path: Source, *, limits: Limits = DEFAULT_LIMITS, code_texts: CodeTexts = vektis_code_texts
) -> dict[str, Any]:
    """Summary of one EI file, read once without keeping records.

    ``code_texts`` explains the return codes found (the RESV codec passes one that knows
    the RESV return-code list: :func:`resv_edi.formats.ei.inspect.inspect_file`).

    Keys: ``file``, ``standard``, ``version``, ``message_code``, ``kind``
    (declaration/return), ``records`` (count per record type), ``totals`` (per trailer total
    field: ``trailer`` and ``computed`` as ``{"amount": cents, "dc": "D"|"C"}``), ``total``
    (the first total's computed net cents, debit minus credit), ``period`` (begin/end ISO
    dates from the header), ``issues`` (count), ``fatal`` (the file could not be read or
    recognised) and ``first_issues`` (up to 10, as dicts).
    """
    reader = EIReader(path, limits=limits)
    first: list[Issue] = []
    fatal = False
    code_keys: dict[str, tuple[str, ...]] | None = None
    codes: dict[str, int] = {}
    for item in reader:
        if isinstance(item, EIRecord):
            if code_keys is None:
                layout = reader.layout
                code_keys = return_code_keys(layout) if layout and layout.kind == "return" else {}
            for key in code_keys.get(item.record_type, ()):
                code = item.values.get(key)
                if isinstance(code, str) and code.strip("0 "):
                    code = _shown_code(code, reader.layout)
                    codes[code] = codes.get(code, 0) + 1
            continue
        if item.severity is Severity.FATAL and item.code != "F004":
            fatal = True
        if len(first) < 10:
            first.append(item)
    layout = reader.layout
    summary: dict[str, Any] = {
        "file": reader.name,
        "standard": layout.standard if layout else None,
        "version": f"{layout.version}.{layout.subversion}" if layout else None,
        "message_code": layout.message_code if layout else None,
        "kind": layout.kind if layout else None,
        "records": dict(sorted(reader.counts.items())),
        "totals": {},
        "total": None,
        "period": None,
        "issues": reader.issue_count,
        "fatal": fatal or layout is None,
        "first_issues": [i.as_dict() for i in first],
        "return_codes": {
            code: {"count": n, **(_MASKED_CODE if code == MASK else code_texts(code, layout))}
            for code, n in sorted(codes.items())
        },
    }
    if layout is None:
        return summary
    summary["totals"] = _totals(layout, reader)
    if layout.totals:
        summary["total"] = reader.computed.get(layout.totals[0].field.key, 0)
    header = reader.header_values or {}
    dates = [
        header.get(f.key) for f in layout.header.fields if f.type == "date" and "PERIODE" in f.name
    ]
    if len(dates) == 2:
        begin, end = dates
        summary["period"] = {
            "begin": begin.isoformat() if isinstance(begin, date) else None,
            "end": end.isoformat() if isinstance(end, date) else None,
        }
    return summary


def _totals(layout: Layout, reader: EIReader) -> dict[str, Any]:
    """Per trailer total: the trailer's amount and D/C, what was computed, and the net. A
    claim file's trailer value is shown only when it agrees with what was read (a shifted
    trailer may hold patient data)."""
    trailer = reader.trailer_values or {}
    totals: dict[str, Any] = {}
    for t in layout.totals:
        net = reader.computed.get(t.field.key, 0)
        found = trailer.get(t.field.key)
        dc = (trailer.get(t.dc.key) if t.dc else "D") if trailer else None
        shown: Any = found if isinstance(found, int) else None
        agrees = isinstance(shown, int) and (-shown if dc == "C" else shown) == net
        if layout.carries_patient_data and shown is not None and not agrees:
            shown, dc = MASK, MASK
        totals[t.field.key] = {
            "trailer": {"amount": shown, "dc": dc},
            "computed": {"amount": abs(net), "dc": "C" if net < 0 else "D"},
            "net": net,
        }
    return totals
