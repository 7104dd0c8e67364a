"""The lump-sum record: one group of counted claim lines, with no trace of any patient.

Amounts are integer euro cents. ``Saldo`` is debit minus credit (negative when credits
exceed debits). Fields not used as a grouping key are absent (``None``).
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import Field

from resv_edi.model.base import Record
from resv_edi.model.types import Agb, Datum, Hoofdtaak, Text10, Text40, Uzovi


class LumpSumRecord(Record):
    """Sums of the claim lines of one provider, insurer, period and hoofdtaak."""

    mapping: Text40
    bronstandaard: Text10
    zorgaanbieder: Agb | None = None
    zorgverzekeraar: Uzovi | None = None
    periode_begin: Datum
    periode_einde: Datum
    hoofdtaak: Hoofdtaak | None = None
    broncode: Text10 | None = None
    aantal_regels: int = Field(ge=0)
    aantal_prestaties: int
    debet: int = Field(ge=0)
    credit: int = Field(ge=0)
    saldo: int


def period_of(day: date, granularity: str) -> tuple[date, date]:
    """The first and last day of the month, quarter or year holding ``day``."""
    if granularity == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    first_month = day.month if granularity == "month" else 3 * ((day.month - 1) // 3) + 1
    begin = date(day.year, first_month, 1)
    months = 1 if granularity == "month" else 3
    nxt = first_month + months
    end = date(day.year + (nxt > 12), (nxt - 1) % 12 + 1, 1) - timedelta(days=1)
    return begin, end


def period_label(begin: date, granularity: str) -> str:
    """``2027``, ``2027-Q2`` or ``2027-04``."""
    if granularity == "year":
        return f"{begin.year}"
    if granularity == "quarter":
        return f"{begin.year}-Q{(begin.month - 1) // 3 + 1}"
    return f"{begin.year}-{begin.month:02d}"
