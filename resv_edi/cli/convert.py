"""``resv-edi convert``: one format to another, through the model, written atomically."""

from __future__ import annotations

import sys
from typing import Any

import click

from resv_edi.api import convert
from resv_edi.cli.options import READ_FORMATS, WRITE_FORMATS, limit_options, limits_from
from resv_edi.errors import ExitCode, Severity
from resv_edi.reporting import text_line


@click.command("convert")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Output file; written only when the whole conversion succeeds.",
)
@click.option("--to", "to", required=True, type=click.Choice(WRITE_FORMATS), help="Output format.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(READ_FORMATS),
    default="auto",
    show_default=True,
    help="Input format; auto detects it from the content.",
)
@limit_options
def command(source: str, output: str, to: str, fmt: str, **kwargs: Any) -> None:
    """Convert a message to another format. The input is validated on the way; on any
    error nothing is written and the exit code is 1 (2 when the input is unreadable)."""
    limits = limits_from(kwargs)
    result = convert(
        source, output, to, fmt=fmt, limits=limits, max_errors=limits.max_errors or 100
    )
    for item in result.issues:
        click.echo(text_line(item), err=True)
    if result.written:
        click.echo(f"{source} -> {output} ({to}, {result.lines} lines)", err=True)
        sys.exit(int(ExitCode.OK))
    fatal = any(i.severity is Severity.FATAL for i in result.issues)
    click.echo(f"{source}: not converted, {len(result.issues)} errors", err=True)
    sys.exit(int(ExitCode.USAGE if fatal else ExitCode.INVALID))
