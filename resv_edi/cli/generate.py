"""``resv-edi generate``: valid synthetic declarations, or claim files of existing EI standards."""

from __future__ import annotations

from datetime import date

import click

from resv_edi.cli.options import WRITE_FORMATS
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE
from resv_edi.source import atomic_output


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
    if standard:
        from resv_edi.formats.ei.resv import is_resv_layout
        from resv_edi.generate.claims import generate_claims
        from resv_edi.vektis.layout import load_layout

        try:
            layout = load_layout(standard, standard_version)
        except (KeyError, ValueError):
            wanted = f"{standard} {standard_version or ''}".strip()
            raise click.UsageError(f"no EI layout for {wanted} in mappings/ei") from None
        if is_resv_layout(layout) is not None:
            raise click.UsageError(
                f"{layout.name} is the EI form of this standard, not a claim file: "
                "use --format ei (without --standard)"
            )
        try:
            codes = _mapping_codes(mapping, date(year, 1, 1)) if mapping else None
            with atomic_output(output) as out:
                summary = generate_claims(
                    standard,
                    n,
                    out,
                    seed=seed,
                    codes=codes,
                    version=standard_version,
                    period=(date(year, 1, 1), date(year, 3, 31)),
                )
        except (KeyError, ValueError) as exc:  # unknown standard, or more than its fields hold
            raise click.UsageError(f"cannot generate {n} lines of {standard}: {exc}") from None
        click.echo(f"{output}: {standard} claim file, {summary}", err=True)
        return
    writer = get_format(fmt).writer
    records = generate_declaration(n, seed=seed, prestatiesoort=prestatiesoort, year=year)
    try:
        with atomic_output(output) as out:
            lines = writer(records, out, DECLARATIE)
    except ValueError as exc:  # e.g. a total beyond the EI field width
        raise click.UsageError(f"cannot write {n} lines as {fmt}: {exc}") from None
    click.echo(f"{output}: {lines} lines ({fmt})", err=True)


def _mapping_codes(name: str, day: date) -> list[str]:
    """The source codes a lump-sum mapping counts on ``day``."""
    from resv_edi.lumpsum.mapping import load_mapping

    codes = [c.code for c in load_mapping(name).codes.codes.values() if c.valid_on(day)]
    if not codes:
        raise ValueError(f"mapping {name} counts no codes on {day}")
    return codes
