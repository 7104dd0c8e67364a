"""``resv-edi agreements``: the agreement register of a ledger (overeenkomstenregister)."""

from __future__ import annotations

import sys

import click
import orjson

from resv_edi.cli.ledger_options import db_option, opened
from resv_edi.errors import ExitCode
from resv_edi.ledger import LedgerError
from resv_edi.ledger.agreements import agreement_schema, import_agreements


@click.group("agreements")
def command() -> None:
    """The written agreements declaration lines must rest on (BR/REG-27110 art. 4.1)."""


@command.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option()
def import_(file: str, url: str) -> None:
    """Import the register FILE (.csv or .json; see docs/ledger.md). All rows or none: a file
    with a bad row changes nothing (exit 1). An agreement imported again is replaced."""
    with opened(url) as ledger:
        try:
            result = import_agreements(ledger.db, file)
        except LedgerError as exc:
            click.echo(f"resv-edi: {exc}", err=True)
            sys.exit(int(ExitCode.USAGE))
    for error in result.errors:
        click.echo(error, err=True)
    if result.errors:
        click.echo(f"{file}: nothing imported (niets geïmporteerd)", err=True)
        sys.exit(int(ExitCode.INVALID))
    click.echo(
        f"{file}: {result.imported} agreements imported, {result.replaced} replaced "
        f"({result.imported} overeenkomsten geïmporteerd)"
    )


@command.command("schema")
def schema() -> None:
    """Print the JSON Schema of a JSON agreement register."""
    sys.stdout.buffer.write(orjson.dumps(agreement_schema(), option=orjson.OPT_INDENT_2) + b"\n")
