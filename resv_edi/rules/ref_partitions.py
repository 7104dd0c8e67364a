"""The reference index without SQLite: lines kept as columns in memory, spilled to one file
past a bound; the few lines an answer may name are found by the hashes of their references
and answered by hash partitions, in memory or spilled.

It answers exactly the questions of :class:`~resv_edi.rules.references.ReferenceIndex` (the
SQLite index, kept as the reference: ``tests/rules/test_ref_partitions.py`` proves both give
the same answers): R003 duplicates, R004/R025 credit problems, R035 credit differences and
R037 region conflicts, each in line order.

Adding is cheap: a clean block is kept as its columns
(:class:`~resv_edi.rules.ref_blocks.RefBlock`), a line of the exact path as its row, and the
key of every reference, and of every credited reference (its ``hash`` as a float: 53 bits,
sorted twice as fast as a 64-bit int), goes to a list (sorted and appended as one run to a
file past :data:`HASHES`, with where each partition of their top bits begins); what settling
asks of each kept record (the keys as bytes, the credits, the amounts) is kept beside it, in
its own file. At the end the keys used twice (R003) and the credited keys that are also a
line's reference (R004/R025/R035) are what a line must carry for an answer to name it. The
keys one line carries and one credit credits are settled when the credit is that of an
earlier debit, not exceeding it, with the same compared values (the usual credit: it needs no
row): most while adding, a clean block's credits matched to the recent blocks' debits
(:mod:`~resv_edi.rules.ref_window`), the others by a pass over those columns (equal hashes of
the compared values). The rows of the lines and credits of every other asked key (keys
used twice or credited twice are not settled at all) are then rebuilt from the kept records
that hold them (settling notes each asked key's record; a spilled record is unpacked only
then), in one pass after every round (a key shared by two references only adds rows) and
answered as rows always were:
grouped by reference and by credited reference, hash-partitioned into a spill file past the
bound, each partition answered in memory. Past :data:`NEEDED` keys the settling passes are
made in rounds of partitions (as few as that bound allows; the asked keys read from the
partitions once, held or written as arrays); past :data:`ROUNDS` rounds every line is
answered by rows. Memory stays
flat: at most :data:`BOUND` lines and :data:`HASHES` keys (and the recent blocks matched
against, :data:`~resv_edi.rules.ref_window.WINDOW` lines) are held while adding,
:data:`NEEDED` keys (and a line's values per key) and one partition while answering, and the
answers are merged from sorted runs. R037 is answered while adding (lines arrive in line
order): only each ResvPlan's first line is kept (memory grows with the number of distinct
plans, a handful per sender), conflicts spill past the bound.
"""

from __future__ import annotations

import marshal
import pickle
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, islice, repeat
from operator import itemgetter, lt, not_
from typing import IO, Any, cast

from resv_edi.rules.fact_log import MARSHAL, FactBlock, FactLog, line_keys
from resv_edi.rules.ref_blocks import RefBlock, block_rows, plan_regions
from resv_edi.rules.ref_window import RecentLines
from resv_edi.rules.references import (
    CreditDifference,
    CreditProblem,
    Duplicate,
    LineValues,
    RefRow,
    RegionConflict,
    RowValues,
    compared_elements,
    shown_values,
)

BOUND = 10_000  # lines (rows) held in memory before they are spilled
HASHES = 20_000  # keys held (a list of floats, about 32 bytes a key; sorted in place when spilled)
PARTITIONS = 128
#: most hashes the pass over the kept lines looks for (duplicated and credited references);
#: past it, every line is answered by the partitions
NEEDED = 50_000
ROUNDS = 8  # most passes over the kept lines (each asking for NEEDED hashes at most)
_CHUNK = 2_000
_GROUP = 16  # partitions whose keys are read back at once (each run's slice of them)
_NONE = (None,)  # no first line for this plan yet
# the answers, in the order reference_issues asks for them
_DUPLICATES, _CREDITS, _DIFFERENCES, _CONFLICTS = range(4)
_ROWS, _BLOCK = range(2)  # the kinds of kept records: rows of the exact path, a clean block


