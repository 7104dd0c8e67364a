"""The reference index without SQLite: rows kept in memory, hash-partitioned into spill files
past a bound, each partition answered in memory at the end.

It answers exactly the questions of :class:`~resv_edi.rules.references.ReferenceIndex` (the
SQLite index, kept as the reference: ``tests/rules/test_ref_partitions.py`` proves both give
the same answers): R003 duplicates, R004/R025 credit problems, R035 credit differences and
R037 region conflicts, each in line order. Every question groups lines by one key (the
reference, the credited reference), so a row is filed under each key it is asked by, in the
partition of that key's hash; each partition then holds every line a question about its keys
needs. Memory stays flat: at most :data:`BOUND` rows are held while adding, one partition
while answering, and the answers are merged from sorted spill files. R037 is answered while
adding (lines arrive in line order): only each ResvPlan's first line is kept (memory grows
with the number of distinct plans, a handful per sender), conflicts spill past the bound.
"""

from __future__ import annotations

import contextlib
import marshal
import pickle
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import itemgetter, lt
from typing import IO, Any

from resv_edi.rules.fact_log import FactBlock, FactLog
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

BOUND = 10_000  # rows held in memory before they are spilled to partitions
PARTITIONS = 128
_CHUNK = 2_000
_NONE = (None,)  # no first line for this plan yet
# the answers, in the order reference_issues asks for them
_DUPLICATES, _CREDITS, _DIFFERENCES, _CONFLICTS = range(4)


