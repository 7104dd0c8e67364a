"""Comparing a vendor's message with a scenario's, element by element
(``mappings/conformance/compare.toml`` says which elements count).

A message is read through the library's readers (any format) into a :class:`Snapshot`: the
header's, every line's and the totals' values as text. Lines are matched by their key (the
n-th line with a Referentienummer answers the n-th expected one), so the order of the lines
does not matter; missing and extra lines are differences too.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from resv_edi.errors import Issue
from resv_edi.model.messages import MessageKind
from resv_edi.pipeline import read
from resv_edi.standard.paths import mappings_dir


@dataclass(frozen=True, slots=True)
class CompareSpec:
    """The elements compared for one message kind."""

    key: str
    unordered: frozenset[str]
    header: tuple[str, ...]
    line: tuple[str, ...]
    totals: tuple[str, ...]


@cache
def compare_spec(kind: str) -> CompareSpec:
    """The comparison of ``kind`` (``declaratie`` or ``retour``)."""
    with (mappings_dir() / "conformance" / "compare.toml").open("rb") as fh:
        raw = tomllib.load(fh)[kind]
    return CompareSpec(
        key=raw["key"],
        unordered=frozenset(raw["unordered"]),
        header=tuple(raw["header"]),
        line=tuple(raw["line"]),
        totals=tuple(raw["totals"]),
    )


@dataclass(frozen=True, slots=True)
class Difference:
    """One thing that differs: where (header, a line's key, totals, file), which element,
    what the scenario expects and what the vendor's message holds (``""`` = absent)."""

    where: str
    element: str
    expected: str
    found: str

    def as_dict(self) -> dict[str, str]:
        return {
            "where": self.where,
            "element": self.element,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass
class Snapshot:
    """A message's values as text, by part."""

    header: dict[str, str] = field(default_factory=dict)
    lines: list[dict[str, str]] = field(default_factory=list)
    totals: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)  # what the reader could not read


def snapshot(path: Path, kind: MessageKind) -> Snapshot:
    """Read ``path`` (any format) as a message of ``kind``."""
    shot = Snapshot()
    for item in read(path, kind=kind):
        if isinstance(item, Issue):
            shot.issues.append(item)
            continue
        values = item.record.to_data() if item.record is not None else dict(item.raw or {})
        text = {name: _text(value) for name, value in values.items()}
        if item.part == "header":
            shot.header = text
        elif item.part == "line":
            shot.lines.append(text)
        else:
            shot.totals = text
    return shot


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def differences(expected: Snapshot, found: Snapshot, spec: CompareSpec) -> list[Difference]:
    """Every compared element whose value differs, in message order."""
    out = _fields("header", expected.header, found.header, spec.header, spec)
    out += _lines(expected.lines, found.lines, spec)
    out += _fields("totals", expected.totals, found.totals, spec.totals, spec)
    return out


def _fields(
    where: str,
    expected: Mapping[str, str],
    found: Mapping[str, str],
    elements: tuple[str, ...],
    spec: CompareSpec,
) -> list[Difference]:
    out = []
    for name in elements:
        want, got = expected.get(name, ""), found.get(name, "")
        if name in spec.unordered:
            same = sorted(want.split()) == sorted(got.split())
        else:
            same = want == got
        if not same:
            out.append(Difference(where, name, want, got))
    return out


def _keyed(lines: list[dict[str, str]], key: str) -> dict[tuple[str, int], dict[str, str]]:
    seen: Counter[str] = Counter()
    keyed = {}
    for values in lines:
        ref = values.get(key, "")
        seen[ref] += 1
        keyed[(ref, seen[ref])] = values
    return keyed


def _lines(
    expected: list[dict[str, str]], found: list[dict[str, str]], spec: CompareSpec
) -> list[Difference]:
    want, got = _keyed(expected, spec.key), _keyed(found, spec.key)
    out: list[Difference] = []
    for (ref, n), values in want.items():
        where = f"line {ref}" + (f" ({n})" if n > 1 else "")
        if (ref, n) not in got:
            out.append(Difference(where, spec.key, ref, ""))
            continue
        out += _fields(where, values, got[(ref, n)], spec.line, spec)
    for ref, n in got:
        if (ref, n) not in want:
            where = f"line {ref}" + (f" ({n})" if n > 1 else "")
            out.append(Difference(where, spec.key, "", ref))
    return out
