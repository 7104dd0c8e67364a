"""``resv-edi retour``: validate a declaration and write its Retourbericht."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime
from typing import Any

import click

from resv_edi.cli.ledger_options import db_option, opened
from resv_edi.cli.options import (
    WRITE_FORMATS,
    exit_codes,
    input_format_option,
    lang_option,
    limit_options,
    limits_from,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.errors import ExitCode
from resv_edi.formats.registry import get_format
from resv_edi.ledger.rules import ledger_issues
from resv_edi.model.messages import RETOUR
from resv_edi.retour.answer import answer_records
from resv_edi.retour.builder import RetourSummary
from resv_edi.source import atomic_output
from resv_edi.standard.wording import Money, label
from resv_edi.terminal import json_bytes, printable


@exit_codes("a line was rejected or the message has remarks (the retour is written)")
@click.command("retour")
@click.argument("declaration", type=click.Path(dir_okay=False))
@output_option("The Retourbericht to write (atomically).")
@click.option(
    "--to",
    "to",
    type=click.Choice(WRITE_FORMATS),
    default="xml",
    show_default=True,
    help="Format of the Retourbericht.",
)
@input_format_option("Format of the declaration; auto detects it from the content.")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Dagtekening of the retour (default: today).",
)
@click.option(
    "--message-id",
    default=None,
    help="BerichtIdentificatie of the retour [default: RET- and the declaration's].",
)
@db_option("--ledger", required=False)
@output_format_option("text for people; json: the retour's summary on stdout.")
@lang_option()
@quiet_option()
@limit_options
def command(
    declaration: str,
    output: str,
    to: str,
    fmt: str,
    day: datetime | None,
    message_id: str | None,
    url: str | None,
    output_format: str,
    lang: str,
    quiet: bool,
    **kwargs: Any,
) -> None:
    """Write the return message of DECLARATION: per line its return codes (0200 when clean)
    and the granted amount. The retour is written in every case; when the declaration could
    not be read (exit code 2) it rejects it with 0001 and says why. Its summary goes to
    stdout; the file's status to stderr. With --ledger the rules across messages
    (G001..G009) are applied too."""
    limits = limits_from(kwargs)
    summary = RetourSummary()
    with contextlib.ExitStack() as stack:
        ledger = stack.enter_context(opened(url)) if url else None
        records = answer_records(
            declaration,
            fmt=fmt,
            limits=limits,
            today=day.date() if day else None,
            message_id=message_id,
            summary=summary,
            more_rules=(lambda: ledger_issues(ledger, declaration, fmt, limits=limits))
            if ledger
            else None,
        )
        with atomic_output(output) as out:
            get_format(to).writer(records, out, RETOUR)
    if output_format == "json":
        data = {"output": output, **summary.__dict__}
        sys.stdout.buffer.write(json_bytes(data) + b"\n")
    else:
        click.echo(
            f"{summary.lines} {label('lines', lang)}, {summary.rejected_lines} "
            f"{label('rejected', lang)}; {label('message_codes', lang)} "
            f"{' '.join(summary.message_codes)}; {label('submitted', lang)} "
            f"{Money(summary.submitted).render(lang)}, {label('granted', lang)} "
            f"{Money(summary.granted).render(lang)}"
        )
        if summary.header_not_copied:
            click.echo(
                printable(f"{label('not_copied', lang)}: {', '.join(summary.header_not_copied)}")
            )
    if not quiet:
        click.echo(printable(f"{output}: written"), err=True)
    if summary.unreadable:  # the retour says so (0001); scripts see it as exit 2
        sys.exit(int(ExitCode.USAGE))
    clean = summary.rejected_lines == 0 and summary.message_codes == ["0200"]
    sys.exit(int(ExitCode.OK if clean else ExitCode.INVALID))
