"""``ledger show``: what the ledger holds, in counts and totals (signed cents)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from resv_edi.ledger.store import Ledger
from resv_edi.standard.wording import Money, label, phrase

#: the breakdowns shown: title -> column of ``lines``
BREAKDOWNS = {"year": "year", "sender": "sender", "insurer": "insurer", "hoofdtaak": "hoofdtaak"}


@dataclass(frozen=True, slots=True)
class Total:
    key: str
    lines: int
    amount: int  # declared, signed cents
    granted: int  # granted by a recorded retour, signed cents


@dataclass
class LedgerSummary:
    url: str
    schema_version: int
    messages: int = 0
    lines: int = 0
    retours: int = 0
    agreements: int = 0
    amount: int = 0
    per: dict[str, list[Total]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(ledger: Ledger) -> LedgerSummary:
    """Counts of messages, lines, retours and agreements; totals per year, sender, insurer
    and hoofdtaak."""
    q = ledger.db.execute
    version = int(q("SELECT MAX(version) FROM ledger_schema")[0][0])
    result = LedgerSummary(str(ledger.url), version)
    result.messages = int(q("SELECT COUNT(*) FROM messages")[0][0])
    result.retours = int(q("SELECT COUNT(*) FROM retours")[0][0])
    result.agreements = int(q("SELECT COUNT(*) FROM agreements")[0][0])
    lines, amount = q("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM lines")[0]
    result.lines, result.amount = int(lines), int(amount)
    for title, column in BREAKDOWNS.items():
        rows = q(
            f"SELECT {column}, COUNT(*), SUM(amount), COALESCE(SUM(granted), 0) FROM lines"
            f" GROUP BY {column} ORDER BY {column}"
        )
        result.per[title] = [Total(str(k), int(n), int(a), int(g)) for k, n, a, g in rows]
    return result


def summary_text(s: LedgerSummary, lang: str = "en") -> list[str]:
    """The summary as lines of text in ``lang`` (amounts in euros with its separators)."""

    def say(key: str, **params: Any) -> str:
        return phrase("commands", key, **params).render(lang)

    out = [
        say("ledger_header", url=s.url, schema=s.schema_version),
        say(
            "ledger_counts",
            messages=s.messages,
            lines=s.lines,
            retours=s.retours,
            agreements=s.agreements,
            amount=Money(s.amount),
        ),
    ]
    lines, granted = label("lines", lang), label("granted", lang)
    for title, totals in s.per.items():
        out.append(say(f"per_{title}"))
        out.extend(
            f"  {t.key:<12} {t.lines:>9} {lines} {Money(t.amount).render(lang):>15} "
            f"{granted} {Money(t.granted).render(lang):>15}"
            for t in totals
        )
    return out
