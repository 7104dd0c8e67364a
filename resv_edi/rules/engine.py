"""The rule engine: runs the catalogue's rules over a stream of entries, yields issues.

Issues from the reader pass through unchanged, in order; record rules are checked as each
record arrives; rules across the message (totals, references) are answered at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

from resv_edi.errors import Issue, Location, Severity
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE, RETOUR, Entry, MessageKind
from resv_edi.rules import record_rules as _record_rules  # noqa: F401  (registers the rules)
from resv_edi.rules import retour_rules as _retour_rules  # noqa: F401
from resv_edi.rules.partial import (
    alias_of,
    check_record,
    doubted_field,
    fold,
    header_folds,
    line_amounts,
    reference_row,
)
from resv_edi.rules.record_rules import MessageContext
from resv_edi.rules.references import ReferenceIndex, RefRow
from resv_edi.rules.registry import message_rule, record_rules
from resv_edi.standard.catalogue import issue
from resv_edi.standard.wording import phrase

for _code in ("R001", "R002", "R003", "R004", "R025"):
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
        self._header_partial = False  # the header was refused: line rules may miss its fields
        self._header_folds: dict[str, str] = {}
        self._header_entry: Entry | None = None
        self._doubted: set[str] = set()  # fields named by reader issues since the last entry
        self._skipped: dict[str, Skipped] = {}  # unreadable field -> the checks it stopped
        self._amounts = Skipped()  # lines whose amount could not be read (no R001)

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
            self._file = self._file or item.location.file
            self._last_line = item.location.line or self._last_line
            self.fatal = self.fatal or item.severity is Severity.FATAL
            self._no_lines_reported = self._no_lines_reported or item.code == "X005"
            self._doubted.add(doubted_field(item))  # a field a reader complained about
            return [item]
        checked = check_record(
            item,
            self.kind.record_class(item.part),
            self._rules[item.part],
            self._ctx,
            self._doubted,
            self._header_partial,
            _at,
        )
        self._doubted.clear()
        record, unreadable = checked.record, checked.unreadable
        self._file = item.location.file
        self._last_line = item.location.line or self._last_line
        if item.part == "line":
            self.lines += 1
            self._count_line(item, record, unreadable)
        elif item.part == "header":
            self._ctx.header = record if isinstance(record, Header) else None
            self._header_partial = bool(unreadable)
            self._header_entry = item
        else:
            self._totals = item if record is item.record else replace(item, record=record)
        for code, attribute in checked.skipped:
            self._skip(code, attribute, item, record)
        if item.part == "header":
            self._header_folds = header_folds(checked.found)
            return fold(checked.found)
        return fold(checked.found, self._header_folds if item.part == "line" else None)

    def _count_line(self, item: Entry, record: object, unreadable: tuple[str, ...]) -> None:
        """Add a line to the sums and the references (when they can be read)."""
        amounts = None if record is None else line_amounts(record)
        if amounts is None:
            self._unbound += 1
            self._amounts.add(item.location, unreadable)
            return
        for n, amount in enumerate(amounts):
            self._sums[n] += amount
        row = reference_row(record, unreadable) if isinstance(record, Prestatie) else None
        if row is not None and self._refs is not None:
            loc = item.location
            self._refs.add_values(item.index, loc.line, loc.path, *row)

    def _skip(self, code: str, attribute: str, item: Entry, record: object) -> None:
        """Note that rule ``code`` could not run on ``item``: ``attribute`` is unreadable."""
        own = attribute in getattr(type(record), "model_fields", {})
        entry = item if own else self._header_entry
        if entry is None:
            return
        name = alias_of(record if own else self._ctx.header, attribute)
        key, skipped = skip_note_key(entry, name, own)
        self._skipped.setdefault(key, skipped).add(entry.location.with_(field=name), (), code)

    def finish(self) -> Iterator[Issue]:
        """Issues across the message: references, totals. Nothing after a fatal issue."""
        if self.fatal:
            return
        if self._refs is not None:
            yield from _reference_issues(self._refs, self._file)
        totals = self._totals
        yield from self._skipped_notes()
        if self.kind is DECLARATIE and self.lines == 0 and not self._no_lines_reported:
            where = totals.location if totals else Location(file=self._file, line=self._last_line)
            yield issue("X005", where, expected=self.kind.line_element, parent=self.kind.root)
        if totals is None or totals.record is None:
            return
        yield from totals_issues(totals, self.lines, self._sums, self._amounts, self._file)

    def _skipped_notes(self) -> Iterator[Issue]:
        yield from skip_notes(self._skipped, self._file)

    def close(self) -> None:
        if self._refs is not None:
            self._refs.close()
            self._refs = None


@dataclass
class Skipped:
    """Checks that could not run because a field was unreadable: on how many records, where."""

    header: bool = False
    cause: str | None = None
    count: int = 0
    first: Location | None = None
    last: Location | None = None
    fields: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)

    def add(self, where: Location, unreadable: Iterable[str], code: str | None = None) -> None:
        if where != self.last:  # a record counts once, however many checks it stopped
            self.count += 1
            self.last = where
        if self.first is None:
            self.first = where
        self.fields.update(unreadable)
        if code is not None:
            self.codes.add(code)

    def note(
        self,
        codes: tuple[str, ...],
        file: str | None,
        *,
        name: str = "",
        line_fields: tuple[str, ...] = (),
    ) -> Issue:
        """The ``I001`` note: which checks did not run, and why."""
        where = self.first or Location(file=file)
        fields = [f for f in line_fields if f in self.fields] or list(line_fields) or [name]
        shown = "/".join(fields)
        if self.header or not line_fields:
            reason = _unreadable(shown)
        else:
            reason = phrase("labels", "line_unreadable", fields=shown, count=self.count)
            if where.field is None and fields:
                where = where.with_(field=fields[0])
        return issue("I001", where, codes=", ".join(codes), reason=reason)


def skip_notes(skipped: dict[str, Skipped], file: str | None) -> Iterator[Issue]:
    """One ``I001`` note per record and unreadable field: the checks it stopped."""
    for key, note in skipped.items():
        name = key.rsplit("/", 1)[-1]
        found = note.note(tuple(sorted(note.codes)), file, name=name)
        yield replace(found, cause=note.cause)


def totals_issues(
    totals: Entry, lines: int, sums: list[int], amounts: Skipped, file: str | None
) -> Iterator[Issue]:
    """R002/R001 (declaratie) or R030/R031/R032 (retour) of a message's totals; a check that
    needs an unreadable amount (of a line or of the totals) becomes an ``I001`` note."""
    record: Any = totals.record
    declaratie = isinstance(record, Totalen)
    count_code, sum_codes = ("R002", ("R001",)) if declaratie else ("R030", ("R031", "R032"))
    if amounts.count:
        yield amounts.note(sum_codes, file, line_fields=("Bedrag", "DebetCredit"))
    checks: list[tuple[tuple[str, ...], Callable[[], Iterator[Issue]]]] = [
        ((count_code,), lambda: _count_issue(count_code, totals, record.aantal_prestaties, lines))
    ]
    if not amounts.count and declaratie:
        checks.append(
            (
                sum_codes,
                lambda: _sum_issue("R001", totals, "TotaalBedrag", record.signed_amount, sums[0]),
            )
        )
    elif not amounts.count:
        checks.append(
            (
                sum_codes,
                lambda: chain(
                    _sum_issue(
                        "R031", totals, "TotaalIngediendBedrag", record.signed_submitted, sums[0]
                    ),
                    _sum_issue(
                        "R032", totals, "TotaalToegekendBedrag", record.signed_granted, sums[1]
                    ),
                ),
            )
        )
    for codes, check in checks:
        try:
            found = list(check())
        except AttributeError as exc:  # totals refused and a field unreadable
            name = alias_of(record, exc.name or "")
            where = totals.location.with_(field=name)
            found = [issue("I001", where, codes=", ".join(codes), reason=_unreadable(name))]
        yield from found


def skip_note_key(entry: Entry, name: str, own: bool) -> tuple[str, Skipped]:
    """The key of the note on ``entry``'s field ``name`` (one per record and field) and an
    empty note; the note follows from the field's S001 (missing) or S002 (invalid) finding."""
    cause = "S002" if name in (entry.raw or {}) else "S001"
    return f"{entry.part}/{entry.index}/{name}", Skipped(header=not own, cause=cause)


def _unreadable(fields: str) -> object:
    return phrase("labels", "unreadable", fields=fields)


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
            found=found,
            expected=computed,
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

