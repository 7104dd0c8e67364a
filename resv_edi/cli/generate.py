"""``resv-edi generate``: valid synthetic declarations, or claim files of existing EI standards."""

from __future__ import annotations

import click

from resv_edi.cli.options import WRITE_FORMATS
from resv_edi.generate.files import GenerateError, write_claim_file, write_declaration_file


@click.command("generate")
@click.option(
    "--records",
    "n",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Number of lines.",
)
@click.option("--format", "fmt", type=click.Choice(WRITE_FORMATS), default="xml", show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--prestatiesoort",
    type=click.Choice(["1", "2"]),
    default="1",
    show_default=True,
    help="1: resv-hoofdtaken to an insurer; 2: onderlinge dienstverlening.",
)
@click.option("--year", type=click.IntRange(2027, 2031), default=2027, show_default=True)
@click.option(
    "--standard",
    default=None,
    help="Write a claim file of an existing EI standard instead (e.g. HA304), dated in the "
    "first quarter of --year.",
)
@click.option(
    "--standard-version",
    default=None,
    help="With --standard: the version of its layout (e.g. 7.2 for AP304); default the latest.",
)
@click.option(
    "--mapping",
    default=None,
    help="With --standard: draw the prestatiecodes from this lump-sum mapping's code list "
    "(e.g. ha304_oi), so that `resv-edi lumpsum` counts the lines.",
)
def command(
    n: int,
    fmt: str,
    output: str,
    seed: int,
    prestatiesoort: str,
    year: int,
    standard: str | None,
    standard_version: str | None,
    mapping: str | None,
) -> None:
    """Write a valid synthetic message (both prestaties, credits, all hoofdtaken)."""
    if standard_version and not standard:
        raise click.UsageError("--standard-version goes with --standard")
    try:
        if standard:
            claims = write_claim_file(
                output,
                standard,
                n,
                version=standard_version,
                seed=seed,
                year=year,
                mapping=mapping,
            )
            click.echo(f"{output}: {claims.text()}", err=True)
            return
        written = write_declaration_file(
            output, fmt, n, seed=seed, prestatiesoort=prestatiesoort, year=year
        )
    except GenerateError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"{output}: {written.lines} lines ({fmt})", err=True)
