"""``resv-edi retour``: validate a declaration and write its Retourbericht."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from resv_edi.cli.options import WRITE_FORMATS, input_format_option, limit_options, limits_from
from resv_edi.errors import ExitCode
from resv_edi.formats.registry import get_format
from resv_edi.model.messages import RETOUR
from resv_edi.retour.builder import RetourSummary, retour_records
from resv_edi.source import atomic_output
from resv_edi.terminal import printable


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
@limit_options
def command(
    declaration: str,
    output: str,
    to: str,
    fmt: str,
    day: datetime | None,
    message_id: str | None,
    **kwargs: Any,
) -> None:
    """Write the return message of DECLARATION: per line its return codes (0200 when clean)
    and the granted amount. Exit 0 when every line is accepted, 1 when any is rejected or the
    message has remarks, 2 when the declaration could not be read (its retour then rejects
    it with 0001 and says why); the retour is written in every case."""
    limits = limits_from(kwargs)
    summary = RetourSummary()
    records = retour_records(
        declaration,
        fmt=fmt,
        limits=limits,
        today=day.date() if day else None,
        message_id=message_id,
        summary=summary,
    )
    with atomic_output(output) as out:
        get_format(to).writer(records, out, RETOUR)
    click.echo(
        printable(
            f"{output}: {summary.lines} lines, {summary.rejected_lines} rejected, message "
            f"codes {' '.join(summary.message_codes)}; submitted {summary.submitted} granted "
            f"{summary.granted} (cents)"
        ),
        err=True,
    )
    if summary.unreadable:  # the retour says so (0001); scripts see it as exit 2
        sys.exit(int(ExitCode.USAGE))
    clean = summary.rejected_lines == 0 and summary.message_codes == ["0200"]
    sys.exit(int(ExitCode.OK if clean else ExitCode.INVALID))