class PartitionedIndex:
    """Collects the lines' references; answers the cross-line rules at the end."""

    def __init__(self, directory: str | None = None) -> None:
        self._directory = directory
        self._spill: str | None = None  # the folder of the spill files, once spilled
        self._held: list[tuple[int, Any]] = []  # the kept records not spilled yet
        self._held_lines = 0
        self._pending: list[RowValues] = []  # rows of the exact path not yet in a record
        self._kept: IO[bytes] | None = None  # the spilled records, open for appending
        self._kept_path: str | None = None
        self._kept_at: list[int] = []  # where each spilled record begins in it
        #: what settling asks of each kept record (:meth:`_settle`), held and spilled alike:
        #: a block's first index, size, references' hashes (bytes of an ``array('q')``),
        #: credits, credited hashes and amounts; a row's index, hashes, debit?, amount, facts
        self._columns: list[tuple[int, Any]] = []
        self._columns_file: IO[bytes] | None = None
        self._columns_path: str | None = None
        self._columns_at: list[int] = []  # likewise
        self._refs = _Hashes(self._folder, "refs")  # the hashes of every line's reference
        self._credited = _Hashes(self._folder, "credited")  # and of every credited one
        #: the keys of the credited references whose credits were matched while adding
        #: (:mod:`~resv_edi.rules.ref_window`): settled, if carried once and credited once
        self._matched = _Hashes(self._folder, "matched")
        self._recent = RecentLines()
        self._unnamed_credit = False  # a credit naming no reference (R004)
        self._unnamed_in: set[int] = set()  # the numbers of the records holding one
        self._answerer: _Answerer | None = None
        #: R037, answered while adding (lines arrive in line order): each ResvPlan's first
        #: line (region, index, source line), and the lines found in conflict with it
        self._plans: dict[str, tuple[str, int, int | None]] = {}
        self._conflicts: list[tuple[tuple[int, int], RegionConflict]] = []
        self._conflict_file: str | None = None
        self._last = 0
        self._facts = FactLog()  # the compared values of the lines that carry no text

    # -- adding --------------------------------------------------------------------------

    def add(self, row: RefRow) -> None:
        self.add_rows(
            [
                (
                    row.index,
                    row.source_line,
                    row.path,
                    row.reference,
                    row.previous,
                    row.debit,
                    row.amount,
                    row.plan,
                    row.region,
                    row.facts,
                )
            ]
        )

    def add_values(
        self, index: int, source_line: int | None, path: str | None, values: LineValues
    ) -> None:
        self.add_rows([(index, source_line, path, *values)])

    def add_rows(self, rows: list[RowValues], facts: FactBlock | None = None) -> None:
        """Add lines' rows, in line order (the index of each above the last one's); ``facts``
        the compared values of rows that carry their hash."""
        if len(rows) == 1:  # the exact path's, line by line: no vector checks
            row = rows[0]
            if row[0] <= self._last:
                raise ValueError("reference rows must be added in line order")
            self._last = row[0]
            first = self._plans.get(row[7])
            if first is None or row[8] != first[0]:
                self._region_rows(rows)
        elif rows:
            indices = list(map(itemgetter(0), rows))
            if indices[0] <= self._last or not all(map(lt, indices, islice(indices, 1, None))):
                raise ValueError("reference rows must be added in line order")
            self._last = indices[-1]
            plans = self._plans
            plan_regions = zip(map(itemgetter(7), rows), map(itemgetter(8), rows), strict=True)
            pairs = dict.fromkeys(plan_regions)
            if not all(plans.get(plan, _NONE)[0] == region for plan, region in pairs):
                self._region_rows(rows)  # a new plan, or a conflict: line by line
        else:
            return
        if facts is not None:
            self._facts.add(facts)
        self._pending.extend(rows)
        self._held_lines += len(rows)
        if self._held_lines >= BOUND:
            self._spill_held()

    def add_block(self, block: RefBlock, facts: FactBlock | None = None) -> None:
        """Add a clean block's lines as its columns (after every line added before);
        ``facts`` their compared values (R035)."""
        n = block.size
        if not n:
            return
        if block.first <= self._last:
            raise ValueError("reference rows must be added in line order")
        self._last = block.first + n - 1
        plans = self._plans
        if not all(plans.get(plan, _NONE)[0] == region for plan, region in plan_regions(block)):
            self._region_rows(block_rows(block))  # a new plan, or a conflict: line by line
        self._flush_pending()
        if facts is not None:
            self._facts.add(facts)
        keys = list(_keys_of(block.refs))
        hashes = array("d")
        hashes.fromlist(keys)
        self._refs.held.extend(keys)
        credited: Sequence[float | None] = []
        if block.credits:
            if None in block.credited:
                self._unnamed_credit = True
                self._unnamed_in.add(len(self._kept_at))
                credited = [None if ref is None else _key(ref) for ref in block.credited]
                self._credited.held.extend([of for of in credited if of is not None])
            else:  # (the usual case: each key made in C)
                named = list(_keys_of(cast("list[str]", block.credited)))
                self._credited.held.extend(named)
                credited = named
        if facts is not None and facts[0] == block.first and facts[1] == n:
            matched = self._recent.add(
                block.first, keys, block.credits, credited, block.amounts, facts[2]
            )
            if matched:
                self._matched.held.extend(matched)
        self._held.append((_BLOCK, tuple(block)))
        columns = (block.first, n, hashes.tobytes(), block.credits, credited, block.amounts)
        self._columns.append((_BLOCK, columns))
        self._held_lines += n
        if self._held_lines >= BOUND:
            self._spill_held()

    def _flush_pending(self) -> None:
        """Keep the pending rows of the exact path as one record."""
        rows = self._pending
        if not rows:
            return
        hashes = list(_keys_of(map(itemgetter(3), rows)))
        self._refs.held.extend(hashes)
        credited = [
            None if row[5] or row[4] is None else _key(row[4]) for row in rows
        ]  # None: a debit, or a credit naming none
        if any(not row[5] and row[4] is None for row in rows):
            self._unnamed_credit = True
            self._unnamed_in.add(len(self._kept_at))
        self._credited.held.extend([of for of in credited if of is not None])
        self._held.append((_ROWS, rows))
        columns = [
            (row[0], ref, of, row[5], row[6], _fact_key(row[9]))
            for row, ref, of in zip(rows, hashes, credited, strict=True)
        ]
        self._columns.append((_ROWS, columns))
        self._pending = []

    def _region_rows(self, rows: list[RowValues]) -> None:
        """R037 line by line: each plan's first line, and the lines in conflict with it."""
        plans, conflicts = self._plans, self._conflicts
        for row in rows:
            first = plans.get(row[7])
            if first is None:
                plans[row[7]] = (row[8], row[0], row[1])
            elif row[8] != first[0]:
                conflict = RegionConflict(_row(row), first[0], first[1], first[2])
                conflicts.append(((row[0], 0), conflict))
        if len(conflicts) >= BOUND:
            self._conflict_file = self._conflict_file or self._folder() + "/conflicts"
            with open(self._conflict_file, "ab") as fh:
                pickle.dump(conflicts, fh, protocol=pickle.HIGHEST_PROTOCOL)
            conflicts.clear()

    def _folder(self) -> str:
        if self._spill is None:
            import tempfile  # only a large file spills (start-up stays light)

            self._spill = tempfile.mkdtemp(prefix="resv-edi-refs-", dir=self._directory)
        return self._spill

    def _spill_held(self) -> None:
        """Append the held records to the kept file as one record, their references' hashes
        to the hash partitions, and the held compared values to theirs."""
        self._flush_pending()
        folder = self._folder()
        if self._kept is None:
            self._kept_path = folder + "/kept"
            self._kept = open(self._kept_path, "ab")  # noqa: SIM115  (closed by _close_files)
        self._kept_at.append(self._kept.tell())
        append_record([(kind, _pack(item)) for kind, item in self._held], self._kept)
        self._held = []
        if self._columns_file is None:
            self._columns_path = folder + "/columns"
            self._columns_file = open(self._columns_path, "ab")  # noqa: SIM115  (as kept)
        self._columns_at.append(self._columns_file.tell())
        append_record(self._columns, self._columns_file)
        self._columns = []
        self._held_lines = 0
        if len(self._refs.held) + len(self._credited.held) >= HASHES:
            self._spill_hashes()
        self._facts.spill(folder + "/facts")

    def _spill_hashes(self) -> None:
        """Append the held keys to their partitioned files (all three together, so the
        partitions of each are read back alike)."""
        self._refs.spill()
        self._credited.spill()
        self._matched.spill()

    def _close_files(self) -> None:
        if self._kept is not None:
            self._kept.close()
            self._kept = None
        if self._columns_file is not None:
            self._columns_file.close()
            self._columns_file = None
        self._facts.finish()

    def _text(self, row: RowValues) -> str:
        """The text of a row's compared values (looked up by line when it carries none)."""
        facts = row[9]
        return facts if isinstance(facts, str) else self._facts.text(row[0])

    # -- answering -----------------------------------------------------------------------

    def duplicates(self) -> Iterator[Duplicate]:
        """Every line whose reference was used by an earlier line, in line order."""
        for _, (row, first, first_line) in self._answered(_DUPLICATES):
            yield Duplicate(_row(row), first, first_line)

    def credit_problems(self) -> Iterator[CreditProblem]:
        """Credits naming no debit of this message they could credit (R004) or more than it
        (R025); credits of lines outside the message are not judged."""
        for _, (row, debit_amount, credited) in self._answered(_CREDITS):
            yield CreditProblem(_row(row), debit_amount, credited)

    def credit_differences(self) -> Iterator[CreditDifference]:
        """Every element (R035) in which a credit differs from the debit it credits."""
        for _, (row, element, found, expected) in self._answered(_DIFFERENCES):
            yield CreditDifference(_row(row), element, found, expected)

    def region_conflicts(self) -> Iterator[RegionConflict]:
        """Every line (R037) whose Werkgebied differs from the first line of its ResvPlan."""
        for _, answer in self._answered(_CONFLICTS):
            yield answer

    def _answered(self, kind: int) -> Iterator[tuple[tuple[int, int], Any]]:
        if kind == _CONFLICTS:
            if self._conflict_file is not None:
                yield from _chunks(self._conflict_file)
            yield from self._conflicts
            return
        if self._answerer is None:
            self._answerer = self._answer()
        yield from self._answerer.answered(kind)

    def _answer(self) -> _Answerer:
        """The rows of every line an answer names, given to an :class:`_Answerer`. The keys
        of references used twice or credited are asked for in rounds of hash partitions (about
        :data:`NEEDED` keys a round, less than a partition more; one pass over the kept lines'
        columns each, :meth:`_settle`): a key one line carries, a debit, and one later credit
        credits, not exceeding it, with the same compared values, is settled there, without
        rows. The rows of the lines and credits of every other asked key (and of the credits
        naming no reference) are then rebuilt in one pass of rows (:meth:`_pass`) after the
        rounds (after a round, when more than :data:`NEEDED` keys are left), from the records
        that hold them. Past :data:`ROUNDS` rounds every line is answered by rows in one pass.
        Keys matched while adding (:mod:`~resv_edi.rules.ref_window`) and carried by one line
        and credited by one credit are settled: not asked for."""
        self._flush_pending()
        answerer = _Answerer(self._folder, self._text)
        split = self._refs.spilled or self._credited.spilled
        if split:
            self._spill_hashes()
        parts = PARTITIONS if split else 1
        asked = _Asked(self._folder)
        try:  # (its file closed on every way out)
            for group in range(0, parts, _GROUP):  # (each run read once a group)
                these = range(group, min(group + _GROUP, parts))
                for of_part in zip(
                    self._refs.partitions(these, split),
                    self._credited.partitions(these, split),
                    self._matched.partitions(these, split),
                    strict=True,
                ):
                    asked.add(*_needed(*of_part))
            if not asked.count and not self._unnamed_credit:
                return answerer  # no reference used twice or credited, no credit naming none
            if asked.count <= NEEDED:
                rounds = [list(range(parts))]
            else:  # as few rounds as NEEDED allows, of about as many keys each
                share = asked.count / -(-asked.count // max(NEEDED, 1))
                rounds = [[]]
                held = 0
                for number, size in enumerate(asked.sizes):
                    if held >= share:  # (so a round holds less than a partition beyond NEEDED)
                        rounds.append([])
                        held = 0
                    rounds[-1].append(number)
                    held += size
                if len(rounds) > ROUNDS:
                    asked.close()
                    self._pass(answerer, None, None)
                    return answerer
            unnamed = self._unnamed_credit  # the credits naming none: in the first rows' pass
            unsettled: set[float] = set()  # of every round so far: their rows in one pass
            records: set[int] | None = set()  # the records holding their lines (None: unknown)
            for numbers in rounds:
                needed, twice = asked.union(numbers)
                if twice:  # (their lines are not sought while settling)
                    unsettled |= twice
                    records = None
                if needed:
                    found, where = self._settle(needed)
                    if records is not None and where is not None and found:
                        keys, numbers_of = where
                        records.update(compress(numbers_of, map(found.__contains__, keys)))
                    elif found:
                        records = None
                    unsettled |= found
                    del found, where
                del needed, twice
                if len(unsettled) > NEEDED:  # (held, not asked again: memory stays flat)
                    self._pass(answerer, unsettled, unsettled, unnamed, records)
                    unsettled, unnamed, records = set(), False, set()
            asked.close()
            if unsettled or unnamed:
                self._pass(answerer, unsettled, unsettled, unnamed, records)
            return answerer
        finally:
            asked.close()

    def _settle(
        self, needed: set[float]
    ) -> tuple[set[float], tuple[array[float], array[int]] | None]:
        """One pass over the kept lines' columns for the ``needed`` keys (each carried by one
        line and credited by one credit, :func:`_needed`): the keys whose lines an answer may
        name. A key is settled (no answer names its lines) when its line is a debit and its
        credit comes later, not exceeding its amount, with the same compared values (equal
        hashes of them); else it is unsettled (the exact answer follows from the rows). The
        order within a block does not matter (the line
        numbers are compared), so a block's lines are filed at once and its credits then
        matched. Memory: what is held per asked hash. Also where the asked keys are: each
        line's and credit's key and the number of its record (``None`` past ``4 * NEEDED``),
        so the rows of the keys left unsettled are sought in their records only."""
        settle = _Settler()
        facts = _Following(self._facts.blocks())
        asked = needed.__contains__
        keys, numbers = array("d"), array("i")
        where: tuple[array[float], array[int]] | None = (keys, numbers)
        for number, kind, payload in self._column_records(None):
            if where is not None and len(keys) > 4 * NEEDED:
                where = None
                keys, numbers = array("d"), array("i")
            if kind == _ROWS:
                for index, ref, of, debit, amount, key in payload:
                    if ref in needed:
                        settle.lines([ref], [(index, debit, amount, key)])
                        keys.append(ref)
                        numbers.append(number)
                    if of is not None and of in needed:
                        settle.credits([of], [index], [amount], [key])
                        keys.append(of)
                        numbers.append(number)
                continue
            first, size, packed, credits, credited, amounts = payload
            hashes = array("d")
            hashes.frombytes(packed)
            found = list(map(asked, hashes))
            hits = list(compress(range(size), found))
            named = list(compress(credits, map(asked, credited))) if credits else []
            if not hits and not named:
                continue
            fact = facts.at(first)
            if hits:
                debit = map(set(credits).__contains__, hits)  # False: a debit
                carried = list(compress(hashes, found))
                keys.extend(carried)
                settle.lines(
                    carried,
                    zip(
                        [first + at for at in hits],
                        map(not_, debit),
                        map(amounts.__getitem__, hits),
                        _keys(fact, hits),
                        strict=True,
                    ),
                )
            if named:
                named_keys = list(filter(asked, credited))
                keys.extend(named_keys)
                settle.credits(
                    named_keys,
                    [first + at for at in named],
                    list(map(amounts.__getitem__, named)),
                    _keys(fact, named),
                )
            numbers.extend(repeat(number, len(hits) + len(named)))
        return settle.finish(), where

    def _pass(
        self,
        answerer: _Answerer,
        needed: set[float] | None,
        credited: set[float] | None,
        unnamed: bool = True,
        records: set[int] | None = None,
    ) -> None:
        """One pass over the kept lines: the rows of the lines whose reference's hash is
        ``needed`` (every line's when ``None``) filed by their reference, and those of the
        credits whose credited reference's hash is ``credited`` (every credit when ``None``)
        or, when ``unnamed``, that name no reference, filed by their credited reference;
        over the kept records numbered ``records`` only, when known (then the compared values
        too are read back by record, not all in order)."""
        if records is not None and unnamed:
            records = records | self._unnamed_in
        facts: Any = _Following(self._facts.blocks()) if records is None else self._facts
        kept = zip(self._column_records(records), self._records(records), strict=True)
        for (_, kind, columns), (item, packed) in kept:
            if kind == _ROWS:
                lines = [at for at, c in enumerate(columns) if needed is None or c[1] in needed]
                credits = [
                    at
                    for at, c in enumerate(columns)
                    if not c[3] and (credited is None or _asked(c[2], credited, unnamed))
                ]
                if lines or credits:
                    rows = _unpack(item) if packed else item
                    answerer.add(list(map(rows.__getitem__, lines)), [rows[at] for at in credits])
                continue
            first, size, keys, credits_at, credited_keys = columns[:5]
            if needed is None:
                hits: list[int] = list(range(size))
            else:
                hashes = array("d")
                hashes.frombytes(keys)
                hits = list(compress(range(size), map(needed.__contains__, hashes)))
            if credited is not None and credits_at:
                credits_at = [
                    at
                    for at, of in zip(credits_at, credited_keys, strict=True)
                    if _asked(of, credited, unnamed)
                ]
            if not hits and not credits_at:
                continue
            block = _unpack(item) if packed else item
            offsets = sorted(set(hits).union(credits_at)) if credits_at else hits
            fact = facts.at(first)
            keys_of = None if fact is None else line_keys(fact[2], offsets)
            rows = block_rows(block, offsets, keys_of)
            if not credits_at:
                answerer.add(rows, [])
                continue
            hit, credit = set(hits), set(credits_at)
            answerer.add(
                [row for k, row in zip(offsets, rows, strict=True) if k in hit],
                [row for k, row in zip(offsets, rows, strict=True) if k in credit],
            )

    def _records(self, numbers: set[int] | None) -> Iterator[tuple[Any, bool]]:
        """The items of the kept records numbered ``numbers`` (all when ``None``), in the
        order added: each value or (spilled, ``True``) its bytes (:func:`_pack`: unpacked
        only when a line of it is asked for)."""
        if self._kept_path is not None:
            self._close_files()
            with open(self._kept_path, "rb") as fh:
                for _, (_, packed) in _spilled(fh, self._kept_at, numbers):
                    yield packed, True
        if numbers is None or len(self._kept_at) in numbers:
            for _, item in self._held:
                yield item, False

    def _column_records(self, numbers: set[int] | None) -> Iterator[tuple[int, int, Any]]:
        """What settling asks of the items of the kept records numbered ``numbers`` (all when
        ``None``), in the order added, with the number of their record."""
        if self._columns_path is not None:
            self._close_files()
            with open(self._columns_path, "rb") as fh:
                for number, (kind, columns) in _spilled(fh, self._columns_at, numbers):
                    yield number, kind, columns
        number = len(self._columns_at)
        if numbers is None or number in numbers:
            for kind, columns in self._columns:
                yield number, kind, columns

    def close(self) -> None:
        self._close_files()
        self._refs.close()
        self._credited.close()
        self._matched.close()
        self._recent = RecentLines()
        self._facts.close()
        self._held = []
        self._columns = []
        self._pending = []
        if self._answerer is not None:
            self._answerer.close()
            self._answerer = None
        self._conflicts = []
        if self._spill is not None:
            import shutil

            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None

    def __enter__(self) -> PartitionedIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _needed(
    refs: Sequence[float], credited: Sequence[float], matched: Sequence[float]
) -> tuple[set[float], set[float]]:
    """The keys of a partition (``refs``: of its lines' references, ``credited``: of the
    references its credits credit, ``matched``: of those matched while adding) an answer
    may name: those to settle (carried by one line and credited by one credit, but not
    matched while adding: those are settled, :mod:`~resv_edi.rules.ref_window`) and those
    unsettled as they are (carried by two lines, or a line's and credited twice)."""
    seen = set(refs)
    twice = set() if len(seen) == len(refs) else _repeated(refs)
    named = seen.intersection(credited)
    if named and len(set(credited)) != len(credited):
        twice |= named.intersection(_repeated(credited))
    settle = named - twice
    if settle and matched:  # matched while adding: settled, being carried once, credited once
        settle.difference_update(matched)
    return settle, twice


def _repeated(hashes: Sequence[float]) -> set[float]:
    """The values found more than once in ``hashes`` (counted in C)."""
    return {value for value, n in Counter(hashes).items() if n > 1}


def _keys(fact: FactBlock | None, offsets: list[int]) -> Sequence[int | None]:
    """The keys of the compared values of a block's lines at ``offsets`` (``None``: not
    kept, then the lines' texts are compared by rows)."""
    return [None] * len(offsets) if fact is None else line_keys(fact[2], offsets)


_hash = hash  # of a reference, for its key (a test makes keys collide through it)


def _keys_of(refs: Iterable[str]) -> Iterator[float]:
    """The keys of references as the index files them: ``hash`` as a float (53 bits: a float
    sorts twice as fast as a 64-bit int; two references sharing a key only add rows)."""
    return map(float, map(_hash, refs))


def _key(ref: str) -> float:
    """The key of one reference (:func:`_keys_of`)."""
    return float(_hash(ref))


def _asked(of: float | None, credited: set[float], unnamed: bool) -> bool:
    """A credit's row is asked for: the key of the reference it names is ``credited``, or
    it names none (when ``unnamed``)."""
    return unnamed if of is None else of in credited


class _Asked:
    """The keys asked for, by partition (:func:`_needed`: those to settle,
    those unsettled as they are): held while they are few (at most :data:`NEEDED`), else
    written as arrays to a file and read back a round at a time, so the partitions are read
    and tested once however many the rounds."""

    def __init__(self, folder: Callable[[], str]) -> None:
        self._folder = folder
        self.sizes: list[int] = []  # each partition's number of keys
        self.count = 0
        self._settle: list[int] = []  # each partition's number of keys to settle
        self._held: list[tuple[set[float], set[float]]] = []
        self._file: IO[bytes] | None = None

    def add(self, settle: set[float], twice: set[float]) -> None:
        """The keys of the next partition."""
        size = len(settle) + len(twice)
        self.sizes.append(size)
        self._settle.append(len(settle))
        self.count += size
        self._held.append((settle, twice))
        if self._file is None and self.count <= NEEDED:
            return
        if self._file is None:
            self._file = open(self._folder() + "/asked", "w+b")  # noqa: SIM115 (close)
        for keys, unsettled in self._held:
            self._file.write(array("d", [*keys, *unsettled]).tobytes())
        self._held = []

    def union(self, numbers: list[int]) -> tuple[set[float], set[float]]:
        """The keys to settle and those unsettled of the partitions ``numbers`` (ascending)."""
        if self._file is None:
            held = [self._held[number] for number in numbers]
            for number in numbers:  # given out once: let go
                self._held[number] = (set(), set())
            return set().union(*(h[0] for h in held)), set().union(*(h[1] for h in held))
        found = array("d")
        self._file.seek(8 * sum(self.sizes[: numbers[0]]))
        found.frombytes(self._file.read(8 * sum(self.sizes[number] for number in numbers)))
        settle: set[float] = set()
        twice: set[float] = set()
        at = 0
        for number in numbers:
            middle, end = at + self._settle[number], at + self.sizes[number]
            settle.update(found[at:middle])
            twice.update(found[middle:end])
            at = end
        return settle, twice

    def close(self) -> None:
        self._held = []
        if self._file is not None:
            self._file.close()
            self._file = None


class _Settler:
    """The settling of credits by keys (:meth:`PartitionedIndex._settle`), each key asked
    carried by one line and credited by one credit (:func:`_needed`): only
    the lines waiting for their credit are held."""

    def __init__(self) -> None:
        #: per key, its line while its credit is to come: (index, debit?, amount, key of
        #: compared values)
        self.pending: dict[float, tuple[int, bool, int, Any]] = {}
        self.unsettled: set[float] = set()

    def lines(self, refs: list[float], values: Iterable[tuple[int, bool, int, Any]]) -> None:
        """The lines carrying the references whose keys are ``refs``, with their values."""
        self.pending.update(zip(refs, values, strict=True))

    def credits(
        self, refs: list[float], indices: list[int], amounts: list[int], keys: Sequence[Any]
    ) -> None:
        """Credits of the references whose keys are ``refs``: settled (no answer names their
        lines) when the line came first, a debit, not exceeded, with the same compared
        values (equal keys of them)."""
        pending, unsettled = self.pending, self.unsettled
        for ref, index, amount, key in zip(refs, indices, amounts, keys, strict=True):
            line = pending.pop(ref, None)  # None: its line is yet to come
            if (
                line is None
                or not line[1]
                or line[0] >= index
                or amount > line[2]
                or key is None
                or key != line[3]
            ):
                unsettled.add(ref)

    def finish(self) -> set[float]:
        """The keys whose lines an answer may name (a line whose credit came before it)."""
        self.unsettled.update(self.pending)
        self.pending = {}
        return self.unsettled


class _Hashes:
    """Keys of references (:func:`_keys_of`) held in a list (sorted in place: no float made
    again); past the bound each spill appends them sorted as one run to a file, noting where
    the partition of each range of their top bits begins in it, so a partition is read back
    as a few slices."""

    def __init__(self, folder: Callable[[], str], name: str) -> None:
        self.held: list[float] = []
        self._folder = folder
        self._name = name
        self._file: IO[bytes] | None = None
        self._runs: list[tuple[int, list[int]]] = []  # each run's offset and partition cuts

    @property
    def spilled(self) -> bool:
        return self._file is not None

    def spill(self) -> None:
        ordered = self.held
        ordered.sort()
        self.held = []
        if self._file is None:
            self._file = open(f"{self._folder()}/{self._name}", "w+b")  # noqa: SIM115
        step = -(-(1 << 64) // PARTITIONS)
        cuts = [0]
        for number in range(1, PARTITIONS):
            cuts.append(bisect_left(ordered, -(1 << 63) + number * step, cuts[-1]))
        cuts.append(len(ordered))
        self._file.seek(0, 2)
        self._runs.append((self._file.tell(), cuts))
        run = array("d")
        run.fromlist(ordered)  # (faster than array's constructor from a list)
        self._file.write(run)  # (its buffer: not copied to bytes first)

    def partitions(self, numbers: range, split: bool) -> list[Sequence[float]]:
        """The hashes of the partitions ``numbers`` (consecutive, spilled: each run's slice of
        them read at once), or all (held, as one) when not ``split``."""
        if not split:
            return [self.held]
        found = [array("d") for _ in numbers]
        fh = self._file
        if fh is not None and numbers:
            low, high = numbers[0], numbers[-1] + 1
            for offset, cuts in self._runs:
                fh.seek(offset + 8 * cuts[low])
                data = memoryview(fh.read(8 * (cuts[high] - cuts[low])))
                base = cuts[low]
                for keys, number in zip(found, numbers, strict=True):
                    keys.frombytes(data[8 * (cuts[number] - base) : 8 * (cuts[number + 1] - base)])
        return list(found)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._runs = []
        self.held = []


class _Following:
    """The blocks of compared values, looked up by first line in ascending order."""

    def __init__(self, blocks: Iterator[FactBlock]) -> None:
        self._blocks = blocks
        self._last: FactBlock | None = None

    def at(self, first: int) -> FactBlock | None:
        """The block whose first line is ``first``, if kept (asked in ascending order)."""
        last = self._last
        while last is None or last[0] < first:
            last = self._last = next(self._blocks, None)
            if last is None:
                self._blocks = iter(())
                return None
        return last if last[0] == first else None


class _Answerer:
    """The rows an answer may name: filed under the partition of their reference's hash
    (and credits under that of their credited reference's), spilled past the bound (one
    file, each partition's records noted by offset), each partition answered in memory at
    the end into a sorted run of answers per kind (one file a kind), merged when asked."""

    def __init__(self, folder: Callable[[], str], text: Callable[[RowValues], str]) -> None:
        self._folder = folder
        self._text = text
        self._rows: list[RowValues] = []  # the rows asked by their reference
        self._credits: list[RowValues] = []  # the credits asked by their credited reference
        self._parts: IO[bytes] | None = None  # the partitions' records, once spilled
        self._spilled = False
        self._where: list[list[int]] = []  # each partition's records: their offsets
        self._answers: list[list[Any]] | None = None
        self._runs: dict[int, list[tuple[int, int]]] = {}  # kind -> (offset, chunks) a run

    def add(self, rows: list[RowValues], credits: list[RowValues]) -> None:
        """File ``rows`` by their reference and ``credits`` by their credited reference."""
        self._rows.extend(rows)
        self._credits.extend(credits)
        if len(self._rows) + len(self._credits) >= BOUND:
            self._spill_rows()

    def _spill_rows(self) -> None:
        """File the held rows under their partitions: one record of the rows by reference
        and the credits by credited reference per partition."""
        count = PARTITIONS
        if self._parts is None:
            self._parts = open(self._folder() + "/parts", "w+b")  # noqa: SIM115
            self._where = [[] for _ in range(count)]
            self._spilled = True
        rows = self._rows
        by_ref: list[list[RowValues]] = [[] for _ in range(count)]
        by_prev: list[list[RowValues]] = [[] for _ in range(count)]
        for part, row in zip(
            [h % count for h in map(hash, map(itemgetter(3), rows))], rows, strict=True
        ):
            by_ref[part].append(row)
        for row in self._credits:
            by_prev[hash(row[4]) % count].append(row)
        sink = self._parts
        for number in range(count):
            if by_ref[number] or by_prev[number]:
                self._where[number].append(sink.tell())
                append_record((by_ref[number], by_prev[number]), sink)
        self._rows = []
        self._credits = []

    def answered(self, kind: int) -> Iterator[tuple[tuple[int, int], Any]]:
        if not self._spilled:  # all in memory: one partition
            if self._answers is None:
                self._answers = _answers(self._rows, self._credits, self._text)
            yield from self._answers[kind]
            return
        if not self._runs:
            self._spill_rows()
            self._answer_all()
        runs = self._runs[kind]
        if not runs:
            return
        import heapq

        with open(f"{self._folder()}/answers-{kind}", "rb") as fh:
            yield from heapq.merge(
                *(_run(fh, offset, chunks) for offset, chunks in runs), key=lambda a: a[0]
            )

    def _answer_all(self) -> None:
        """Answer each partition in memory, one at a time, into sorted runs."""
        self._runs = {kind: [] for kind in range(3)}
        parts = self._parts
        assert parts is not None
        sinks = [open(f"{self._folder()}/answers-{kind}", "wb") for kind in range(3)]  # noqa: SIM115
        try:
            for offsets in self._where:
                refs: list[RowValues] = []
                credits: list[RowValues] = []
                for offset in offsets:
                    parts.seek(offset)
                    ref_rows, credit_rows = next(appended_records(parts))
                    refs.extend(ref_rows)
                    credits.extend(credit_rows)
                if not refs and not credits:
                    continue
                answers = _answers(refs, credits, self._text)
                for kind, found in enumerate(answers[:3]):
                    if found:
                        sink = sinks[kind]
                        start = sink.tell()
                        chunks = 0
                        for at in range(0, len(found), _CHUNK):
                            append_record(found[at : at + _CHUNK], sink)
                            chunks += 1
                        self._runs[kind].append((start, chunks))
        finally:
            for sink in sinks:
                sink.close()
        self.close()

    def close(self) -> None:
        if self._parts is not None:
            self._parts.close()
            self._parts = None
            self._where = []


def _run(fh: IO[bytes], offset: int, chunks: int) -> Iterator[Any]:
    """The answers of one sorted run of an answers file (``fh`` shared by the runs)."""
    for _ in range(chunks):
        fh.seek(offset)
        chunk = next(appended_records(fh))
        offset = fh.tell()
        yield from chunk


def _pack(value: Any) -> bytes:
    """``value`` as bytes (:func:`_unpack`), by :mod:`marshal` or, for a value that is not
    marshal's own type, pickle."""
    try:
        return b"m" + marshal.dumps(value, MARSHAL)
    except ValueError:
        return b"p" + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _unpack(data: bytes) -> Any:
    return marshal.loads(memoryview(data)[1:]) if data[:1] == b"m" else pickle.loads(data[1:])


def append_record(value: Any, sink: IO[bytes]) -> None:
    """Append ``value`` as one record: its length, a tag and its bytes, by :mod:`marshal`
    (fast for tuples of texts and numbers), by pickle when a value is not marshal's own
    type (a subclass of ``str``, say)."""
    try:
        data, tag = marshal.dumps(value, MARSHAL), b"m"
    except ValueError:
        data, tag = pickle.dumps(value, pickle.HIGHEST_PROTOCOL), b"p"
    sink.write(len(data).to_bytes(8, "little") + tag)
    sink.write(data)


def appended_records(fh: IO[bytes]) -> Iterator[Any]:
    """The records :func:`append_record` appended to ``fh``, in order, one read at a time."""
    while (record := _record(fh)) is not _END:
        yield record


_END = object()


def _record(fh: IO[bytes]) -> Any:
    """The next record :func:`append_record` appended to ``fh``, or ``_END`` at its end;
    ``ValueError`` when the file is cut short within a record."""
    head = fh.read(9)
    if not head:
        return _END
    size = int.from_bytes(head[:8], "little")
    data = fh.read(size) if len(head) == 9 else b""
    if len(head) != 9 or len(data) != size:
        raise ValueError("a spill file of the reference index is cut short")
    return marshal.loads(data) if head[8:] == b"m" else pickle.loads(data)


def _spilled(fh: IO[bytes], offsets: list[int], numbers: set[int] | None) -> Iterator[Any]:
    """The items of the records numbered ``numbers`` (all when ``None``) of a spill file, each
    with its record's number, one record held at a time (``offsets``: where each begins)."""
    for number in range(len(offsets)) if numbers is None else sorted(numbers):
        if number < len(offsets):
            fh.seek(offsets[number])
            for item in _items(fh):
                yield number, item


def _items(fh: IO[bytes]) -> Iterator[Any]:
    """The items of the next list record :func:`append_record` appended to ``fh``, each let
    go once given out (memory stays one record's, however many items it holds)."""
    held = _record(fh)
    if held is _END:
        return
    held.reverse()
    pop = held.pop
    while held:
        yield pop()


def _fact_key(facts: Any) -> Any:
    """What settling compares of a row's compared values: their hash (an ``int`` as a clean
    block's :func:`~resv_edi.rules.fact_log.line_keys` gives; for a text, the text's hash, so
    a kept row is a few numbers, however long its text). As there, equal hashes are taken for
    equal values; a text's hash and a block's never meet but by chance, and unequal ones are
    compared by their texts from the rows."""
    return hash(facts) if isinstance(facts, str) else facts


def _loads(fh: IO[bytes]) -> Iterator[Any]:
    while True:
        try:
            yield pickle.load(fh)
        except EOFError:
            return


def _chunks(path: str) -> Iterator[Any]:
    with open(path, "rb") as fh:
        for chunk in _loads(fh):
            yield from chunk


def _answers(
    rows: list[RowValues], credits: list[RowValues], text: Callable[[RowValues], str]
) -> list[list[Any]]:
    """The answers over one partition: its rows (by their reference) and its credits (by the
    reference they credit), each answer sorted by line index, as its sort key and its values
    (the row and what the answer adds: plain values that marshal writes fast; the answer's
    dataclass is made when it is given out). Only references used twice or credited are
    grouped (counted in C first: most references are used once)."""
    counts = Counter(map(itemgetter(3), rows))
    by_prev: dict[str | None, list[RowValues]] = defaultdict(list)
    for row in credits:
        by_prev[row[4]].append(row)
    needed = {ref for ref, n in counts.items() if n > 1}.union(by_prev)
    by_ref: dict[str, list[RowValues]] = defaultdict(list)
    for row in rows:
        if row[3] in needed:
            by_ref[row[3]].append(row)
    answers: list[list[Any]] = [[], [], [], []]
    for same in by_ref.values():
        if len(same) > 1:
            same.sort(key=_index)
            first = same[0]
            for row in same[1:]:
                answers[_DUPLICATES].append(((row[0], 0), (row, first[0], first[1])))
    for prev, named in by_prev.items():
        if prev is None:  # a credit naming no line: R004
            answers[_CREDITS].extend(((c[0], 0), (c, None, 0)) for c in named)
            continue
        same_ref = by_ref.get(prev, [])
        if len(named) == 1 and len(same_ref) == 1:  # the common case: one debit, one credit
            credit, debit = named[0], same_ref[0]
            if (
                debit[5]
                and debit[0] < credit[0]
                and credit[6] <= debit[6]
                and credit[9] is not None
                and credit[9] == debit[9]
            ):
                continue  # an earlier debit, not exceeded, the same compared values
        _credit_answers(named, same_ref, answers, text)
    for found in answers:
        found.sort(key=lambda a: a[0])
    return answers


def _credit_answers(
    credits: list[RowValues],
    same_ref: list[RowValues],
    answers: list[list[Any]],
    text: Callable[[RowValues], str],
) -> None:
    """R004/R025 and R035 for the credits of one credited reference (``same_ref``: the lines
    carrying that reference), walking credits and debits together in line order. Compared
    values are compared by their hashes when both lines carry one (equal hashes: equal
    values; amounts are never negative, so CPython's ``hash(-1) == hash(-2)`` merges none),
    else by their texts."""
    credits.sort(key=_index)
    debits = sorted((r for r in same_ref if r[5]), key=_index)
    names = compared_elements()[0]
    credited = 0
    most: int | None = None  # the largest earlier debit amount
    latest: RowValues | None = None  # the last earlier debit
    at = 0
    for credit in credits:
        idx = credit[0]
        while at < len(debits) and debits[at][0] < idx:
            latest = debits[at]
            most = latest[6] if most is None else max(most, latest[6])
            at += 1
        credited += credit[6]
        if most is None:
            if same_ref:  # the reference is in the message, but no earlier debit
                answers[_CREDITS].append(((idx, 0), (credit, None, 0)))
            continue
        if credited > most:
            answers[_CREDITS].append(((idx, 0), (credit, most, credited)))
        assert latest is not None
        if (credit[9] is None or credit[9] != latest[9]) and (
            (mine := text(credit)) != (theirs := text(latest))
        ):
            found, expected = shown_values(mine), shown_values(theirs)
            order = 0
            for name, mine, theirs in zip(names, found, expected, strict=True):
                if mine != theirs:
                    order += 1
                    answers[_DIFFERENCES].append(((idx, order), (credit, name, mine, theirs)))


def _index(row: RowValues) -> int:
    return row[0]


def _row(row: RowValues) -> RefRow:
    """The row of an answer; a hash of compared values is not shown ("")."""
    if isinstance(row[9], str):
        return RefRow(*row)  # type: ignore[arg-type]
    return RefRow(*row[:9], "")
