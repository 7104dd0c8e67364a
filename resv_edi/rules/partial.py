"""What is left of a record the model refused: its readable fields, for the rules that can run.

A line with one bad field still takes part in every rule that does not need that field (the
totals, the period, the references), so that one run reports everything. A rule that touches
an unreadable field raises ``AttributeError`` (the field is not set) and is reported as skipped;
:func:`fold` marks the findings that follow from another finding on the same record.

>>> from resv_edi.model.declaratie import Prestatie
>>> line, unreadable = partial_record(Prestatie, {"Bedrag": "12a34", "DebetCredit": "D"})
>>> line.debet_credit, unreadable[:2]
('D', ('Referentienummer', 'Prestatiesoort'))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from resv_edi.errors import Issue, Location
from resv_edi.model.base import Record
from resv_edi.rules.references import LineValues, line_values
from resv_edi.standard.catalogue import catalogue, issue

_Fields = tuple[tuple[str, str, TypeAdapter[Any], bool], ...]


@cache
def _fields(cls: type[Record]) -> _Fields:
    """(alias, attribute, validator, required) of every field of ``cls``."""
    found = []
    for name, info in cls.model_fields.items():
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        found.append((info.alias or name, name, TypeAdapter(annotation), info.is_required()))
    return tuple(found)


def partial_record(cls: type[Record], raw: Mapping[str, Any]) -> tuple[Record, tuple[str, ...]]:
    """``cls`` built from the fields of ``raw`` that are valid by themselves, and the element
    names of the fields that are not (unset on the record: reading them raises)."""
    values: dict[str, Any] = {}
    unreadable: list[str] = []
    for alias, name, adapter, required in _fields(cls):
        if alias not in raw:
            if required:
                unreadable.append(alias)
            continue
        try:
            values[name] = adapter.validate_python(raw[alias])
        except ValidationError:
            unreadable.append(alias)
    record = cls.model_construct(**values)
    by_alias = {alias: name for alias, name, _, _ in _fields(cls)}
    for alias in unreadable:
        record.__dict__.pop(by_alias[alias], None)  # an optional default must not pose as "absent"
    return record, tuple(unreadable)


def alias_of(record: Any, attribute: str) -> str:
    """The element name of ``attribute`` of ``record``'s class (or the attribute itself)."""
    info = getattr(type(record), "model_fields", {}).get(attribute)
    return info.alias if info is not None and info.alias else attribute


@cache
def folding() -> dict[str, tuple[str, ...]]:
    """Code -> the codes that follow from it on the same record (catalogue ``folds``)."""
    return {code: entry.folds for code, entry in catalogue().items() if entry.folds}


def fold(found: list[Issue], inherited: Mapping[str, str] | None = None) -> list[Issue]:
    """``found`` (the findings of one record) with consequences marked by their ``cause``:
    a code folded by another code of the same record, or by a header finding (``inherited``:
    folded code -> cause)."""
    if not found:  # the usual case: nothing to fold
        return found
    rules = folding()
    causes: dict[str, str] = dict(inherited or {})
    for item in found:
        for folded in rules.get(item.code, ()):
            causes.setdefault(folded, item.code)
    if not causes:
        return found
    return [
        replace(item, cause=causes[item.code])
        if item.code in causes and causes[item.code] != item.code
        else item
        for item in found
    ]


def header_folds(found: Iterable[Issue]) -> dict[str, str]:
    """Folded code -> cause for the lines, from the findings of the header."""
    rules = folding()
    return {folded: item.code for item in found for folded in rules.get(item.code, ())}


# -- one record through the record rules (shared by the rule engine and the split chunks) ------


@dataclass
class Checked:
    """A record after its rules ran: the record (partial when refused), the unreadable fields,
    the findings (not yet folded) and the checks skipped as ``(code, attribute)``."""

    record: Any
    unreadable: tuple[str, ...] = ()
    found: list[Issue] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def check_record(
    item: Any,
    record_class: type[Record],
    rules: Sequence[tuple[str, Callable[..., Any] | None]],
    ctx: Any,
    doubted: set[str],
    header_partial: bool,
    locate: Callable[[Location, Any, str | None], Location],
) -> Checked:
    """Run ``rules`` over the record of ``item`` (an :class:`Entry`); a refused record is
    rebuilt from its readable fields (minus ``doubted``: fields a reader complained about)."""
    record = item.record
    if record is not None and not header_partial:  # the usual case: all of it was accepted
        found: list[Issue] = []
        for code, func in rules:
            findings = func(record, ctx) if func else None
            if findings:
                for params, name in findings:
                    found.append(issue(code, locate(item.location, record, name), **params))
        return Checked(record, (), found)
    unreadable: tuple[str, ...] = ()
    if item.raw is not None:
        raw = {k: v for k, v in item.raw.items() if k not in doubted}
        record, unreadable = partial_record(record_class, raw)
        unreadable += tuple(k for k in item.raw if k in doubted)
    checked = Checked(record, unreadable)
    if record is None:
        return checked
    for code, func in rules:
        if func is None:
            continue
        try:
            findings = func(record, ctx)
        except AttributeError as exc:  # a field of a refused record that could not be read
            if not (unreadable or header_partial) or exc.name is None:
                raise
            checked.skipped.append((code, exc.name))
            continue
        for params, name in findings or ():
            checked.found.append(issue(code, locate(item.location, record, name), **params))
    return checked


def doubted_field(found: Issue) -> str:
    """The field a reader issue names (its field, else the last step of its path)."""
    return found.location.field or (found.location.path or "").rsplit("/", 1)[-1]


def line_amounts(record: Any) -> tuple[int, ...] | None:
    """The signed amounts a line adds to the totals (declaratie: one; retour: submitted and
    granted), or ``None`` when one cannot be read."""
    try:
        if getattr(type(record), "signed_submitted", None) is not None:  # a retour line
            return (record.signed_submitted, record.signed_granted)
        return (record.signed_amount,)
    except AttributeError:
        return None


def reference_row(record: Any, unreadable: tuple[str, ...]) -> LineValues | None:
    """What the reference index keeps of a declaratie line (:func:`line_values`), or ``None``
    when a field the reference rules compare cannot be read."""
    try:
        credit = record.debet_credit == "C"
        if "Referentienummer" in unreadable or (credit and "VorigReferentienummer" in unreadable):
            return None
        return line_values(record)
    except AttributeError:
        return None
