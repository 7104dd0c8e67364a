"""Validating one large file in chunks, in several processes, with the single-process result.

How a file is cut (in the parent, :func:`plan_chunks`):

* NDJSON and EI: byte ranges that end just after a newline (EI: before a ``04`` line record,
  so that a line and its ``98`` comment stay together);
* XML: byte ranges that start at a ``<Prestatie`` start tag.

Every chunk but the first is read as a small message of its own: the file's real head (NDJSON
and EI: the header line; XML: everything before the first ``<Prestatie``) is replayed before
it, and every chunk but the last gets the file's real tail replayed after it (NDJSON: the
totals line; XML: from ``</Prestaties>`` to the end). The format's block check
(:func:`resv_edi.pipeline.checker_for`, as :func:`~resv_edi.pipeline.check_file` uses it)
reads that stream: certainly clean runs of lines as columns, anything doubtful the exact way.
Only what lies in the chunk's own byte range is kept: for NDJSON and EI by line number, for XML
by position in the stream (after the header entry, up to the last line or clean run). Line
numbers are shifted by ``first_line - 1 - newlines(prefix)`` so every issue carries its true
line; the lines' index within the message (and the ``Prestatie[n]`` of an XPath) is shifted by
the parent once the counts of the earlier chunks are known.

Record rules run in the chunk, in its rule engine (with the header from the replayed head as
their context). Rules across the message (R003 unique references, R004/R025/R035 credits, R037
regions, R001/R002 totals and the retour twins) run in the parent on what the chunks' engines
counted (lines, signed sums, the totals entry) and the reference rows and clean runs' reference
columns they kept (:mod:`resv_edi.batch.chunk_refs`), added in line order to one
:class:`~resv_edi.rules.ref_partitions.PartitionedIndex`, as the one-piece run adds them.
A chunk writes those as it reads, in bounded records, to its own file in the run's private
folder (:attr:`ChunkSpec.folder`, made and always removed by the parent:
:func:`resv_edi.batch.runner.run_validate`); the parent reads them back one record at a time,
so the memory of neither grows with the file. Without a folder (one process: tests,
benchmarks) the records are kept as bytes in the result.

Splitting pays only on a second idle core and past a size per format (:data:`SPLIT_FROM`,
measured with ``benchmarks/bench_split.py``): the parent's merge (the reference index's final
answer) and the pool's start are serial; smaller files are read in one piece.

Anything structural (wrong order, unknown elements, broken XML, a fatal issue, a header or totals
in the middle) makes the chunk ask for a *fallback*: the parent then validates the whole file in
one process, so the result always equals :func:`resv_edi.pipeline.check_file`.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import mmap
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import IO, Any, BinaryIO

from resv_edi.batch.chunk_refs import ChunkRefs, add_kept, records
from resv_edi.batch.split_sizes import SPLIT_FROM
from resv_edi.errors import Issue, Severity
from resv_edi.formats.ei.resv import trailer_count_issues
from resv_edi.formats.registry import get_format
from resv_edi.formats.xml.positions import place_report
from resv_edi.limits import Limits
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind
from resv_edi.pipeline import checker_for, sniff
from resv_edi.reporting import FileReport
from resv_edi.rules.block_check import Checked
from resv_edi.rules.blocks import CleanRun
from resv_edi.rules.engine import RuleEngine
from resv_edi.rules.message_checks import Skipped, reference_issues, totals_issues
from resv_edi.rules.ref_partitions import PartitionedIndex
from resv_edi.vektis.layout import detect_layout
from resv_edi.vektis.reader import detail_number, detail_number_in_order

#: formats that can be cut; a JSON document cannot (one object)
SPLIT_FORMATS = ("ndjson", "ei", "xml")
#: no chunk is made smaller than this
MIN_CHUNK = 256 * 1024

_XML_LINE_START = re.compile(rb"<Prestatie[\s/>]")
_XML_LINES_END = b"</Prestaties"
_EI_LINE = b"\n04"  # a line record of the RESV EI layout starts with record type 04
_SCAN = 8 * 1024 * 1024

#: issue codes that mean "structure": the chunk cannot judge them alone
_TRIGGERS = frozenset({"J001", "J003", "E002", "E003", "E004", "E012", "E014"})


def _is_trigger(item: Issue) -> bool:
    return (
        item.severity is Severity.FATAL
        or item.code in _TRIGGERS
        or item.code.startswith(("X", "L", "F"))
    )


@dataclass(frozen=True, slots=True)
class ChunkSpec:
    """One byte range of a file and what to replay around it (picklable)."""

    path: str
    fmt: str
    kind: str
    number: int
    count: int
    start: int
    end: int
    first_line: int  # true line number of the byte at ``start``
    lines: int  # newlines in [start, end) (0 for the last chunk: not counted)
    prefix: bytes | None  # the file's head, replayed before the chunk (None: chunk 0)
    suffix: bytes | None  # the file's tail, replayed after the chunk (None: last chunk)
    limits: Limits
    folder: str | None = None  # the run's private folder for the references (None: in memory)

    @property
    def last(self) -> bool:
        return self.number == self.count - 1


@dataclass(slots=True)
class ChunkResult:
    """What the parent needs from a chunk; ``fallback`` says why it must not be merged."""

    number: int
    fallback: str | None = None
    issues: list[Issue] = field(default_factory=list)
    lines: int = 0
    sums: list[int] = field(default_factory=lambda: [0, 0])
    refs: bytes = b""  # what the lines give the reference index (chunk_refs.records)...
    refs_file: str | None = None  # ...or the file in ChunkSpec.folder that holds them
    totals: Entry | None = None
    seconds: float = 0.0
    records: dict[str, int] = field(default_factory=dict)  # EI: records per type in the range
    amounts: Skipped = field(default_factory=Skipped)  # lines whose amount is unreadable


# -- planning (parent) -----------------------------------------------------------------------


def plan_chunks(
    path: str, fmt: str, chunks: int, limits: Limits, *, near: Sequence[int] | None = None
) -> list[ChunkSpec] | None:
    """The chunks of ``path``, or ``None`` when it is better read in one piece. ``near``: the
    byte offsets to cut at (each at the first line start from there; default: ``chunks``
    parts of equal size)."""
    if chunks < 2 or limits.max_records:
        return None
    try:
        size = os.path.getsize(path)
        if fmt == "auto":
            fmt = sniff(path)
    except Exception:  # unreadable or unknown: the single-file path reports it
        return None
    if fmt not in SPLIT_FORMATS or size < max(2 * MIN_CHUNK, SPLIT_FROM[fmt]):
        return None
    if limits.max_file_size and size > limits.max_file_size:
        return None
    chunks = max(2, min(chunks, size // MIN_CHUNK))
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        cut = _cuts(mm, fmt, size)
        if cut is None:
            return None
        head, tail, finder = cut
        kind = _probe_kind(mm[:head], fmt)
        if kind is None:
            return None
        bounds = [0]
        wanted = near if near is not None else [i * size // chunks for i in range(1, chunks)]
        for at in wanted:
            pos = finder(max(at, head + 1, bounds[-1] + 1))
            if pos is None or pos >= tail:
                break
            if pos > bounds[-1]:
                bounds.append(pos)
        bounds.append(size)
        if len(bounds) < 3:
            return None
        # the last chunk's lines are not needed (it runs to the end); a lone CR is looked
        # for by each chunk in its own range, as it reads it (:class:`_Spliced`)
        newlines = [_newlines(fh, a, b) for a, b in itertools.pairwise(bounds[:-1])] + [0]
        prefix = mm[:head]
        suffix = mm[tail:size] if fmt != "ei" else b""
    specs: list[ChunkSpec] = []
    line = 1
    n = len(bounds) - 1
    for i in range(n):
        specs.append(
            ChunkSpec(
                path=path,
                fmt=fmt,
                kind=kind.name,
                number=i,
                count=n,
                start=bounds[i],
                end=bounds[i + 1],
                first_line=line,
                lines=newlines[i],
                prefix=prefix if i else None,
                suffix=suffix if i < n - 1 else None,
                limits=limits,
            )
        )
        line += newlines[i]
    return specs


def _cuts(mm: mmap.mmap, fmt: str, size: int) -> tuple[int, int, Any] | None:
    """(end of the head, start of the tail, boundary finder) for ``fmt``."""
    if fmt == "xml":
        first = _XML_LINE_START.search(mm)
        tail = mm.rfind(_XML_LINES_END)
        if first is None or tail < first.start():
            return None

        def xml_next(pos: int) -> int | None:
            m = _XML_LINE_START.search(mm, pos)
            return m.start() if m else None

        return first.start(), tail, xml_next
    head = mm.find(b"\n") + 1
    if head <= 0 or head >= size:
        return None
    if fmt == "ei":
        from resv_edi.formats.ei.resv import is_resv_layout
        from resv_edi.vektis.layout import detect_layout

        if is_resv_layout(detect_layout(mm[:head])) is not DECLARATIE:
            return None  # other EI standards and the EI retour: one piece

        def ei_next(pos: int) -> int | None:
            found = mm.find(_EI_LINE, pos - 1)
            return found + 1 if found >= 0 else None

        return head, size, ei_next
    end = size - 1 if mm[size - 1 : size] == b"\n" else size
    tail = mm.rfind(b"\n", 0, end) + 1

    def ndjson_next(pos: int) -> int | None:
        found = mm.find(b"\n", pos - 1)
        return found + 1 if found >= 0 else None

    return head, tail, ndjson_next


def _newlines(fh: BinaryIO, start: int, end: int) -> int:
    """The ``\\n`` in ``[start, end)``, read in blocks (read, not mapped: the file's pages do
    not stay in this process's memory)."""
    fh.seek(start)
    count, left = 0, end - start
    while left > 0 and (chunk := fh.read(min(_SCAN, left))):
        left -= len(chunk)
        count += chunk.count(b"\n")
    return count


class _CarriageReturns:
    """Counts the CRs and CR LF pairs of bytes given in order: a CR alone ends a line for some
    readers, so a chunk holding one cannot trust its line numbers (it falls back)."""

    def __init__(self) -> None:
        self.crs = self.pairs = 0
        self._last = b""

    def add(self, data: bytes) -> None:
        found = data.count(b"\r")
        if found:
            self.crs += found
            self.pairs += data.count(b"\r\n")
        if self._last == b"\r" and data[:1] == b"\n":
            self.pairs += 1  # a pair cut between two reads
        self._last = data[-1:]

    @property
    def lone(self) -> bool:
        return self.crs != self.pairs


def _probe_kind(head: bytes, fmt: str) -> MessageKind | None:
    """The message kind from the header at the start of the file (as ``check_file`` sees it)."""
    try:
        for item in get_format(fmt).reader(io.BytesIO(head), None, file="<head>"):
            if isinstance(item, Entry):
                if item.part != "header" or item.record is None:
                    return None
                return next((k for k in KINDS.values() if isinstance(item.record, k.header)), None)
    except Exception:
        return None
    return None


# -- a chunk (worker) ------------------------------------------------------------------------


class _Spliced(io.RawIOBase):
    """``prefix`` + bytes ``[start, end)`` of ``fh`` + ``suffix``, as one seekable stream."""

    def __init__(self, prefix: bytes, fh: BinaryIO, start: int, end: int, suffix: bytes) -> None:
        self._prefix = prefix
        self._fh = fh
        self._start = start
        self._middle = end - start
        self._suffix = suffix
        self._size = len(prefix) + self._middle + len(suffix)
        self._pos = 0
        self.returns = _CarriageReturns()  # of the middle, read once in order
        self._counted = 0  # bytes of the middle counted so far

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = (0, self._pos, self._size)[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def lone_cr(self) -> bool:
        """Whether the middle holds a CR not followed by LF (what is left unread is read)."""
        while self._counted < self._middle:
            self._fh.seek(self._start + self._counted)
            data = self._fh.read(min(_SCAN, self._middle - self._counted))
            if not data:
                break
            self.returns.add(data)
            self._counted += len(data)
        return self.returns.lone

    def readinto(self, buffer: Any) -> int:
        pos, want = self._pos, len(buffer)
        head = len(self._prefix)
        if pos < head:
            data = self._prefix[pos : pos + want]
        elif pos < head + self._middle:
            self._fh.seek(self._start + pos - head)
            data = self._fh.read(min(want, head + self._middle - pos))
            if not data:  # the file shrank: what is left of the chunk reads as nothing
                self._middle = pos - head
                return self.readinto(buffer)
            if pos - head == self._counted:
                self.returns.add(data)
                self._counted += len(data)
        else:
            at = pos - head - self._middle
            data = self._suffix[at : at + want]
        n = len(data)
        buffer[:n] = data
        self._pos = pos + n
        return n


def in_folder(spec: ChunkSpec, folder: str) -> ChunkSpec:
    """``spec`` writing its references to a file in ``folder`` (the run's private folder)."""
    return replace(spec, folder=folder)


def validate_chunk(spec: ChunkSpec) -> ChunkResult:
    """Validate the lines of one chunk (a task: top-level, picklable, never raises)."""
    started = time.perf_counter()
    sink: IO[bytes] = io.BytesIO()
    name = None
    if spec.folder is not None:
        try:
            fd, name = tempfile.mkstemp(
                prefix=f"chunk{spec.number}-", suffix=".refs", dir=spec.folder
            )
        except OSError:  # a worker on another machine (Dask): the result carries the bytes
            pass
        else:
            sink = open(fd, "wb", buffering=1024 * 1024)  # noqa: SIM115 (closed below)
    try:
        with sink:
            result = _Chunk(spec, sink).run()
            if isinstance(sink, io.BytesIO):
                result.refs = sink.getvalue()
    except Exception as exc:  # the parent falls back to the single-process path
        result = ChunkResult(spec.number, fallback=f"{type(exc).__name__}: {exc}")
    if name is not None:
        if result.fallback is None:
            result.refs_file = name
        else:
            _remove(name)
    result.seconds = time.perf_counter() - started
    return result


def discard(results: Iterable[ChunkResult]) -> None:
    """Remove the reference files of ``results`` (merged, or not to be merged)."""
    for res in results:
        if res.refs_file is not None:
            _remove(res.refs_file)
            res.refs_file = None
        res.refs = b""


def _remove(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def _kept_records(res: ChunkResult) -> Iterator[list[Any]]:
    """The records of what a chunk kept for the reference index, read one at a time."""
    if res.refs_file is None:
        yield from records(io.BytesIO(res.refs))
        return
    with open(res.refs_file, "rb", buffering=1024 * 1024) as fh:
        yield from records(fh)


class _Chunk:
    """One chunk through its format's block check (:func:`resv_edi.pipeline.checker_for`):
    clean runs and exact entries alike go through a rule engine that keeps the references
    for the parent (:class:`~resv_edi.batch.chunk_refs.ChunkRefs`); the chunk keeps the
    issues of the items in its own byte range, at their true lines."""

    def __init__(self, spec: ChunkSpec, sink: IO[bytes]) -> None:
        self.spec = spec
        self.result = ChunkResult(spec.number)
        prefix_lines = spec.prefix.count(b"\n") if spec.prefix else 0
        self.delta = spec.first_line - 1 - prefix_lines
        self.first = spec.first_line
        self.last_line = None if spec.last else spec.first_line + spec.lines - 1
        self.refs = ChunkRefs(self.delta, sink)
        self.engine: RuleEngine | None = None

    def _engine(self, kind: MessageKind) -> RuleEngine:
        self.engine = RuleEngine(kind, index=self.refs)
        return self.engine

    def run(self) -> ChunkResult:
        spec = self.spec
        with open(spec.path, "rb") as fh:
            raw = _Spliced(spec.prefix or b"", fh, spec.start, spec.end, spec.suffix or b"")
            stream = io.BufferedReader(raw, 1024 * 1024)
            # the chunk reports every issue: the parent applies the cap to the whole file
            limits = spec.limits.updated(max_errors=0)
            check = checker_for(spec.fmt)(
                spec.path, None, limits, name=spec.path, stream=stream, engine=self._engine
            )
            items = check.items()
            try:
                if spec.fmt == "xml":
                    self._by_position(items)
                else:
                    self._by_line(items)
            finally:
                items.close()
            if self.result.fallback is None and raw.lone_cr():
                self.result.fallback = "a CR alone: line numbers could differ between readers"
        result = self.result
        if result.fallback is None:
            self._counts()
        if spec.fmt == "ei" and result.fallback is None:
            result.records = _record_types(spec.path, spec.start, spec.end)
        return result

    def _counts(self) -> None:
        """The engine's counts and the references it kept, for the parent."""
        result = self.result
        if self.engine is None:
            result.fallback = "no entry"
            return
        if self.engine.kind.name != self.spec.kind:
            result.fallback = "another message kind"
            return
        counted = self.engine.counted
        result.lines = counted.lines
        result.sums = counted.sums
        amounts = counted.amounts
        if amounts.first is not None:
            amounts.first = amounts.first.with_(line=_shift(amounts.first.line, self.delta))
        result.amounts = amounts
        self.refs.flush()  # the rest of what it kept (the earlier records are written)
        if self.spec.last and counted.totals is not None:
            totals = counted.totals
            line = _shift(totals.location.line, self.delta)
            result.totals = replace(totals, location=totals.location.with_(line=line))

    # -- what belongs to this chunk

    def _by_line(self, items: Iterator[Checked]) -> None:
        for item, found, final in items:
            if final:
                return  # the message's own last issues: the parent's, over the whole file
            if item is None:  # a reader issue
                if not all(self._issue(i) for i in found):
                    return
                continue
            line = _shift(_last_line(item), self.delta)
            inside = line is not None and self._within(line)
            if isinstance(item, CleanRun) or item.part == "line":
                if not inside:
                    self.result.fallback = f"a line outside the chunk at line {line}"
                    return
            elif not inside:  # the replayed header or totals
                if item.part == "header" and not self._header(item):
                    return
                continue
            if not self._take(item, found):
                return

    def _by_position(self, items: Iterator[Checked]) -> None:
        in_head = self.spec.prefix is not None
        held: list[Checked] = []
        for checked in items:
            item, found, final = checked
            if final:
                break
            if in_head:
                if item is None and any(_is_trigger(i) for i in found):
                    self.result.fallback = f"{found[0].code} in the replayed head"
                    return
                if isinstance(item, Entry) and item.part == "header":
                    if not self._header(item):
                        return
                    in_head = False
                continue
            if self.spec.last:
                if not self._checked(checked):
                    return
                continue
            held.append(checked)
            if isinstance(item, CleanRun) or (isinstance(item, Entry) and item.part == "line"):
                for kept in held:
                    if not self._checked(kept):
                        return
                held.clear()
        for dropped, found, _ in held:  # the replayed tail: only its structure matters
            problem = next((i for i in found if _is_trigger(i)), None) if dropped is None else None
            if problem is not None:
                self.result.fallback = f"{problem.code} after the chunk's last line"
                return

    def _within(self, line: int) -> bool:
        return line >= self.first and (self.last_line is None or line <= self.last_line)

    # -- checking

    def _header(self, entry: Entry) -> bool:
        """Whether the lines can be judged with ``entry`` as their header (the engine
        accepted it whole; else the one-piece run decides)."""
        engine = self.engine
        if entry.record is None or engine is None or not engine.plain:
            self.result.fallback = "a header not accepted whole"
            return False
        return True

    def _checked(self, checked: Checked) -> bool:
        item, found, _ = checked
        if item is None:
            return all(self._issue(i) for i in found)
        return self._take(item, found)

    def _issue(self, item: Issue) -> bool:
        """Keep a reader issue in the chunk; False when the chunk must fall back."""
        result = self.result
        line = _shift(item.location.line, self.delta)
        if self.spec.fmt != "xml":
            inside = self.spec.last if line is None else self._within(line)
            if not self.spec.last and item.code == "E012":
                return True  # an EI chunk without the file's trailer: expected
            if not inside:
                return True
            if item.code == "E009" and self.spec.fmt == "ei":
                return True  # counted over this chunk only: the parent checks the whole file
            if item.code == "E001" and self.spec.fmt == "ei":
                # a line the reader may leave out of its counts: the one-piece run decides
                result.fallback = f"E001 at line {line}"
                return False
        if _is_trigger(item):
            result.fallback = f"{item.code} at line {line}"
            return False
        result.issues.append(_moved(item, line))
        return True

    def _take(self, item: Entry | CleanRun, found: list[Issue]) -> bool:
        """Keep an entry's or clean run's issues; False when the chunk must fall back."""
        result = self.result
        if isinstance(item, Entry):
            line = _shift(item.location.line, self.delta)
            if item.part == "header":
                if self.spec.number:
                    result.fallback = f"a header at line {line}"
                    return False
                if not self._header(item):
                    return False
            elif item.part == "totals" and not self.spec.last:
                result.fallback = f"totals at line {line}"
                return False
        for problem in found:
            if _is_trigger(problem):
                result.fallback = f"{problem.code} at line {problem.location.line}"
                return False
            result.issues.append(_moved(problem, _shift(problem.location.line, self.delta)))
        return True


def _last_line(item: Entry | CleanRun) -> int | None:
    """The source line of an entry, or of a clean run's last line."""
    return item.last_line if isinstance(item, CleanRun) else item.location.line


def _shift(line: int | None, delta: int) -> int | None:
    return None if line is None else line + delta


def _moved(item: Issue, line: int | None) -> Issue:
    if line == item.location.line:
        return item
    return replace(item, location=item.location.with_(line=line))


# -- merging (parent) ------------------------------------------------------------------------


def merge(specs: list[ChunkSpec], results: list[ChunkResult]) -> FileReport | None:
    """The file's report from its chunks' results, or ``None`` to validate it in one piece."""
    results = sorted(results, key=lambda r: r.number)
    if any(r.fallback for r in results) or len(results) != len(specs):
        discard(results)
        return None
    spec0 = specs[0]
    kind = KINDS[spec0.kind]
    limits = spec0.limits
    name = spec0.path
    indexed = f"/{kind.root}/{kind.lines_element}/{kind.line_element}["
    issues: list[Issue] = []
    refs = PartitionedIndex() if kind is DECLARATIE else None
    offset = lines = 0
    sums = [0, 0]
    amounts = Skipped()
    try:
        for res in results:
            issues.extend(_reindexed(i, offset, indexed) for i in res.issues)
            if res.amounts.count:
                if amounts.first is None and res.amounts.first is not None:
                    first = Issue("", "", location=res.amounts.first)
                    amounts.first = _reindexed(first, offset, indexed).location
                amounts.count += res.amounts.count
                amounts.fields.update(res.amounts.fields)
            if refs is not None:
                for kept in _kept_records(res):
                    add_kept(refs, kept, offset, indexed)
                discard([res])  # in the index now (spilled past its bound)
            offset += res.lines
            lines += res.lines
            for n, amount in enumerate(res.sums):
                sums[n] += amount
        if spec0.fmt == "ei":
            counted = _ei_trailer_counts(spec0, kind, results, issues)
            if counted is None or not _ei_cuts_in_order(specs):
                return None  # a detail number out of order at a cut: the one-piece run says so
            issues = counted
        if spec0.fmt == "ei" and limits.max_errors and len(issues) > limits.max_errors:
            return None  # the EI reader caps its own issues: leave that to the one-piece run
        if refs is not None:
            issues.extend(reference_issues(refs, name))
    finally:
        discard(results)
        if refs is not None:
            refs.close()
    totals = results[-1].totals
    if totals is not None and totals.record is not None:
        issues.extend(totals_issues(totals, lines, sums, amounts, name))
    return _report(name, spec0.fmt, kind, lines, issues, limits)


def _ei_trailer_counts(
    spec0: ChunkSpec, kind: MessageKind, results: list[ChunkResult], issues: list[Issue]
) -> list[Issue] | None:
    """``issues`` with the E009 of the EI-only trailer counts, over the whole file, where the
    reader puts them: after the trailer's own field issues, before its model issues."""
    totals = results[-1].totals
    if totals is None or totals.location.line is None:
        return None
    line = totals.location.line
    counts: dict[str, int] = {}
    for res in results:
        for rtype, n in res.records.items():
            counts[rtype] = counts.get(rtype, 0) + n
    found = trailer_count_issues(spec0.path, kind, line, counts)
    if found is None:
        return None
    at = next(
        (i for i, item in enumerate(issues) if item.location.line == line and item.code[0] != "E"),
        len(issues),
    )
    return [*issues[:at], *found, *issues[at:]]


def _ei_cuts_in_order(specs: list[ChunkSpec]) -> bool:
    """Whether the first record of every chunk keeps the detail-number order with the last
    numbered record before its cut (each chunk's reader can only check inside the chunk).
    False too where a chunk's reader cannot know that number: when the first record after the
    cut is a detail record without one (the one-piece reader then compares the next record
    with the number before the cut), or when none of the records just before the cut has one
    and the header is not among them."""
    path = specs[0].path
    with open(path, "rb") as fh:
        layout = detect_layout(fh.readline())
        if layout is None:
            return True
        span = 4 * (layout.record_length + 2)
        for spec in specs[1:]:
            fh.seek(max(0, spec.start - span))
            before = fh.read(spec.start - max(0, spec.start - span)).splitlines()
            first = fh.readline().rstrip(b"\r\n")
            record = layout.records.get(first[:2].decode("latin-1"))
            if record is None or (
                record.detail_id is not None and detail_number(layout, first) is None
            ):
                return False
            previous = None
            for line in reversed(before[1:] if spec.start > span else before):
                if line[:2].decode("latin-1") == layout.header.type:
                    break
                previous = detail_number(layout, line)
                if previous is not None:
                    break
            else:
                return False  # no number, and no header, among the records just before
            if previous is not None and not detail_number_in_order(layout, first, previous):
                return False
    return True


def _record_types(path: str, start: int, end: int) -> dict[str, int]:
    """How many records of each type of the file's layout start in ``[start, end)`` (which
    starts a line): a type's count is how often a newline is followed by it."""
    with open(path, "rb") as fh:
        layout = detect_layout(fh.readline())
        types = [t.encode("latin-1") for t in layout.records] if layout is not None else []
        counts = dict.fromkeys(types, 0)
        fh.seek(start)
        first = fh.read(2)
        if first in counts:
            counts[first] += 1
        fh.seek(start)
        left, carry = end - start, b""
        while left > 0:
            chunk = fh.read(min(_SCAN, left))
            if not chunk:
                break
            left -= len(chunk)
            block = carry + chunk
            for rtype in types:
                counts[rtype] += block.count(b"\n" + rtype)
            carry = block[-2:]  # a newline and a type cut by the read are found next time
    return {k.decode("latin-1"): v for k, v in counts.items()}


def _reindexed(item: Issue, offset: int, indexed: str) -> Issue:
    """``item`` with its line index (and XPath position) counted from the file's start."""
    loc = item.location
    if not offset or (loc.index is None and not (loc.path and loc.path.startswith(indexed))):
        return item
    changes: dict[str, Any] = {}
    if loc.index is not None:
        changes["index"] = loc.index + offset
    if loc.path and loc.path.startswith(indexed):
        close = loc.path.index("]", len(indexed))
        number = int(loc.path[len(indexed) : close]) + offset
        changes["path"] = f"{indexed}{number}{loc.path[close:]}"
    return replace(item, location=loc.with_(**changes))


def _report(
    name: str, fmt: str, kind: MessageKind, lines: int, issues: list[Issue], limits: Limits
) -> FileReport:
    """The report exactly as :func:`resv_edi.pipeline.check_file` builds it from the issues."""
    report = FileReport(name)
    report.format = fmt
    report.message = kind.root
    report.lines = lines
    for found in issues:
        report.keep(found, limits.max_errors)
    report.close(limits.max_errors)
    place_report(report)  # as check_file does
    return report
