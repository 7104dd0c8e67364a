"""The units of work of a batch: top-level, picklable functions that return typed results.

A task never raises: whatever goes wrong becomes a ``failed`` result with exit code 2 and an
``F001`` issue naming the exception, so that one file can never stop the batch. The same
functions run in-process, in a local process pool and on Dask workers.

Validate tasks return a :class:`~resv_edi.batch.results.ValidationResult`, convert tasks a
:class:`~resv_edi.batch.results.FileConversion` (frozen dataclasses, see
:mod:`resv_edi.batch.results`).
"""

from __future__ import annotations

import os
import stat
import time

from resv_edi.batch.results import FileConversion, Status, ValidationResult
from resv_edi.errors import ExitCode, Issue, Location, Severity
from resv_edi.limits import Limits
from resv_edi.pipeline import check_file, convert
from resv_edi.reporting import FileReport, summary_line, text_line, text_lines
from resv_edi.standard.catalogue import issue, render
from resv_edi.standard.wording import label
from resv_edi.terminal import printable

_STATUS: dict[str, Status] = {"valid": "ok", "invalid": "invalid", "unreadable": "failed"}


def validate_file(path: str, fmt: str, limits: Limits, lang: str = "en") -> ValidationResult:
    """Validate one file (``check_file``) into a result (texts in ``lang``)."""
    started = time.perf_counter()
    try:
        report = check_file(path, fmt, limits=limits)
    except Exception as exc:
        report = _failed_report(path, exc)
    return validation_result(report, time.perf_counter() - started, lang)


def validation_result(report: FileReport, seconds: float, lang: str = "en") -> ValidationResult:
    """The result of a validation, from its report."""
    return ValidationResult(
        file=report.file,
        status=_STATUS[report.status],
        exit_code=int(report.exit_code),
        lines=report.lines,
        errors=report.errors,
        warnings=report.warnings,
        seconds=round(seconds, 4),
        report=report.as_dict(lang),
        text=tuple(text_lines(report.issues, lang)),
        summary_line=summary_line(report, lang),
    )


def convert_file(
    source: str,
    target: str,
    to: str,
    fmt: str,
    limits: Limits,
    lang: str = "en",
    skip_existing: bool = False,
) -> FileConversion:
    """Convert one file (``convert``, written atomically) into a result; with
    ``skip_existing``, an input whose output is complete already is skipped."""
    if skip_existing and is_complete_output(target, to, limits):
        return skipped(source, target, to)
    started = time.perf_counter()
    try:
        result = convert(
            source, target, to, fmt=fmt, limits=limits, max_errors=limits.max_errors or 100
        )
        issues, written, lines = result.issues, result.written, result.lines
    except Exception as exc:
        issues, written, lines = [_crash(source, exc)], False, 0
    fatal = any(i.severity is Severity.FATAL for i in issues)
    status: Status
    if written:
        status, code = "ok", ExitCode.OK
        last = printable(f"{source}: written {target} ({to}, {lines} {label('lines', lang)})")
    else:
        status, code = ("failed", ExitCode.USAGE) if fatal else ("invalid", ExitCode.INVALID)
        word = "unreadable" if fatal else "invalid"
        counted = f"{len(issues)} {label('errors', lang)}"
        last = printable(f"{source}: {word}, {label('not_converted', lang)}, {counted}")
    return FileConversion(
        file=source,
        output=target,
        to=to,
        status=status,
        exit_code=int(code),
        written=written,
        lines=lines,
        errors=sum(1 for i in issues if i.is_error),
        seconds=round(time.perf_counter() - started, 4),
        issues=tuple(i.as_dict(render(i, lang)) for i in issues),
        text=tuple(text_lines(issues, lang)),
        summary_line=last,
    )


def is_complete_output(target: str, to: str, limits: Limits) -> bool:
    """Whether ``target`` is a complete, valid earlier output in format ``to``: a regular
    file (not a link, not empty, not a folder) that validates without errors. Anything else
    (a half file from elsewhere, an empty file, a folder) is converted again."""
    try:
        st = os.lstat(target)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
        return False
    try:
        report = check_file(target, to, limits=limits)
    except Exception:
        return False
    return report.errors == 0 and not report.fatal


def skipped(source: str, target: str, to: str) -> FileConversion:
    """The result of an input whose output exists already (``--skip-existing``)."""
    return FileConversion(
        file=source,
        output=target,
        to=to,
        status="skipped",
        exit_code=int(ExitCode.OK),
        written=False,
        lines=0,
        errors=0,
        seconds=0.0,
        issues=(),
        text=(),
        summary_line=printable(f"{source}: skipped, {target} is complete already"),
    )


def failed_validation(path: str, exc: BaseException) -> ValidationResult:
    """The result of a validate task that could not run at all (e.g. its worker died)."""
    return validation_result(_failed_report(path, exc), 0.0)


def failed_conversion(path: str, exc: BaseException, target: str, to: str) -> FileConversion:
    """The result of a convert task that could not run at all (e.g. its worker died)."""
    problem = _crash(path, exc)
    return FileConversion(
        file=path,
        output=target,
        to=to,
        status="failed",
        exit_code=int(ExitCode.USAGE),
        written=False,
        lines=0,
        errors=1,
        seconds=0.0,
        issues=(problem.as_dict(),),
        text=(text_line(problem),),
        summary_line=printable(f"{path}: unreadable, not converted, 1 errors"),
    )


def _crash(path: str, exc: BaseException) -> Issue:
    return issue("F001", Location(file=path), reason=f"{type(exc).__name__}: {exc}")


def _failed_report(path: str, exc: BaseException) -> FileReport:
    report = FileReport(path)
    problem = _crash(path, exc)
    report.add(problem)
    report.issues.append(problem)
    return report
