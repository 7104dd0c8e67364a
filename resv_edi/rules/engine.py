"""The rule engine: runs the catalogue's rules over a stream of entries, yields issues.

Issues from the reader pass through unchanged, in order; record rules are checked as each
record arrives; rules across the message (totals, references) are answered at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import NamedTuple

from resv_edi.errors import Issue, Location, Severity
from resv_edi.model.declaratie import Header, Prestatie
from resv_edi.model.messages import DECLARATIE, RETOUR, Entry, MessageKind
from resv_edi.rules import parties as _parties  # noqa: F401  (registers the rules)
from resv_edi.rules import record_rules as _record_rules  # noqa: F401
from resv_edi.rules import regions as _regions  # noqa: F401
from resv_edi.rules import retour_rules as _retour_rules  # noqa: F401
from resv_edi.rules import service_dates as _service_dates  # noqa: F401
from resv_edi.rules.fact_log import FactBlock
from resv_edi.rules.message_checks import (
    Skipped,
    reference_issues,
    retired_issue,
    skip_note_key,
    skip_notes,
    totals_issues,
)
from resv_edi.rules.partial import (
    alias_of,
    check_record,
    doubted_field,
    fold,
    header_folds,
    line_amounts,
    reference_row,
)
from resv_edi.rules.record_rules import MessageContext, retired_release
from resv_edi.rules.ref_blocks import RefBlock
from resv_edi.rules.ref_partitions import PartitionedIndex
from resv_edi.rules.references import RowValues
from resv_edi.rules.registry import message_rule, record_rules
from resv_edi.standard.catalogue import issue

for _code in ("R001", "R002", "R003", "R004", "R025", "R035", "R037"):
    message_rule(_code)
for _code in ("R030", "R031", "R032"):
    message_rule(_code, kind=RETOUR.name)


class Counted(NamedTuple):
    """What the totals rules are answered from (:attr:`RuleEngine.counted`)."""

    lines: int
    sums: list[int]  # declaratie: amount; retour: submitted, granted (signed cents)
    amounts: Skipped  # lines whose amount could not be read
    totals: Entry | None  # the totals entry with its checked record


class RuleEngine:
    """Checks one message. Feed it the reader's items with :meth:`check`, then call
    :meth:`finish`; or let :meth:`run` do both over a whole stream. ``index`` collects the
    lines' references instead of a new :class:`PartitionedIndex` (a part of a message checked
    alone, :mod:`resv_edi.batch.split`)."""

    def __init__(
        self,
        kind: MessageKind = DECLARATIE,
        *,
        temp_dir: str | None = None,
        index: PartitionedIndex | None = None,
    ) -> None:
        self.kind = kind
        self._rules = {
            part: [(spec.code, spec.func) for spec in record_rules(kind.name, part)]
            for part in ("header", "line", "totals")
        }
        self._ctx = MessageContext()
        self._refs = (
            (index if index is not None else PartitionedIndex(temp_dir))
            if kind is DECLARATIE
            else None
        )
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
            self._doubted.add(doubted_field(item))  # a field a reader complained about
            return [item]
        if item.part == "header" and item.record is not None:
            release = retired_release(item.record)
            if release is not None:  # a file of an earlier release: one clear error, no more
                self._ctx.header = item.record if isinstance(item.record, Header) else None
                self.fatal = self.stopped = True
                return [retired_issue(item.location.with_(field="XsdVersie"), release)]
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
        own: dict[str, Skipped] = {}  # the record's own notes: final now, so out they go
        stopped: dict[str, list[str]] = {}  # unreadable attribute -> the rules it stopped
        for code, attribute in checked.skipped:
            stopped.setdefault(attribute, []).append(code)
        for attribute, codes in stopped.items():
            self._skip(codes, attribute, item, record, own)
        if item.part == "header":
            self._header_folds = header_folds(checked.found)
            found = fold(checked.found)
        else:
            found = fold(checked.found, self._header_folds if item.part == "line" else None)
        return [*found, *skip_notes(own, self._file)] if own else found

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
            self._refs.add_values(item.index, loc.line, loc.path, row)

    @property
    def context(self) -> MessageContext:
        """What the record rules know of the message (its header)."""
        return self._ctx

    @property
    def counted(self) -> Counted:
        """The lines, sums and totals counted so far (the totals rules' input)."""
        return Counted(self.lines, list(self._sums), self._amounts, self._totals)

    @property
    def plain(self) -> bool:
        """Whether a bound line is checked by its rules alone (the header was accepted whole):
        then a line that breaks no rule changes nothing but the counts."""
        return not self._header_partial

    def add_clean_lines(
        self,
        file: str,
        last_line: int | None,
        rows: RefBlock | list[RowValues],
        signed_sum: int,
        facts: FactBlock | None = None,
    ) -> None:
        """Count declaratie lines that a block check (:mod:`resv_edi.rules.blocks`) found to
        be bound and to break no record rule, under a :attr:`plain` engine: as if each had
        passed :meth:`check` without an issue. ``rows`` are the lines' reference columns
        (:attr:`~resv_edi.rules.blocks.CleanRun.refs`) or rows, ``signed_sum`` their net
        amount in cents, ``facts`` their compared values when the lines carry no text of them
        (:func:`~resv_edi.rules.blocks.clean_run`)."""
        assert self._refs is not None and self.plain
        self._file = file
        if last_line is not None:  # JSON documents have no line numbers: as check() keeps it
            self._last_line = last_line
        self._sums[0] += signed_sum
        if isinstance(rows, RefBlock):
            self.lines += rows.size
            self._refs.add_block(rows, facts)
        else:
            self.lines += len(rows)
            self._refs.add_rows(rows, facts)

    def _skip(
        self,
        codes: list[str],
        attribute: str,
        item: Entry,
        record: object,
        notes: dict[str, Skipped],
    ) -> None:
        """Note that rules ``codes`` could not run on ``item``: ``attribute`` is unreadable.
        A field of the record itself is noted in ``notes`` (given out with the record's
        issues, so memory stays flat however many records are unreadable); a header field
        stopping a line's rule is noted once for the message, at the end."""
        own = attribute in getattr(type(record), "model_fields", {})
        entry = item if own else self._header_entry
        if entry is None:
            return
        name = alias_of(record if own else self._ctx.header, attribute)
        key, skipped = skip_note_key(entry, name, own)
        kept = notes if own else self._skipped
        kept.setdefault(key, skipped).add(entry.location.with_(field=name), (), *codes)

    def finish(self) -> Iterator[Issue]:
        """Issues across the message: references, totals. Nothing after a fatal issue."""
        if self.fatal:
            return
        if self._refs is not None:
            yield from reference_issues(self._refs, self._file)
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


def _at(location: Location, record: object, field: str | None) -> Location:
    if field is None:
        return location
    info = type(record).model_fields.get(field)  # type: ignore[attr-defined]
    return location.with_(field=(info.alias if info and info.alias else field))
