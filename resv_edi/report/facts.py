"""The facts of one file's lines, counted as they are read: one line at a time (a line the
exact path read) or a run of clean lines at once, by their columns (a block check's
:class:`~resv_edi.rules.blocks.CleanRun`). Both count the same: a run's distinct lines are
grouped first and taken in the order they first appear, which is the order a line-by-line
count would meet them in, so the cap on facts folds the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resv_edi.model.declaratie import Header, Prestatie

#: fact dimensions, in key order
DIMENSIONS = ("year", "hoofdtaak", "prestatiesoort", "resv", "insurer", "region")
#: what RESV, insurer and region of a fact beyond the cap are counted as
OTHER = "*"

FactKey = tuple[int, str, str, str, str, str]

#: the line attributes a fact is keyed by, with the sign (a run's lines are grouped by these)
_GROUPED = (
    "begindatum",
    "hoofdtaak",
    "prestatiesoort",
    "opdrachtgevende_zorgaanbieder",
    "zorgverzekeraar",
    "werkgebied",
    "debet_credit",
)


def resv_for(header: Header, prestatiesoort: str, opdrachtgevende: str | None) -> str:
    """The RESV a line counts for: the declaring party for prestatie 1 (the RESV bills the
    insurer), the commissioning provider for prestatie 2 (the executing provider bills it)."""
    if prestatiesoort == "2" and opdrachtgevende:
        return opdrachtgevende
    return header.afzender


def resv_of(header: Header, line: Prestatie) -> str:
    """:func:`resv_for` of a line record."""
    return resv_for(header, line.prestatiesoort, line.opdrachtgevende_zorgaanbieder)


@dataclass(slots=True)
class Sums:
    debit: int = 0
    credit: int = 0
    lines: int = 0

    @property
    def net(self) -> int:
        return self.debit - self.credit

    def add(self, other: Sums) -> None:
        self.debit += other.debit
        self.credit += other.credit
        self.lines += other.lines


class FileFacts:
    """The facts of one file. ``known``: the facts counted before (other files); at most
    ``max_facts`` distinct facts in all (0 = no cap), lines of a new fact beyond it are
    counted with RESV, insurer and region :data:`OTHER` (``folded`` counts them)."""

    def __init__(self, known: dict[FactKey, Sums], max_facts: int) -> None:
        self.facts: dict[FactKey, Sums] = {}
        self.folded = 0
        self._known = known
        self._max = max_facts

    def add_line(self, header: Header, line: Prestatie) -> None:
        """Count one line record."""
        credit = line.debet_credit == "C"
        self._add(
            line.begindatum.year,
            line.hoofdtaak,
            line.prestatiesoort,
            resv_of(header, line),
            line.zorgverzekeraar,
            line.werkgebied,
            (0, line.bedrag) if credit else (line.bedrag, 0),
            1,
        )

    def add_columns(self, header: Header, columns: dict[str, list[Any]]) -> None:
        """Count a run of clean lines given as validated columns (attribute -> values)."""
        groups: dict[tuple[Any, ...], list[int]] = {}  # distinct line -> [amount, lines]
        for row, amount in zip(
            zip(*(columns[attr] for attr in _GROUPED), strict=True),
            columns["bedrag"],
            strict=True,
        ):
            sums = groups.get(row)
            if sums is None:
                groups[row] = [amount, 1]
            else:
                sums[0] += amount
                sums[1] += 1
        for (begin, taak, soort, opdracht, insurer, region, sign), (amount, n) in groups.items():
            resv = resv_for(header, soort, opdracht)
            amounts = (0, amount) if sign == "C" else (amount, 0)
            self._add(begin.year, taak, soort, resv, insurer, region, amounts, n)

    def _add(
        self,
        year: int,
        taak: str,
        soort: str,
        resv: str,
        insurer: str,
        region: str,
        amounts: tuple[int, int],
        lines: int,
    ) -> None:
        key: FactKey = (year, taak, soort, resv, insurer, region)
        facts = self.facts
        if (
            self._max
            and key not in facts
            and key not in self._known
            and len(self._known) + len(facts) >= self._max
        ):
            key = (year, taak, soort, OTHER, OTHER, OTHER)
            self.folded += lines
        sums = facts.get(key)
        if sums is None:
            sums = facts[key] = Sums()
        sums.debit += amounts[0]
        sums.credit += amounts[1]
        sums.lines += lines
