"""The rule engine: runs the catalogue's rules over a stream of entries, yields issues.

Issues from the reader pass through unchanged, in order; record rules are checked as each
record arrives; rules across the message (totals, references) are answered at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from resv_edi.errors import Issue, Location, Severity
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE, RETOUR, Entry, MessageKind
from resv_edi.model.retour import RetourPrestatie, RetourTotalen
from resv_edi.rules import parties as _parties  # noqa: F401  (registers the rules)
from resv_edi.rules import record_rules as _record_rules  # noqa: F401
from resv_edi.rules import regions as _regions  # noqa: F401
from resv_edi.rules import retour_rules as _retour_rules  # noqa: F401
from resv_edi.rules import service_dates as _service_dates  # noqa: F401
from resv_edi.rules.record_rules import MessageContext, retired_release
from resv_edi.rules.references import ReferenceIndex, RefRow, line_values
from resv_edi.rules.registry import message_rule, record_rules
from resv_edi.standard.catalogue import issue
from resv_edi.standard.facts import facts

for _code in ("R001", "R002", "R003", "R004", "R025", "R035", "R037"):
    message_rule(_code)
for _code in ("R030", "R031", "R032"):
    message_rule(_code, kind=RETOUR.name)


class RuleEngine:
    """Checks one message. Feed it the reader's items with :meth:`check`, then call
    :meth:`finish`; or let :meth:`run` do both over a whole stream."""

    def __init__(self, kind: MessageKind = DECLARATIE, *, temp_dir: str | None = None) -> None:
        self.kind = kind
        self._rules = {
            part: [(spec.code, spec.func) for spec in record_rules(kind.name, part)]
            for part in ("header", "line", "totals")
        }
        self._ctx = MessageContext()
        self._refs = ReferenceIndex(temp_dir) if kind is DECLARATIE else None
        self.lines = 0
        self._unbound = 0
        self._sums = [0, 0]  # declaratie: amount; retour: submitted, granted (signed cents)
        self._totals: Entry | None = None
        self.fatal = False
        self._file: str | None = None
        self._last_line: int | None = None  # the last line seen: where a missing part is due
        self._no_lines_reported = False
        self.stopped = False  # True: the rest of the stream is not worth reading (F005)

    def run(self, stream: Iterable[Entry | Issue]) -> Iterator[Issue]:
        try:
            for item in stream:
                yield from self.check(item)
                if self.stopped:
                    break
            yield from self.finish()
        finally:
            self.close()

    def check(self, item: Entry | Issue) -> list[Issue]:
        """Issues for one item of the stream (a reader issue is passed through)."""
        if isinstance(item, Issue):
            self._file = self._file or item.location.file
            self._last_line = item.location.line or self._last_line
            self.fatal = self.fatal or item.severity is Severity.FATAL
            self._no_lines_reported = self._no_lines_reported or item.code == "X005"
            return [item]
        record = item.record
        self._file = item.location.file
        self._last_line = item.location.line or self._last_line
        if item.part == "line":
            self.lines += 1
            if record is None:
                self._unbound += 1
            elif isinstance(record, Prestatie):
                self._sums[0] += record.signed_amount
                assert self._refs is not None
                loc = item.location
                self._refs.add_values(item.index, loc.line, loc.path, line_values(record))
            elif isinstance(record, RetourPrestatie):
                self._sums[0] += record.signed_submitted
                self._sums[1] += record.signed_granted
        elif item.part == "header":
            self._ctx.header = record if isinstance(record, Header) else None
            release = retired_release(record) if record is not None else None
            if release is not None:  # a file of an earlier release: one clear error, no more
                self.fatal = self.stopped = True
                return [retired_issue(item.location.with_(field="XsdVersie"), release)]
        else:
            self._totals = item
        if record is None:
            return []
        found: list[Issue] = []
        ctx = self._ctx
        for code, func in self._rules[item.part]:
            findings = func(record, ctx)  # type: ignore[misc]
            if findings:
                for params, field in findings:
                    found.append(issue(code, _at(item.location, record, field), **params))
        return found

    def finish(self) -> Iterator[Issue]:
        """Issues across the message: references, totals. Nothing after a fatal issue."""
        if self.fatal:
            return
        if self._refs is not None:
            yield from _reference_issues(self._refs, self._file)
        totals = self._totals
        if self.kind is DECLARATIE and self.lines == 0 and not self._no_lines_reported:
            where = totals.location if totals else Location(file=self._file, line=self._last_line)
            yield issue("X005", where, expected=self.kind.line_element, parent=self.kind.root)
        if totals is None or totals.record is None:
            return
        record = totals.record
        if isinstance(record, Totalen):
            yield from _count_issue("R002", totals, record.aantal_prestaties, self.lines)
            if self._unbound == 0:
                yield from _sum_issue(
                    "R001", totals, "TotaalBedrag", record.signed_amount, self._sums[0]
                )
        elif isinstance(record, RetourTotalen):
            yield from _count_issue("R030", totals, record.aantal_prestaties, self.lines)
            if self._unbound == 0:
                yield from _sum_issue(
                    "R031", totals, "TotaalIngediendBedrag", record.signed_submitted, self._sums[0]
                )
                yield from _sum_issue(
                    "R032", totals, "TotaalToegekendBedrag", record.signed_granted, self._sums[1]
                )

    def close(self) -> None:
        if self._refs is not None:
            self._refs.close()
            self._refs = None


def _count_issue(code: str, totals: Entry, found: int, counted: int) -> Iterator[Issue]:
    if found != counted:
        yield issue(
            code, totals.location.with_(field="AantalPrestaties"), found=found, expected=counted
        )


def _sum_issue(code: str, totals: Entry, field: str, found: int, computed: int) -> Iterator[Issue]:
    if found != computed:
        yield issue(
            code,
            totals.location.with_(field=field),
            found=_signed(found),
            expected=_signed(computed),
        )


def _at(location: Location, record: object, field: str | None) -> Location:
    if field is None:
        return location
    info = type(record).model_fields.get(field)  # type: ignore[attr-defined]
    return location.with_(field=(info.alias if info and info.alias else field))


def _row_location(file: str | None, row: RefRow) -> Location:
    return Location(
        file=file,
        line=row.source_line,
        path=row.path,
        record_type="Prestatie",
        reference=row.reference,
        index=row.index,
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
                found=problem.credited,
                expected=problem.debit_amount,
            )
    for diff in refs.credit_differences():
        yield issue(
            "R035",
            _row_location(file, diff.row).with_(field=diff.element),
            reference=diff.row.previous,
            field=diff.element,
            found=diff.found or "-",
            expected=diff.expected or "-",
        )
    for conflict in refs.region_conflicts():
        yield issue(
            "R037",
            _row_location(file, conflict.row).with_(field="Werkgebied"),
            found=conflict.row.region,
            plan=conflict.row.plan,
            expected=conflict.first_region,
            first_line=conflict.first_source_line or conflict.first_index,
        )


def retired_issue(location: Location, release: str) -> Issue:
    """F005: the file is written in a retired release of the standard."""
    return issue(
        "F005", location, found=release, supported=", ".join(facts().supported_releases)
    )


def _signed(cents: int) -> str:
    return f"{abs(cents)} {'D' if cents >= 0 else 'C'}"
