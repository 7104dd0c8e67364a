"""``resv-edi report``: the monitoring report of declarations, as CSV, JSON and HTML."""

from __future__ import annotations

import sys
from typing import Any

import click

from resv_edi.cli.options import limit_options, limits_from
from resv_edi.errors import ExitCode, Severity
from resv_edi.report import aggregate, write_report
from resv_edi.reporting import text_line
from resv_edi.terminal import printable


@click.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False))
@limit_options
def command(files: tuple[str, ...], output: str, **kwargs: Any) -> None:
    """Aggregate declarations (any format) per hoofdtaak, prestatiesoort, RESV, insurer,
    region and year (credits net against debits) into OUTPUT: tables and report.html.
    Files with errors are left out; the exit code is then 1."""
    limits = limits_from(kwargs)
    agg = aggregate(files, limits=limits, max_issues=limits.max_errors or 100)
    for item in agg.issues:
        click.echo(text_line(item), err=True)
    written = write_report(agg, output)
    total = agg.total
    click.echo(
        printable(
            f"{len(files)} files ({len(agg.excluded)} left out), {total.lines} lines, "
            f"net {total.net} cents -> {output} ({len(written)} files)"
        ),
        err=True,
    )
    if any(i.severity is Severity.FATAL for i in agg.issues):
        sys.exit(int(ExitCode.USAGE))
    sys.exit(int(ExitCode.INVALID if agg.excluded else ExitCode.OK))
