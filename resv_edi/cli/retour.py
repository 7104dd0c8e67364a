"""``resv-edi retour``: validate a declaration and write its Retourbericht."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime
from typing import Any

import click

from resv_edi.cli.ledger_options import db_option, opened
from resv_edi.cli.options import WRITE_FORMATS, input_format_option, limit_options, limits_from
from resv_edi.ledger.rules import ledger_issues
from resv_edi.retour.write import retour_exit_code, write_retour


@click.command("retour")
@click.argument("declaration", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--to",
    "to",
    type=click.Choice(WRITE_FORMATS),
    default="xml",
    show_default=True,
)
@input_format_option("Format of the declaration.")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Dagtekening of the retour (default: today).",
)
@click.option("--message-id", default=None, help="BerichtIdentificatie of the retour.")
@db_option("--ledger", required=False)
@limit_options
def command(
    declaration: str,
    output: str,
    to: str,
    fmt: str,
    day: datetime | None,
    message_id: str | None,
    url: str | None,
    **kwargs: Any,
) -> None:
    """Write the return message of DECLARATION: per line its return codes (0200 when clean)
    and the granted amount. Exit 0 when every line is accepted, 1 when any is rejected or the
    message has remarks, 2 when the declaration could not be read (its retour then rejects
    it with 0001 and says why); the retour is written in every case. With --ledger the rules
    across messages (G001..G009) are applied too."""
    limits = limits_from(kwargs)
    with contextlib.ExitStack() as stack:
        ledger = stack.enter_context(opened(url)) if url else None
        summary = write_retour(
            declaration,
            output,
            to,
            fmt=fmt,
            limits=limits,
            today=day.date() if day else None,
            message_id=message_id,
            more_rules=(lambda: ledger_issues(ledger, declaration, fmt, limits=limits))
            if ledger
            else None,
        )
    click.echo(
        f"{output}: {summary.lines} lines, {summary.rejected_lines} rejected, message codes "
        f"{' '.join(summary.message_codes)}; submitted {summary.submitted} granted "
        f"{summary.granted} (cents)",
        err=True,
    )
    sys.exit(int(retour_exit_code(summary)))  # 2 when unreadable: the retour says so (0001)
