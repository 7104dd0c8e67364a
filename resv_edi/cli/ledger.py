"""``resv-edi ledger``: the receiver's ledger of declarations and retours.

``init`` creates or migrates it, ``add`` records declarations (and their retours), ``check``
applies the rules across messages to a declaration, ``export`` and ``show`` read it out.
"""

from __future__ import annotations

import sys

import click
import orjson

from resv_edi.cli.ledger_options import db_option, opened
from resv_edi.cli.options import input_format_option, output_format_option
from resv_edi.errors import ExitCode
from resv_edi.ledger.export import FORMATS, write_export
from resv_edi.ledger.rules import ledger_issues
from resv_edi.ledger.schema import LATEST
from resv_edi.ledger.summary import summarise, summary_text
from resv_edi.source import atomic_output

#: how an add is reported: status -> Dutch word shown beside the English one
_STATUS_NL = {
    "added": "toegevoegd",
    "present": "al aanwezig",
    "conflict": "conflict",
    "refused": "geweigerd",
}


@click.group("ledger")
def command() -> None:
    """The receiver's ledger (grootboek): received declarations, the retours answered, and
    the checks across messages. SQLite file by default, PostgreSQL when shared."""


@command.command("init")
@db_option()
def init(url: str) -> None:
    """Create the ledger, or migrate it to the current schema. / Maak of migreer het grootboek."""
    with opened(url, create=True) as ledger:
        click.echo(f"{ledger.url}: ledger schema {LATEST} ready (grootboek gereed)")


@command.command("add")
@click.argument("declarations", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--retour",
    "retours",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A retour answering one of the declarations (or one already in the ledger); repeatable.",
)
@db_option()
@input_format_option()
def add(declarations: tuple[str, ...], retours: tuple[str, ...], url: str, fmt: str) -> None:
    """Add DECLARATIONS (and --retour files) to the ledger. The same message twice is
    recognised and not counted twice. Exit 0 when every file is added or present, 1 when one
    is refused or conflicts with a message in the ledger, 2 when the ledger is unreachable."""
    if not declarations and not retours:
        raise click.UsageError("give at least one declaration or --retour")
    worst = ExitCode.OK
    with opened(url) as ledger:
        jobs = [(p, ledger.add_declaration) for p in declarations]
        jobs += [(p, ledger.add_retour) for p in retours]
        for path, add_one in jobs:
            result = add_one(path, fmt)
            detail = f" ({result.reason})" if result.reason else ""
            click.echo(
                f"{path}: {result.kind} {result.message or '?'} {result.status} "
                f"({_STATUS_NL[result.status]}), {result.lines} lines{detail}"
            )
            for found in result.issues:
                click.echo(f"  {found}", err=True)
            if not result.ok:
                worst = ExitCode.INVALID
    sys.exit(int(worst))


@command.command("check")
@click.argument("declaration", type=click.Path(dir_okay=False))
@db_option()
@input_format_option()
@output_format_option()
def check(declaration: str, url: str, fmt: str, output_format: str) -> None:
    """Apply the ledger's rules across messages to DECLARATION (G001..G009). Exit 0 when
    none is broken, 1 when one is (or the declaration cannot be read: its errors are listed),
    2 when the ledger is unreachable."""
    with opened(url) as ledger:
        found = ledger_issues(ledger, declaration, fmt, reader_issues=True)
    if output_format == "json":
        payload = {"file": declaration, "issues": [i.as_dict() for i in found]}
        sys.stdout.buffer.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        for item in found:
            click.echo(str(item))
        click.echo(f"{declaration}: {len(found)} ledger issues (grootboekmeldingen)", err=True)
    sys.exit(int(ExitCode.INVALID if any(i.is_error for i in found) else ExitCode.OK))


@command.command("export")
@db_option()
@click.option("--to", "to", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option(
    "-o", "--output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
    help="Output file (written atomically); - for stdout.",
)  # fmt: skip
def export(url: str, to: str, output: str) -> None:
    """Export every line of the ledger with its message and retour outcome."""
    with opened(url) as ledger:
        if output == "-":
            count = write_export(ledger, sys.stdout.buffer, to)
        else:
            with atomic_output(output) as out:
                count = write_export(ledger, out, to)
    click.echo(f"{count} lines exported (regels geëxporteerd)", err=True)


@command.command("show")
@db_option()
@output_format_option()
def show(url: str, output_format: str) -> None:
    """Counts, and totals per year, sender, insurer and hoofdtaak."""
    with opened(url) as ledger:
        summary = summarise(ledger)
    if output_format == "json":
        sys.stdout.buffer.write(orjson.dumps(summary.as_dict(), option=orjson.OPT_INDENT_2) + b"\n")
    else:
        for line in summary_text(summary):
            click.echo(line)
