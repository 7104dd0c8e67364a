"""``resv-edi report``: the monitoring report of declarations, as CSV, JSON and HTML."""

from __future__ import annotations

import sys
from typing import Any

import click

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
from resv_edi.report.aggregate import MAX_FACTS
from resv_edi.report.html import PAGE_SIZE
from resv_edi.report.writers import TABLES
from resv_edi.reporting import text_lines
from resv_edi.standard.catalogue import render
from resv_edi.standard.wording import Money, label
from resv_edi.terminal import json_bytes, printable


@exit_codes("files with errors were left out")
@click.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@output_option("Directory for the tables and report.html.", directory=True)
@click.option(
    "--max-facts",
    type=click.IntRange(min=0),
    default=MAX_FACTS,
    show_default=True,
    help="Most distinct facts kept (0 = no cap); beyond it new RESVs, insurers and regions "
    "are counted as '*' (the totals stay right).",
)
@click.option(
    "--page-size",
    type=click.IntRange(min=0),
    default=PAGE_SIZE,
    show_default=True,
    help="Most rows per table in report.html (0 = all); the CSV and JSON hold every row.",
)
@output_format_option("text for people; json: the report's summary on stdout.")
@lang_option()
@quiet_option()
@limit_options
def command(
    files: tuple[str, ...],
    output: str,
    max_facts: int,
    page_size: int,
    output_format: str,
    lang: str,
    quiet: bool,
    **kwargs: Any,
) -> None:
    """Aggregate declarations (any format) per hoofdtaak, prestatiesoort, RESV, insurer,
    region and year (credits net against debits) into OUTPUT: tables and report.html.
    Files with errors are left out; a message given twice is counted once (with a warning).
    The issues and the summary go to stdout; the files written to stderr."""
    limits = limits_from(kwargs)
    agg = aggregate(files, limits=limits, max_issues=limits.max_errors or 100, max_facts=max_facts)
    if agg.folded_lines:
        click.echo(
            f"warning: more than {max_facts} distinct facts: {agg.folded_lines} lines are "
            f"counted with RESV, insurer and region '*' (--max-facts) / waarschuwing: meer dan "
            f"{max_facts} feiten; {agg.folded_lines} regels geteld onder '*'",
            err=True,
        )
    written = write_report(agg, output, page_size=page_size)
    longest = max((len(agg.table(*dims)) for dims in TABLES.values()), default=0)
    if page_size and longest > page_size:
        click.echo(
            f"warning: report.html shows at most {page_size} rows per table (--page-size); "
            f"every row is in the CSV and JSON files / waarschuwing: report.html toont ten "
            f"hoogste {page_size} rijen per tabel",
            err=True,
        )
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
        sys.stdout.buffer.write(json_bytes(data) + b"\n")
    else:
        for line in text_lines(agg.issues, lang):
            click.echo(line)
        click.echo(
            f"{len(files)} files ({len(agg.excluded)} left out, {len(agg.duplicates)} given "
            f"twice and counted once), {total.lines} {label('lines', lang)}, net "
            f"{Money(total.net).render(lang)}"
        )
    if not quiet:
        click.echo(printable(f"{output}: written ({len(written)} files)"), err=True)
    if any(i.severity is Severity.FATAL for i in agg.issues):
        sys.exit(int(ExitCode.USAGE))
    sys.exit(int(ExitCode.INVALID if agg.excluded else ExitCode.OK))
