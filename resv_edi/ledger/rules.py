"""The cross-message rules: what no single message can decide, judged against the ledger.

The message under check is streamed once into a temporary table next to the ledger's tables;
every rule is then one set-based query that joins it to the ledger through an index (see
``schema.py``), so a check costs about the same against a ledger of a thousand lines as of
ten million. The message itself is left out when it is already in the ledger (same sender,
identification and content), so checking, adding and checking again gives the same answer.

Amounts of earlier lines count as granted by their retour when one is recorded, else as
declared; a line its retour rejected (granted 0) does not count and does not use up its
reference. Codes G001..G009 in ``mappings/rules/catalogue.toml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from resv_edi.errors import Issue, Location
from resv_edi.ledger.ingest import Scan
from resv_edi.ledger.store import Ledger
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.declaratie import Header, Prestatie
from resv_edi.model.messages import DECLARATIE
from resv_edi.pipeline import PathLike
from resv_edi.standard.catalogue import issue
from resv_edi.standard.codelists import codelist

CHECK_COLUMNS = (
    "idx", "src", "path", "reference", "previous", "soort", "hoofdtaak", "parent", "agreement",
    "subcontract", "insurer", "commissioning", "region", "begin_date", "end_date", "year", "dc",
    "amount",
)  # fmt: skip

#: a ledger line that counts: not rejected by its retour
_COUNTS = "(l.granted IS NULL OR l.granted <> 0 OR l.amount = 0)"
#: what a ledger line counts for: granted when a retour is recorded, else declared
_WORTH = "COALESCE(l.granted, l.amount)"


@dataclass
class _Check:
    ledger: Ledger
    file: str
    header: Header
    header_location: Location
    self_id: int = -1
    found: list[Issue] = field(default_factory=list)
    plans: list[tuple[str, str]] | None = None  # (query, plan) when asked to explain

    def q(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.plans is not None:
            self.plans.append((sql, self.ledger.db.explain(sql, params)))
        return self.ledger.db.execute(sql, params)

    def at(self, row: tuple[Any, ...], field_name: str) -> Location:
        idx, src, path, reference = row[:4]
        return Location(
            file=self.file, line=src, path=path, record_type="Prestatie",
            field=field_name, reference=reference, index=idx,
        )  # fmt: skip


def ledger_issues(
    ledger: Ledger,
    path: PathLike,
    fmt: str = "auto",
    *,
    limits: Limits = DEFAULT_LIMITS,
    plans: list[tuple[str, str]] | None = None,
    reader_issues: bool = False,
) -> list[Issue]:
    """The cross-message issues of the declaration in ``path``, in line order (message-level
    issues first). A message that cannot be read is not judged: its reader's errors are
    returned when ``reader_issues`` is set, else nothing (the validator reports them).
    ``plans``, when given, receives (query, database plan) of every query the rules ran."""
    scan = Scan(path, fmt, DECLARATIE, limits)
    header = scan.header()
    if not isinstance(header, Header):
        return scan.errors if reader_issues else []
    check = _Check(ledger, str(path), header, scan.header_location, plans=plans)
    db = ledger.db
    with db.transaction(write=False):
        temp = "ON COMMIT DROP" if db.dialect == "postgresql" else ""
        db.execute("DROP TABLE IF EXISTS check_lines") if db.dialect == "sqlite" else None
        db.execute(
            "CREATE TEMP TABLE check_lines (idx INTEGER PRIMARY KEY, src INTEGER, path TEXT, "
            "reference TEXT NOT NULL, previous TEXT, soort TEXT NOT NULL, hoofdtaak TEXT NOT NULL, "
            "parent TEXT, agreement TEXT NOT NULL, subcontract TEXT, insurer TEXT NOT NULL, "
            "commissioning TEXT, "
            "region TEXT NOT NULL, begin_date {date} NOT NULL, end_date {date} NOT NULL, "
            "year INTEGER NOT NULL, dc TEXT NOT NULL, amount {money} NOT NULL) {temp}".format(
                temp=temp, **db.types
            )
        )
        db.load("check_lines", CHECK_COLUMNS, _rows(scan))
        if not scan.ok:
            return scan.errors if reader_issues else []
        db.execute("CREATE INDEX check_lines_reference ON check_lines (reference)")
        if db.dialect == "postgresql":
            db.execute("ANALYZE check_lines")  # temporary tables get no statistics otherwise
        known = check.q(
            "SELECT id FROM messages WHERE sender = ? AND message_ident = ? AND content_hash = ?",
            (header.afzender, header.bericht_identificatie, scan.digest),
        )
        check.self_id = int(known[0][0]) if known else -1
        for rule in RULES:
            rule(check)
        if db.dialect == "sqlite":
            db.execute("DROP TABLE check_lines")
    return sorted(check.found, key=lambda i: i.location.index or 0)


def _rows(scan: Scan) -> Iterator[tuple[Any, ...]]:
    parents = {code: c.attributes.get("parent") for code, c in codelist("hoofdtaken").codes.items()}
    for entry in scan.entries():
        line = entry.record
        if not isinstance(line, Prestatie):
            continue
        loc = entry.location
        yield (
            entry.index, loc.line, loc.path, line.referentienummer, line.vorig_referentienummer,
            line.prestatiesoort, line.hoofdtaak, parents.get(line.hoofdtaak), line.overeenkomst,
            line.opdracht_overeenkomst, line.zorgverzekeraar, line.opdrachtgevende_zorgaanbieder,
            line.werkgebied, line.begindatum, line.einddatum, line.begindatum.year,
            line.debet_credit, line.signed_amount,
        )  # fmt: skip


# ---------------------------------------------------------------------- the rules
def reference_used_before(c: _Check) -> None:
    """G001: a reference is unique per sender across all messages."""
    rows = c.q(
        "SELECT c.idx, c.src, c.path, c.reference, MIN(m.message_ident) FROM check_lines c"
        " JOIN lines l ON l.sender = ? AND l.reference = c.reference AND l.message_id <> ?"
        f" AND {_COUNTS} JOIN messages m ON m.id = l.message_id"
        " GROUP BY c.idx, c.src, c.path, c.reference ORDER BY c.idx",
        (c.header.afzender, c.self_id),
    )
    for row in rows:
        c.found.append(
            issue("G001", c.at(row, "Referentienummer"), reference=row[3], message=row[4])
        )


def invoice_number_used_before(c: _Check) -> None:
    """G002: the Declaratienummer is unique per sender (Vektis 0030)."""
    rows = c.q(
        "SELECT message_ident FROM messages WHERE sender = ? AND declaratienummer = ? AND id <> ?"
        " LIMIT 1",
        (c.header.afzender, c.header.declaratienummer, c.self_id),
    )
    if rows:
        where = c.header_location.with_(field="Declaratienummer", record_type="Header")
        c.found.append(issue("G002", where, value=c.header.declaratienummer, message=rows[0][0]))


def credits_of_ledger_debits(c: _Check) -> None:
    """G003/G004/G005: a credit of a line outside its message names an earlier debit of the
    same sender that was granted and is not yet credited in full."""
    sender, me = c.header.afzender, c.self_id
    rows = c.q(
        "SELECT c.idx, c.src, c.path, c.reference, c.previous, -c.amount,"
        " (SELECT COUNT(*) FROM lines l WHERE l.sender = ? AND l.reference = c.previous"
        "   AND l.dc = 'D' AND l.message_id <> ?),"
        f" (SELECT MAX({_WORTH}) FROM lines l WHERE l.sender = ? AND l.reference = c.previous"
        "   AND l.dc = 'D' AND l.message_id <> ?),"
        f" (SELECT COALESCE(SUM(-{_WORTH}), 0) FROM lines l WHERE l.sender = ?"
        f"   AND l.previous = c.previous AND l.dc = 'C' AND l.message_id <> ? AND {_COUNTS})"
        " FROM check_lines c WHERE c.dc = 'C' AND c.previous IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM check_lines o WHERE o.reference = c.previous)"
        " ORDER BY c.idx",
        (sender, me, sender, me, sender, me),
    )
    running: dict[str, int] = {}
    for row in rows:
        previous, amount, debits, granted, credited = row[4], row[5], row[6], row[7], row[8]
        where = c.at(row, "VorigReferentienummer")
        if not debits:
            c.found.append(issue("G003", where, reference=previous))
        elif not granted:
            c.found.append(issue("G004", where, reference=previous))
        else:
            total = running.get(previous, int(credited)) + amount
            running[previous] = total
            if total > granted:
                c.found.append(
                    issue("G005", where, reference=previous, found=total, expected=granted)
                )


def prestatie2_within_prestatie1(c: _Check) -> None:
    """G006: prestatie 2 per commissioning RESV, insurer agreement and year stays within the
    prestatie 1 granted to that RESV under that agreement in that year."""
    groups = c.q(
        "SELECT commissioning, agreement, year FROM check_lines WHERE soort = '2'"
        " AND commissioning IS NOT NULL GROUP BY commissioning, agreement, year"
    )
    for provider, agreement, year in groups:
        allowed = _worth(c, "sender", "1", provider, agreement, year)
        before = _worth(c, "commissioning", "2", provider, agreement, year)
        lines = c.q(
            "SELECT idx, src, path, reference, amount FROM check_lines WHERE soort = '2' AND"
            " commissioning = ? AND agreement = ? AND year = ? ORDER BY idx",
            (provider, agreement, year),
        )
        _over_limit(c, "G006", lines, before, allowed, provider=provider,
                    agreement=agreement, year=year)  # fmt: skip


def annual_sum(c: _Check) -> None:
    """G007: prestatie 1 per agreement and year stays within the agreed annual sum."""
    groups = c.q(
        "SELECT c.agreement, c.year, a.annual_sum FROM check_lines c JOIN agreements a"
        " ON a.provider = ? AND a.reference = c.agreement AND a.commissioning IS NULL"
        " WHERE c.soort = '1'"
        " AND a.annual_sum IS NOT NULL GROUP BY c.agreement, c.year, a.annual_sum",
        (c.header.afzender,),
    )
    for agreement, year, limit in groups:
        before = _worth(c, "sender", "1", c.header.afzender, agreement, year)
        lines = c.q(
            "SELECT idx, src, path, reference, amount FROM check_lines WHERE soort = '1' AND"
            " agreement = ? AND year = ? ORDER BY idx",
            (agreement, year),
        )
        _over_limit(c, "G007", lines, before, int(limit), agreement=agreement, year=year)


def _worth(c: _Check, party: str, soort: str, provider: str, agreement: str, year: int) -> int:
    """What the ledger's lines of ``soort`` by ``party`` = ``provider`` under ``agreement`` in
    ``year`` count for (index ``lines_prestatie1`` or ``lines_prestatie2``)."""
    sql = (
        f"SELECT COALESCE(SUM({_WORTH}), 0) FROM lines l WHERE l.{party} = ? AND l.agreement = ?"
        f" AND l.year = ? AND l.soort = ? AND l.message_id <> ? AND {_COUNTS}"
    )
    return int(c.q(sql, (provider, agreement, year, soort, c.self_id))[0][0])


def _over_limit(
    c: _Check, code: str, lines: list[tuple[Any, ...]], before: int, limit: int, **params: Any
) -> None:
    """Flag each debit line from the one that takes the running total past ``limit``."""
    total = before
    for row in lines:
        total += int(row[4])
        if total > limit and row[4] > 0:
            c.found.append(issue(code, c.at(row, "Bedrag"), found=total, expected=limit, **params))


def covered_by_agreement(c: _Check) -> None:
    """G008/G009: each line rests on an agreement of the register in force on its period for
    its provider (prestatie 2: the commissioning RESV's), insurer, region and hoofdtaak."""
    _coverage(
        c,
        "Overeenkomst",
        "c.agreement",
        " AND a.provider = CASE WHEN c.soort = '2' THEN c.commissioning ELSE ? END"
        " AND a.commissioning IS NULL",
        "",
    )


def covered_by_subcontract(c: _Check) -> None:
    """G008/G009 for the subcontract prestatie 2 names (``OpdrachtOvereenkomst``), where the
    register lists subcontracts of its commissioning RESV: one of this executing provider
    with that RESV that covers the line as an agreement does."""
    _coverage(
        c,
        "OpdrachtOvereenkomst",
        "c.subcontract",
        " AND a.provider = ? AND a.commissioning = c.commissioning",
        " AND c.soort = '2' AND c.subcontract IS NOT NULL AND EXISTS (SELECT 1 FROM agreements"
        " s WHERE s.commissioning = c.commissioning)",
    )


def _coverage(c: _Check, field_name: str, named: str, owner: str, which: str) -> None:
    task = (
        "EXISTS (SELECT 1 FROM agreement_tasks t WHERE t.agreement_id = a.id"
        " AND (t.hoofdtaak = c.hoofdtaak OR t.hoofdtaak = c.parent))"
    )
    rows = c.q(
        f"SELECT c.idx, c.src, c.path, c.reference, {named}, c.soort, c.commissioning,"
        " c.insurer, c.region, c.hoofdtaak, c.begin_date, c.end_date,"
        f" a.id, a.insurer, a.region, a.valid_from, a.valid_to, {task}"
        f" FROM check_lines c LEFT JOIN agreements a ON a.reference = {named}{owner}"
        f" WHERE (a.id IS NULL OR a.insurer <> c.insurer OR a.region <> c.region"
        f"  OR c.begin_date < a.valid_from OR c.end_date > a.valid_to OR NOT {task}){which}"
        " ORDER BY c.idx",
        (c.header.afzender,),
    )
    for row in rows:
        (agreement, soort, commissioning, insurer, region, task_code, begin, end,
         found_id, a_insurer, a_region, a_from, a_to, has_task) = row[4:]  # fmt: skip
        owner_agb = commissioning if soort == "2" and field_name == "Overeenkomst" else None
        provider = owner_agb or c.header.afzender
        where = c.at(row, field_name)
        if found_id is None:
            c.found.append(issue("G008", where, agreement=agreement, provider=provider))
            continue
        reasons = []
        if a_insurer != insurer:
            reasons.append(f"insurer {a_insurer}, not {insurer}")
        if a_region != region:
            reasons.append(f"region {a_region}, not {region}")
        if not has_task:
            reasons.append(f"hoofdtaak {task_code} not agreed")
        if str(begin) < str(a_from) or str(end) > str(a_to):
            reasons.append(f"in force {a_from}..{a_to}, not {begin}..{end}")
        c.found.append(issue("G009", where, agreement=agreement, reason="; ".join(reasons)))


RULES = (
    invoice_number_used_before,
    reference_used_before,
    credits_of_ledger_debits,
    covered_by_agreement,
    covered_by_subcontract,
    annual_sum,
    prestatie2_within_prestatie1,
)
