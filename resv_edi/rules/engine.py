"""The rule engine: runs the catalogue's rules over a stream of entries, yields issues.

Issues from the reader pass through unchanged, in order; record rules are checked as each
record arrives; rules across the message (totals, references) are answered at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from resv_edi.errors import Issue, Location, Severity
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE, Entry, MessageKind
from resv_edi.rules import record_rules as _record_rules  # noqa: F401  (registers the rules)
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.references import ReferenceIndex, RefRow
from resv_edi.rules.registry import message_rule, record_rules
from resv_edi.standard.catalogue import issue

for _code in ("R001", "R002", "R003", "R004", "R025"):
    message_rule(_code)


class RuleEngine:
    """Checks one message. Feed it the reader's items with :meth:`check`, then call
    :meth:`finish`; or let :meth:`run` do both over a whole stream."""

    def __init__(self, kind: MessageKind = DECLARATIE, *, temp_dir: str | None = None) -> None:
        self.kind = kind
        self.active = kind is DECLARATIE
        self._rules = {part: record_rules(kind.name, part) for part in ("header", "line", "totals")}
        self._ctx = MessageContext()
        self._refs = ReferenceIndex(temp_dir) if self.active else None
        self.lines = 0
        self._unbound = 0
        self._signed_sum = 0
        self._totals: Entry | None = None
        self.fatal = False
        self._file: str | None = None

    def run(self, stream: Iterable[Entry | Issue]) -> Iterator[Issue]:
        try:
            for item in stream:
                yield from self.check(item)
            yield from self.finish()
        finally:
            self.close()

    def check(self, item: Entry | Issue) -> list[Issue]:
        """Issues for one item of the stream (a reader issue is passed through)."""
        if isinstance(item, Issue):
            self.fatal = self.fatal or item.severity is Severity.FATAL
            return [item]
        if not self.active:
            return []
        record = item.record
        self._file = item.location.file
        if item.part == "line":
            self.lines += 1
            if isinstance(record, Prestatie):
                self._signed_sum += record.signed_amount
                assert self._refs is not None
                self._refs.add(_ref_row(item, record))
            else:
                self._unbound += 1
        elif item.part == "header":
            self._ctx.header = record if isinstance(record, Header) else None
        else:
            self._totals = item
        if record is None:
            return []
        found: list[Issue] = []
        for spec in self._rules[item.part]:
            for params, field in spec.func(record, self._ctx):  # type: ignore[misc]
                found.append(issue(spec.code, _at(item.location, record, field), **params))
        return found

    def finish(self) -> Iterator[Issue]:
        """Issues across the message: references, totals. Nothing after a fatal issue."""
        if not self.active or self.fatal:
            return
        assert self._refs is not None
        yield from _reference_issues(self._refs, self._file)
        totals = self._totals
        if totals is not None and isinstance(totals.record, Totalen):
            yield from _totals_issues(totals, self.lines, self._unbound, self._signed_sum)

    def close(self) -> None:
        if self._refs is not None:
            self._refs.close()
            self._refs = None


def _at(location: Location, record: object, field: str | None) -> Location:
    if field is None:
        return location
    info = type(record).model_fields.get(field)  # type: ignore[attr-defined]
    return location.with_(field=(info.alias if info and info.alias else field))


def _ref_row(entry: Entry, line: Prestatie) -> RefRow:
    return RefRow(
        index=entry.index,
        source_line=entry.location.line,
        path=entry.location.path,
        reference=line.referentienummer,
        previous=line.vorig_referentienummer if line.debet_credit == "C" else None,
        debit=line.debet_credit == "D",
        amount=line.bedrag,
    )


def _row_location(file: str | None, row: RefRow) -> Location:
    return Location(
        file=file,
        line=row.source_line,
        path=row.path,
        record_type="Prestatie",
        reference=row.reference,
    )


def _reference_issues(refs: ReferenceIndex, file: str | None) -> Iterator[Issue]:
    for dup in refs.duplicates():
        yield issue(
            "R003",
            _row_location(file, dup.row).with_(field="Referentienummer"),
            reference=dup.row.reference,
            first_line=dup.first_source_line or dup.first_index,
        )
    for problem in refs.credit_problems():
        where = _row_location(file, problem.row).with_(field="VorigReferentienummer")
        if problem.debit_amount is None:
            yield issue("R004", where, reference=problem.row.previous or "(none)")
        else:
            yield issue(
                "R025",
                where,
                reference=problem.row.reference,
                found=problem.row.amount,
                expected=problem.debit_amount,
            )


def _totals_issues(totals: Entry, lines: int, unbound: int, signed_sum: int) -> Iterator[Issue]:
    record = totals.record
    assert isinstance(record, Totalen)
    if record.aantal_prestaties != lines:
        yield issue(
            "R002",
            totals.location.with_(field="AantalPrestaties"),
            found=record.aantal_prestaties,
            expected=lines,
        )
    if unbound == 0 and record.signed_amount != signed_sum:
        yield issue(
            "R001",
            totals.location.with_(field="TotaalBedrag"),
            found=_signed(record.signed_amount),
            expected=_signed(signed_sum),
        )


def _signed(cents: int) -> str:
    return f"{abs(cents)} {'D' if cents >= 0 else 'C'}"
