"""``resv-edi validate``: check files against the XSD-level schema and the rule catalogue."""

from __future__ import annotations

import sys
from typing import Any

import click
import orjson

from resv_edi.api import check_file
from resv_edi.cli.options import READ_FORMATS, limit_options, limits_from
from resv_edi.reporting import summary_line, text_line, worst_exit


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(READ_FORMATS),
    default="auto",
    show_default=True,
    help="Input format; auto detects it from the content.",
)
@click.option(
    "--output-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
@limit_options
def command(files: tuple[str, ...], fmt: str, output_format: str, **kwargs: Any) -> None:
    """Validate declaration and return messages.

    Exit code 0: all valid; 1: errors found; 2: unreadable, unsafe, or a usage error.
    """
    limits = limits_from(kwargs)
    reports = []
    for path in files:
        report = check_file(path, fmt, limits=limits)
        reports.append(report)
        if output_format == "text":
            for item in report.issues:
                click.echo(text_line(item))
            click.echo(summary_line(report), err=True)
    if output_format == "json":
        payload = {"files": [r.as_dict() for r in reports], "exit_code": int(worst_exit(reports))}
        sys.stdout.buffer.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")
    sys.exit(int(worst_exit(reports)))
