"""Exact places in an XML message: an issue at its element's own line and column.

The streaming reader knows the line where each record starts (lxml gives no column), and rules
know only the record and the field. :func:`place` reads the file once more, up to the last
issue, and moves every issue of a record to the start tag of its field (or of the record), with
the positioned XPath (``/Declaratiebericht/Prestaties/Prestatie[3]/Omschrijving``). An issue
whose element cannot be found (a missing field) keeps the record's place.

>>> issues = place(issues, "declaratie.xml")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from resv_edi.errors import Issue, Location

_TAG = re.compile(r"<(/?)(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?=[\s/>])")
_STEP = re.compile(r"^([A-Za-z_][\w.-]*)(?:\[(\d+)\])?$")
_MOST = 100_000  # issues placed per file (a cap keeps the extra pass bounded)


def _target(location: Location) -> tuple[str, int, str | None] | None:
    """(record element, its 1-based position among its like, field element or None)."""
    steps = (location.path or "").strip("/").split("/")
    record = location.record_type
    names = [m.group(1) for m in map(_STEP.match, steps) if m]
    if not record or record not in names:
        return None
    field: str | None = None
    index = 1
    for n, step in enumerate(steps):
        match = _STEP.match(step)
        if match and match.group(1) == record:
            index = int(match.group(2) or 1)
            rest = steps[n + 1 :]
            if len(rest) == 1 and _STEP.match(rest[0]):
                field = rest[0]
            elif rest:
                return None
            break
    if field is None and location.field and "." not in location.field:
        field = location.field
    return record, index, field


def place_report(report: Any) -> None:
    """Place the issues of a :class:`~resv_edi.reporting.FileReport` of an XML file."""
    if report.format == "xml" and report.issues:
        report.issues = place(report.issues, report.file)


def place(issues: list[Issue], path: str) -> list[Issue]:
    """``issues`` of the XML file ``path`` at their elements' lines and columns."""
    wanted: dict[tuple[str, int], dict[str | None, tuple[int, int] | None]] = {}
    targets: list[tuple[str, int, str | None] | None] = []
    for item in issues[:_MOST]:
        target = None
        if item.location.column is None and item.location.file == path:
            target = _target(item.location)
        targets.append(target)
        if target is not None:
            wanted.setdefault(target[:2], {})[target[2]] = None
    if not wanted:
        return issues
    try:
        _scan(path, wanted)
    except (OSError, UnicodeError):
        return issues
    placed = []
    for item, target in zip(issues, targets + [None] * (len(issues) - len(targets)), strict=True):
        found = wanted[target[:2]].get(target[2]) if target else None
        if target is None or found is None:
            placed.append(item)
            continue
        field = target[2]
        loc = item.location
        xpath = loc.path or ""
        if field and not xpath.endswith("/" + field):
            xpath = f"{xpath}/{field}"
        moved = loc.with_(line=found[0], column=found[1], path=xpath, field=field or loc.field)
        placed.append(replace(item, location=moved))
    return placed


def _scan(
    path: str, wanted: dict[tuple[str, int], dict[str | None, tuple[int, int] | None]]
) -> None:
    """Fill ``wanted`` (record, position) -> {field: (line, column)} in one pass over ``path``,
    up to the end of the last wanted record."""
    records = {name for name, _ in wanted}
    pending = set(wanted)
    seen: dict[str, int] = {}
    open_record: tuple[str, int] | None = None
    # newline="": lines end at CR LF, LF or a lone CR, as the XML parser counts them
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        for number, text in enumerate(fh, start=1):
            if "<" not in text:
                continue
            for match in _TAG.finditer(text):
                closing, name = match.group(1), match.group(2)
                if open_record is not None:
                    if closing and name == open_record[0]:
                        pending.discard(open_record)
                        open_record = None
                        if not pending:
                            return
                        continue
                    fields = wanted[open_record]
                    if not closing and name in fields and fields[name] is None:
                        fields[name] = (number, match.start() + 1)
                    continue
                if closing or name not in records:
                    continue
                seen[name] = seen.get(name, 0) + 1
                key = (name, seen[name])
                if key in wanted:
                    if None in wanted[key]:
                        wanted[key][None] = (number, match.start() + 1)
                    open_record = key
