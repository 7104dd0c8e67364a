"""``resv-edi report``: the monitoring report of declarations, as CSV, JSON and HTML."""

from __future__ import annotations

import sys
from typing import Any

import click
import orjson

from resv_edi.cli.options import (
    exit_codes,
    lang_option,
    limit_options,
    limits_from,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.errors import ExitCode, Severity
from resv_edi.report import aggregate, write_report
from resv_edi.reporting import text_lines
from resv_edi.standard.catalogue import render
from resv_edi.standard.wording import Money, label


@exit_codes("files with errors were left out")
@click.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@output_option("Directory for the tables and report.html.", directory=True)
@output_format_option("text for people; json: the report's summary on stdout.")
@lang_option()
@quiet_option()
@limit_options
def command(
    files: tuple[str, ...], output: str, output_format: str, lang: str, quiet: bool, **kwargs: Any
) -> None:
    """Aggregate declarations (any format) per hoofdtaak, prestatiesoort, RESV, insurer,
    region and year (credits net against debits) into OUTPUT: tables and report.html.
    Files with errors are left out; a message given twice is counted once (with a warning).
    The issues and the summary go to stdout; the files written to stderr."""
    limits = limits_from(kwargs)
    agg = aggregate(files, limits=limits, max_issues=limits.max_errors or 100)
    written = write_report(agg, output)
    total = agg.total
    if output_format == "json":
        data = {
            "files": len(files),
            "left_out": agg.excluded,
            "counted_once": agg.duplicates,
            "lines": total.lines,
            "net": total.net,
            "issues": [i.as_dict(render(i, lang)) for i in agg.issues],
            "written": [str(p) for p in written],
        }
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        for line in text_lines(agg.issues, lang):
            click.echo(line)
        click.echo(
            f"{len(files)} files ({len(agg.excluded)} left out, {len(agg.duplicates)} given "
            f"twice and counted once), {total.lines} {label('lines', lang)}, net "
            f"{Money(total.net).render(lang)}"
        )
    if not quiet:
        click.echo(f"{output}: written ({len(written)} files)", err=True)
    if any(i.severity is Severity.FATAL for i in agg.issues):
        sys.exit(int(ExitCode.USAGE))
    sys.exit(int(ExitCode.INVALID if agg.excluded else ExitCode.OK))
