"""Binding raw field values to model records, with pydantic errors turned into coded issues.

Every reader calls :func:`bind` with the field values it found (element name -> value) and the
location of the record; field-level problems come back as ``S001``/``S002``/``S003`` issues
whose location names the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from resv_edi.errors import Issue, Location
from resv_edi.model.base import Record
from resv_edi.standard.catalogue import issue
from resv_edi.standard.wording import Phrase, explain

#: maps a field (element) name to the location of that field, for precise positions
FieldLocator = Callable[[str], Location]


def bind(
    cls: type[Record],
    data: Mapping[str, Any],
    location: Location,
    *,
    context: dict[str, Any] | None = None,
    locate_field: FieldLocator | None = None,
) -> tuple[Record | None, list[Issue]]:
    """Validate ``data`` as ``cls``; return the record, or ``None`` and the issues."""
    try:
        return cls.model_validate(data, context=context), []
    except ValidationError as exc:
        return None, issues_from_error(exc, location, locate_field)


def issues_from_error(
    exc: ValidationError, location: Location, locate_field: FieldLocator | None = None
) -> list[Issue]:
    issues: list[Issue] = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc", ())
        name = str(loc[0]) if loc else ""
        where = locate_field(name) if (locate_field and name) else location
        field = ".".join(str(part) for part in loc) or None
        where = where.with_(field=field)
        kind = err["type"]
        if kind == "missing":
            issues.append(issue("S001", where, field=field))
        elif kind == "extra_forbidden":
            issues.append(issue("S003", where, field=field))
        else:
            reason = _reason(err)
            issues.append(issue("S002", where, field=field or location.record_type, reason=reason))
    return issues


def _reason(err: Mapping[str, Any]) -> Phrase:
    """What the field must be and what was found, in words (never a pattern or pydantic text)."""
    return explain(err)