class PartitionedIndex:
    """Collects the lines' reference rows; answers the cross-line rules at the end."""

    def __init__(self, directory: str | None = None) -> None:
        self._directory = directory
        self._rows: list[RowValues] = []
        self._spill: str | None = None  # the folder of the partitions, once spilled
        self._answers: list[list[Any]] | None = None
        self._answer_files: dict[int, list[str]] = {}
        #: R037, answered while adding (lines arrive in line order): each ResvPlan's first
        #: line (region, index, source line), and the lines found in conflict with it
        self._plans: dict[str, tuple[str, int, int | None]] = {}
        self._conflicts: list[tuple[tuple[int, int], RegionConflict]] = []
        self._conflict_file: str | None = None
        self._last = 0
        self._files: dict[int, IO[bytes]] = {}  # the partitions' spill files, open for appending
        self._facts = FactLog()  # the compared values of the rows that carry their hash

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
        the compared values of rows that carry their hash (a clean block's)."""
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
        self._rows.extend(rows)
        if len(self._rows) >= BOUND:
            self._spill_rows()

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

    def _spill_rows(self) -> None:
        """File the held rows under their partitions: one record of the rows by reference
        and the credits by credited reference per partition, appended to its open file."""
        self._folder()
        count = PARTITIONS
        rows = self._rows
        by_ref: list[list[RowValues]] = [[] for _ in range(count)]
        by_prev: list[list[RowValues]] = [[] for _ in range(count)]
        for part, row in zip(
            [h % count for h in map(hash, map(itemgetter(3), rows))], rows, strict=True
        ):
            by_ref[part].append(row)
        for row in _credits(rows):
            by_prev[hash(row[4]) % count].append(row)
        files = self._files
        for number in range(count):
            if by_ref[number] or by_prev[number]:
                sink = files.get(number)
                if sink is None:
                    sink = files[number] = open(self._part_path(number), "ab")  # noqa: SIM115
                _dump((by_ref[number], by_prev[number]), sink)
        self._facts.spill(self._folder() + "/facts")
        self._rows = []

    def _close_files(self) -> None:
        for sink in self._files.values():
            sink.close()
        self._files = {}
        self._facts.finish()

    def _text(self, row: RowValues) -> str:
        """The text of a row's compared values (looked up by line when it carries a hash)."""
        facts = row[9]
        return facts if isinstance(facts, str) else self._facts.text(row[0])

    def _part_path(self, number: int) -> str:
        assert self._spill is not None
        return f"{self._spill}/part-{number}"

    # -- answering -----------------------------------------------------------------------

    def duplicates(self) -> Iterator[Duplicate]:
        """Every line whose reference was used by an earlier line, in line order."""
        for _, answer in self._answered(_DUPLICATES):
            yield answer

    def credit_problems(self) -> Iterator[CreditProblem]:
        """Credits naming no debit of this message they could credit (R004) or more than it
        (R025); credits of lines outside the message are not judged."""
        for _, answer in self._answered(_CREDITS):
            yield answer

    def credit_differences(self) -> Iterator[CreditDifference]:
        """Every element (R035) in which a credit differs from the debit it credits."""
        for _, answer in self._answered(_DIFFERENCES):
            yield answer

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
        if self._spill is None:  # all in memory: one partition
            if self._answers is None:
                self._answers = _answers(self._rows, list(_credits(self._rows)), self._text)
            yield from self._answers[kind]
            return
        if not self._answer_files:
            self._spill_rows()
            self._close_files()
            self._answer_all()
        import heapq

        yield from heapq.merge(
            *(_chunks(path) for path in self._answer_files[kind]), key=lambda a: a[0]
        )

    def _answer_all(self) -> None:
        """Answer each partition in memory, one at a time, into sorted spill files."""
        self._answer_files = {kind: [] for kind in range(3)}
        for number in range(PARTITIONS):
            path = self._part_path(number)
            with contextlib.suppress(FileNotFoundError), open(path, "rb") as fh:
                refs: list[RowValues] = []
                credits: list[RowValues] = []
                for ref_rows, credit_rows in _records(fh):
                    refs.extend(ref_rows)
                    credits.extend(credit_rows)
                answers = _answers(refs, credits, self._text)
                for kind, found in enumerate(answers[:3]):
                    if found:
                        out = f"{path}.{kind}"
                        with open(out, "wb") as sink:
                            for start in range(0, len(found), _CHUNK):
                                pickle.dump(found[start : start + _CHUNK], sink)
                        self._answer_files[kind].append(out)

    def close(self) -> None:
        self._close_files()
        self._facts.close()
        self._rows = []
        self._answers = None
        self._conflicts = []
        if self._spill is not None:
            import shutil

            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None

    def __enter__(self) -> PartitionedIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _credits(rows: Iterable[RowValues]) -> Iterator[RowValues]:
    """The credits among ``rows``: filed again under the reference they credit (``None``
    when they name none)."""
    return (row for row in rows if not row[5])


def _dump(value: Any, sink: IO[bytes]) -> None:
    """Append ``value`` as one record: its length, a tag and its bytes, by :mod:`marshal`
    (fast for tuples of texts and numbers), by pickle when a value is not marshal's own
    type (a subclass of ``str``, say)."""
    try:
        data, tag = marshal.dumps(value, 2), b"m"  # version 2: no references (faster here)
    except ValueError:
        data, tag = pickle.dumps(value, pickle.HIGHEST_PROTOCOL), b"p"
    sink.write(len(data).to_bytes(8, "little") + tag)
    sink.write(data)


def _records(fh: IO[bytes]) -> Iterator[Any]:
    """The records :func:`_dump` appended to ``fh``, in order."""
    while head := fh.read(9):
        data = fh.read(int.from_bytes(head[:8], "little"))
        yield marshal.loads(data) if head[8:] == b"m" else pickle.loads(data)


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
    reference they credit), each answer sorted by line index. Only references used twice or
    credited are grouped (counted in C first: most references are used once)."""
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
                answers[_DUPLICATES].append(((row[0], 0), Duplicate(_row(row), first[0], first[1])))
    for prev, named in by_prev.items():
        if prev is None:  # a credit naming no line: R004
            answers[_CREDITS].extend(((c[0], 0), CreditProblem(_row(c), None)) for c in named)
        else:
            _credit_answers(named, by_ref.get(prev, []), answers, text)
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
        row = _row(credit)
        if most is None:
            if same_ref:  # the reference is in the message, but no earlier debit
                answers[_CREDITS].append(((idx, 0), CreditProblem(row, None)))
            continue
        if credited > most:
            answers[_CREDITS].append(((idx, 0), CreditProblem(row, most, credited)))
        assert latest is not None
        if credit[9] != latest[9] and (mine := text(credit)) != (theirs := text(latest)):
            found, expected = shown_values(mine), shown_values(theirs)
            order = 0
            for name, mine, theirs in zip(names, found, expected, strict=True):
                if mine != theirs:
                    order += 1
                    diff = CreditDifference(row, name, mine, theirs)
                    answers[_DIFFERENCES].append(((idx, order), diff))


def _index(row: RowValues) -> int:
    return row[0]


def _row(row: RowValues) -> RefRow:
    """The row of an answer; a hash of compared values is not shown ("")."""
    if isinstance(row[9], str):
        return RefRow(*row)  # type: ignore[arg-type]
    return RefRow(*row[:9], "")
