"""The pipeline: sniff a file, read it, validate it, convert it. Everything above it may import it.

>>> from resv_edi.pipeline import validate
>>> issues = list(validate("declaratie.xml"))
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, TYPE_CHECKING, Any

from resv_edi.errors import (
    EmptyInputError,
    EncodingNotAcceptedError,
    Issue,
    Location,
    ResvEdiError,
    UnknownFormatError,
    UnsafeInputError,
)
from resv_edi.formats.contract import Format
from resv_edi.formats.detect import SNIFF_BYTES, detect_format
from resv_edi.formats.registry import get_format
from resv_edi.formats.spool import readable_again
from resv_edi.formats.xml.positions import place_report
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record
from resv_edi.model.columns import LineBlock, as_records
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind
from resv_edi.reporting import FileReport
from resv_edi.rules.engine import RuleEngine
from resv_edi.source import atomic_output
from resv_edi.standard.catalogue import issue
from resv_edi.transport.magic import is_archive

if TYPE_CHECKING:  # the archive reader loads only for a zip
    from resv_edi.rules.block_check import BlockCheck, Checked
    from resv_edi.transport.archive import Member, TransportRules

PathLike = str | os.PathLike[str]


def sniff(path: PathLike) -> str:
    """The format of the file at ``path``, from its content: ``xml``, ``json``, ``ndjson``,
    ``ei`` or ``csv``; raises :class:`~resv_edi.errors.UnknownFormatError` when none fits.

    >>> sniff("fixtures/valid/prestatie1_credit_correction.ndjson")  # doctest: +SKIP
    'ndjson'
    """
    with open(path, "rb") as fh:
        return detect_format(fh.read(SNIFF_BYTES))


def read(
    path: PathLike,
    fmt: str = "auto",
    *,
    kind: MessageKind | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Entry | Issue]:
    """Entries and reader issues of the message in ``path``, streamed (no rules applied). A
    pipe or device is read once (:mod:`resv_edi.formats.spool`).

    >>> for item in read("declaratie.ndjson"):  # doctest: +SKIP
    ...     print(item.part if isinstance(item, Entry) else item)
    """
    name = os.fspath(path)
    try:
        with readable_again(path, limits) as real:
            yield from _read(real, name, fmt, kind, limits)
    except UnsafeInputError as exc:
        yield issue("L001", Location(file=name), reason=str(exc))
    except OSError as exc:
        yield issue("F001", Location(file=name), reason=exc.strerror or str(exc))


def _read(
    path: str, name: str, fmt: str, kind: MessageKind | None, limits: Limits
) -> Iterator[Entry | Issue]:
    if fmt == "auto":
        fmt, problem = _sniffed(path, name)
        if problem is not None:
            yield problem
            return
    yield from get_format(fmt).reader(path, kind, file=name, limits=limits)


def _sniffed(path: PathLike, name: str | None = None) -> tuple[str, Issue | None]:
    """The detected format, or the issue that says why there is none."""
    where = Location(file=name or os.fspath(path))
    try:
        return sniff(path), None
    except EmptyInputError:
        return "", issue("F003", where)
    except EncodingNotAcceptedError as exc:
        return "", issue("F004", where, reason=str(exc))
    except UnknownFormatError as exc:
        return "", issue("F002", where, reason=str(exc))
    except OSError as exc:
        return "", issue("F001", where, reason=exc.strerror or str(exc))


def validate(
    path: PathLike,
    fmt: str = "auto",
    *,
    kind: MessageKind | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Issue]:
    """All issues of the message in ``path``: reader, schema and catalogue rules, streamed,
    line by line (the exact path: :func:`check_file` checks NDJSON in blocks and is tested
    against it).

    >>> codes = [issue.code for issue in validate("declaratie.xml")]  # doctest: +SKIP
    """
    stream = read(path, fmt, kind=kind, limits=limits)
    detected = _KindProbe(stream)
    yield from RuleEngine(kind or detected.kind).run(detected)


class _KindProbe:
    """Peeks the first entry to learn whether a message is a declaratie or a retour."""

    def __init__(self, stream: Iterator[Entry | Issue]) -> None:
        self._stream = stream
        self._head: list[Entry | Issue] = []
        self.kind = DECLARATIE
        for item in stream:
            self._head.append(item)
            if isinstance(item, Entry):
                self.kind = KINDS.get(item.kind, DECLARATIE)
                break

    def __iter__(self) -> Iterator[Entry | Issue]:
        yield from self._head
        yield from self._stream


def check_file(
    path: PathLike,
    fmt: str = "auto",
    *,
    kind: MessageKind | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> FileReport:
    """Validate one file into a :class:`FileReport` (issues kept up to ``limits.max_errors``;
    XML issues at their elements' lines and columns). A pipe or device is read once
    (:mod:`resv_edi.formats.spool`).

    >>> report = check_file("declaratie.xml")  # doctest: +SKIP
    >>> report.status, report.errors  # doctest: +SKIP
    ('invalid', 2)
    >>> from resv_edi.reporting import text_lines  # doctest: +SKIP
    >>> print(*text_lines(report.issues, "nl"), sep="\n")  # in Dutch  # doctest: +SKIP
    """
    name = os.fspath(path)
    try:
        with readable_again(path, limits) as real:
            if real == name:
                return _check_file(real, name, fmt, kind, limits)
            return _renamed(_check_file(real, name, fmt, kind, limits), real, name)
    except (UnsafeInputError, OSError) as exc:
        report = FileReport(name)
        code = "L001" if isinstance(exc, UnsafeInputError) else "F001"
        reason = str(exc) if code == "L001" else getattr(exc, "strerror", None) or str(exc)
        problem = issue(code, Location(file=name), reason=reason)
        report.add(problem)
        report.issues.append(problem)
        return report


def _renamed(report: FileReport, real: str, name: str) -> FileReport:
    """``report`` of the private copy ``real`` under the input's own name (an archive's
    members are named ``real!member``)."""

    def renamed(file: str | None) -> str | None:
        return name + file[len(real) :] if file and file.startswith(real) else file

    report.file = renamed(report.file) or name
    report.issues = [
        dataclasses.replace(i, location=i.location.with_(file=renamed(i.location.file)))
        for i in report.issues
    ]
    return report


#: the block check of each input format (``module:class``, a subclass of
#: :class:`~resv_edi.rules.block_check.BlockCheck`), loaded only for that format: validation
#: and convert read such input through it (convert writes its clean runs as columns)
BLOCK_CHECKS: dict[str, str] = {
    "ndjson": "resv_edi.rules.ndjson_blocks:NdjsonCheck",
    "ei": "resv_edi.rules.ei_blocks:EiCheck",
    "xml": "resv_edi.rules.xml_blocks:XmlCheck",
    "json": "resv_edi.rules.json_blocks:JsonCheck",
}


def blocks_for(fmt: str) -> type[BlockCheck] | None:
    """The block check class of input format ``fmt`` (imported now), or ``None``."""
    target = BLOCK_CHECKS.get(fmt)
    if target is None:
        return None
    module, _, name = target.partition(":")
    found: type[BlockCheck] = getattr(importlib.import_module(module), name)
    return found


def checker_for(fmt: str) -> type[BlockCheck]:
    """What checks input format ``fmt``: its block check, or the exact reader through the
    same driver (:class:`~resv_edi.rules.block_check.ExactCheck`) for a format without one."""
    found = blocks_for(fmt)
    if found is not None:
        return found
    from resv_edi.rules.block_check import exact_check  # loads the rules' block helpers

    return exact_check(fmt)


def check_items(
    path: PathLike,
    fmt: str = "auto",
    *,
    kind: MessageKind | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Checked]:
    """The items of the message in ``path`` in order, each with its issues, through
    :func:`checker_for` (:meth:`~resv_edi.rules.block_check.BlockCheck.items`): runs of
    certainly clean lines as one :class:`~resv_edi.rules.blocks.CleanRun` with their columns,
    anything else as the exact reader's entries. The issues are :func:`validate`'s, in its
    order (a file that cannot be opened or sniffed: its issue, then the message's last
    ones); for a consumer that reads the lines too, such as the monitoring report. A pipe or
    device is read once (:mod:`resv_edi.formats.spool`)."""
    name = os.fspath(path)
    try:
        with readable_again(path, limits) as real:
            if fmt == "auto":
                fmt, problem = _sniffed(real, name)
                if problem is not None:
                    yield from _refused(problem, kind)
                    return
            yield from checker_for(fmt)(real, kind, limits, name=name).items()
    except (UnsafeInputError, OSError) as exc:
        code = "L001" if isinstance(exc, UnsafeInputError) else "F001"
        reason = str(exc) if code == "L001" else getattr(exc, "strerror", None) or str(exc)
        yield from _refused(issue(code, Location(file=name), reason=reason), kind)


def _refused(problem: Issue, kind: MessageKind | None) -> Iterator[Checked]:
    """What the exact path finds in a file refused with ``problem``: the issue, then what
    the rule engine says at the end of a message without entries."""
    from resv_edi.rules.block_check import Checked

    engine = RuleEngine(kind or DECLARATIE)
    try:
        yield Checked(None, engine.check(problem))
        yield Checked(None, list(engine.finish()), final=True)
    finally:
        engine.close()


def _check_file(
    path: str, name: str, fmt: str, kind: MessageKind | None, limits: Limits
) -> FileReport:
    if fmt == "auto" and is_archive(path):
        return archive_report(path, limits)
    report = FileReport(name)
    if fmt == "auto":
        fmt, problem = _sniffed(path, name)
        if problem is not None:
            report.add(problem)
            report.issues.append(problem)
            return report
    report.format = fmt
    claim = _claim_layout(path, limits) if fmt == "ei" else None
    if claim is not None:  # an existing Vektis standard: its structure is all there is to check
        report.message = claim.name
        service = claim.role_type("service")
        from resv_edi.vektis.reader import read_records  # EI claim files only

        for found in read_records(path, claim, file=name, limits=limits):
            if isinstance(found, Issue):
                report.keep(found, limits.max_errors)
            elif found.record_type == service:  # the file's lines: its service records
                report.lines += 1
        report.close(limits.max_errors)
        return report
    blocks = checker_for(fmt)(path, kind, limits, name=name)
    for found in blocks:  # in blocks where the format has a block check
        report.keep(found, limits.max_errors)
    report.lines = blocks.lines
    report.message = blocks.kind_root
    report.close(limits.max_errors)
    place_report(report)  # XML: each issue at its element's own line and column
    return report


def check_archive(
    path: PathLike, limits: Limits = DEFAULT_LIMITS, rules: TransportRules | None = None
) -> list[FileReport]:
    """One report per member of the zip at ``path``, or one report of the archive that says
    why it was refused (then no member is unpacked).

    Member reports are named ``archive.zip!member`` and so are the files of their issues.

    >>> [r.status for r in check_archive("batch.zip")]  # doctest: +SKIP
    ['valid', 'invalid']
    """
    from resv_edi.transport.archive import unpack_archive

    return [_member_report(member, limits) for member in unpack_archive(path, limits, rules)]


def _member_report(member: Member, limits: Limits) -> FileReport:
    """A refused member (or archive) as a report, or the member validated like a plain file."""
    if member.path is None:
        report = FileReport(member.shown, format="zip" if member.name is None else None)
        for problem in member.refusals:
            report.add(problem)
            report.issues.append(problem)
        return report
    temp = str(member.path)
    checked = check_file(member.path, limits=limits)
    checked.file = member.shown
    checked.issues = [
        dataclasses.replace(i, location=i.location.with_(file=member.shown))
        if i.location.file == temp
        else i
        for i in checked.issues
    ]
    return checked


def archive_report(
    path: PathLike, limits: Limits = DEFAULT_LIMITS, rules: TransportRules | None = None
) -> FileReport:
    """:func:`check_archive` folded into one report for the archive (what ``check_file``
    returns for a zip): counts summed, issues of all members (named ``archive!member``) in
    member order, up to ``limits.max_errors`` (fatal issues always kept).

    >>> archive_report("batch.zip").status  # doctest: +SKIP
    'invalid'
    """
    reports = check_archive(path, limits, rules)
    total = FileReport(os.fspath(path), format="zip")
    messages = {r.message for r in reports if r.message}
    total.message = messages.pop() if len(messages) == 1 else None
    cap = limits.max_errors
    for report in reports:
        total.lines += report.lines
        total.errors += report.errors
        total.warnings += report.warnings
        total.notes += report.notes
        total.fatal = total.fatal or report.fatal
        for item in report.issues:
            if not cap or len(total.issues) < cap or item.severity.value == "fatal":
                total.issues.append(item)
    return total


def _claim_layout(path: PathLike, limits: Limits) -> Any:
    """The layout of an existing Vektis claim standard at ``path``, or ``None`` (a RESV EI
    message); the EI machinery is imported only for EI input."""
    from resv_edi.formats.ei.resv import claim_layout

    return claim_layout(path, limits)


@dataclass
class ConversionResult:
    """What a conversion did. ``written`` is False when issues stopped it; the result is then
    falsy, and :meth:`raise_for_issues` raises :class:`ConversionError`.

    >>> result = convert("declaratie.xml", "declaratie.asc", "ei")  # doctest: +SKIP
    >>> if not result:  # nothing was written; result.issues say why  # doctest: +SKIP
    ...     print(*result.issues, sep="\n")
    """

    source: str
    target: str
    lines: int = 0
    written: bool = False
    issues: list[Issue] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.written

    def raise_for_issues(self) -> ConversionResult:
        """This result when the output was written; else raise :class:`ConversionError`."""
        if not self.written:
            raise ConversionError(self)
        return self


class ConversionError(ResvEdiError):
    """A conversion wrote nothing: ``result.issues`` say why (raised by
    :meth:`ConversionResult.raise_for_issues` and by ``convert(..., check=True)``)."""

    def __init__(self, result: ConversionResult) -> None:
        first = result.issues[0] if result.issues else None
        more = f" (and {len(result.issues) - 1} more)" if len(result.issues) > 1 else ""
        super().__init__(f"{result.source} not converted: {first or 'no output'}{more}")
        self.result = result


def convert(
    source: PathLike,
    target: PathLike,
    to: str,
    *,
    fmt: str = "auto",
    kind: MessageKind | None = None,
    limits: Limits = DEFAULT_LIMITS,
    max_errors: int = 100,
    check: bool = False,
) -> ConversionResult:
    """Convert ``source`` to format ``to`` at ``target``, atomically.

    The input is validated while it streams (schema and rules); any error stops the
    conversion and no file is left at ``target``. The result is falsy then (``written`` is
    False, ``issues`` say why); with ``check=True`` :class:`ConversionError` is raised instead.

    >>> convert("declaratie.xml", "declaratie.asc", "ei", check=True)  # doctest: +SKIP
    ConversionResult(source='declaratie.xml', target='declaratie.asc', lines=11, written=True, ...)
    """
    result = ConversionResult(os.fspath(source), os.fspath(target))
    try:
        with readable_again(source, limits) as real:
            _convert(real, result, target, to, fmt, kind, limits, max_errors)
    except (UnsafeInputError, OSError) as exc:
        code = "L001" if isinstance(exc, UnsafeInputError) else "F001"
        reason = str(exc) if code == "L001" else getattr(exc, "strerror", None) or str(exc)
        result.issues.append(issue(code, Location(file=result.source), reason=reason))
    return result.raise_for_issues() if check else result


def _convert(
    source: str,
    result: ConversionResult,
    target: PathLike,
    to: str,
    fmt: str,
    kind: MessageKind | None,
    limits: Limits,
    max_errors: int,
) -> ConversionResult:
    writes = get_format(to)
    detected, problem = (fmt, None) if fmt != "auto" else _sniffed(source, result.source)
    if problem is not None:
        result.issues.append(problem)
        return result
    if detected == "ei":
        from resv_edi.formats.ei.resv import claim_standard  # EI only (start-up stays light)

        claim = claim_standard(source, limits)
        if claim is not None:
            reason = f"{claim} is a claim file, not a RESV message (see `resv-edi lumpsum`)"
            result.issues.append(issue("F002", Location(file=result.source), reason=reason))
            return result
    checked = checker_for(detected)(source, kind, limits, name=result.source)
    return _convert_blocks(checked, result, target, writes, max_errors)


def _convert_blocks(
    blocks: BlockCheck,
    result: ConversionResult,
    target: PathLike,
    writes: Format,
    max_errors: int,
) -> ConversionResult:
    """:func:`convert` through a check (:func:`checker_for`): the same issues and output
    whether lines are checked in blocks or one by one (entries' records and clean runs'
    columns to the writer, in file order)."""
    items = blocks.items()
    head: list[Checked] = []
    for checked in items:  # up to the first entry, which names the message kind
        head.append(checked)
        if isinstance(checked.item, Entry):
            break
    message_kind = blocks.message_kind

    def records() -> Iterator[Record | LineBlock]:
        for item, found, final in chain(head, items):
            if final:
                if not blocks.fatal and len(result.issues) < max_errors:
                    result.issues.extend(p for p in found if p.is_error)
                break
            result.issues.extend(p for p in found if p.is_error)
            if result.issues:
                if len(result.issues) >= max_errors or blocks.fatal:
                    break
                continue
            if isinstance(item, Entry):
                if item.record is not None:
                    yield item.record
            elif item is not None:
                yield LineBlock(message_kind.line, item.columns)
        if result.issues:
            raise _Stop

    stream = records() if writes.blocks else as_records(records())
    try:
        return _written(
            result,
            target,
            lambda out: writes.writer(stream, out, message_kind),  # type: ignore[arg-type]
        )
    finally:
        items.close()


def _written(
    result: ConversionResult, target: PathLike, write: Callable[[IO[bytes]], int]
) -> ConversionResult:
    """``result`` after ``write`` wrote the output to ``target`` atomically: written, or
    stopped by the input's issues (no file is left then)."""
    try:
        with atomic_output(target) as out:
            result.lines = write(out)
    except _Stop:
        return result
    except (ValueError, TypeError) as exc:  # records out of order: the input was incomplete
        result.issues.append(issue("F001", Location(file=result.source), reason=str(exc)))
        return result
    result.written = True
    return result


class _Stop(Exception):
    """Raised inside a conversion to abandon the temporary output."""
