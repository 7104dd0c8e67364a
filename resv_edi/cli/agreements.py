"""``resv-edi agreements``: the agreement register of a ledger (overeenkomstenregister)."""

from __future__ import annotations

import sys

import click
import orjson

from resv_edi.cli.ledger_options import db_option, opened
from resv_edi.cli.options import (
    exit_codes,
    lang_option,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.cli.words import echo_json, say
from resv_edi.errors import ExitCode
from resv_edi.ledger import LedgerError
from resv_edi.ledger.agreements import agreement_schema, import_agreements
from resv_edi.source import atomic_output
from resv_edi.terminal import printable


@exit_codes("a subcommand found a problem (see its --help)")
@click.group("agreements")
def command() -> None:
    """The written agreements declaration lines must rest on (BR/REG-27110 art. 4.1)."""


@exit_codes("the register has a bad row: nothing is imported")
@command.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option()
@output_format_option("text for people; json: the counts and errors on stdout.")
@lang_option()
@quiet_option()
def import_(file: str, url: str, output_format: str, lang: str, quiet: bool) -> None:
    """Import the register FILE (.csv or .json; see docs/ledger.md). All rows or none: a file
    with a bad row changes nothing (exit 1). An agreement imported again is replaced. The
    counts and the bad rows go to stdout, the status (written, invalid) to stderr."""
    with opened(url) as ledger:
        try:
            result = import_agreements(ledger.db, file)
        except LedgerError as exc:
            click.echo(f"resv-edi: {file}: unreadable ({exc})", err=True)
            sys.exit(int(ExitCode.USAGE))
    code = ExitCode.INVALID if result.errors else ExitCode.OK
    if output_format == "json":
        echo_json(
            {
                "file": file,
                "imported": 0 if result.errors else result.imported,
                "replaced": 0 if result.errors else result.replaced,
                "errors": result.errors,
                "exit_code": int(code),
            }
        )
    elif result.errors:
        for error in result.errors:
            click.echo(error)
        click.echo(say("agreements_refused", lang, file=file))
    else:
        counts = {"imported": result.imported, "replaced": result.replaced}
        click.echo(say("agreements_imported", lang, file=file, **counts))
    if not quiet:
        click.echo(printable(f"{file}: {'invalid' if result.errors else 'written'}"), err=True)
    sys.exit(int(code))


@exit_codes("(not used by this command)")
@command.command("schema")
@output_option("File to write the schema to [default: none; stdout].", required=False)
@lang_option()
@quiet_option()
def schema(output: str | None, lang: str, quiet: bool) -> None:
    """Print the JSON Schema of a JSON agreement register (or write it to -o)."""
    data = orjson.dumps(agreement_schema(), option=orjson.OPT_INDENT_2) + b"\n"
    if output is None:
        sys.stdout.buffer.write(data)
        return
    with atomic_output(output) as out:
        out.write(data)
    if not quiet:
        click.echo(printable(f"{output}: written"), err=True)
