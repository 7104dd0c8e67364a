"""``resv-edi overlap``: RESV declarations beside overlapping claims; flags double funding.

Exit 0 when no rule flags anything, 1 when flags were raised or an input had errors (the
output is still written when the inputs were readable), 2 on usage errors and when a
declaration cannot be read at all (nothing is written then: an unread declaration would
look like one without overlap).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from resv_edi.cli.options import limit_options, limits_from
from resv_edi.errors import ExitCode
from resv_edi.lumpsum.mapping import PERIODS, Mapping, MappingError, load_mapping, mapping_names
from resv_edi.lumpsum.overlap import iter_flags
from resv_edi.lumpsum.run import run_overlap, save_overlap
from resv_edi.privacy import redact
from resv_edi.reporting import text_line


class _ListOptionsCommand(click.Command):
    """Lets ``--declarations`` and ``--claims`` take several files each, as in
    ``--declarations D1 D2 --claims C1 C2``, besides repeating the option."""

    list_options = ("--declarations", "--claims")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        spread: list[str] = []
        current: str | None = None
        has_value = False
        for token in args:
            if token.startswith("-") and token != "-":
                name, eq, _ = token.partition("=")
                current = name if name in self.list_options else None
                has_value = bool(eq)
            elif current is not None:
                if has_value:
                    spread.append(current)
                has_value = True
            spread.append(token)
        return super().parse_args(ctx, spread)


@click.command("overlap", cls=_ListOptionsCommand)
@click.option(
    "--declarations",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False),
    help="RESV declaration files (any format): --declarations D1 D2 ... or repeat the option.",
)
@click.option(
    "--claims",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False),
    help="EI claim files: --claims C1 C2 ... or repeat the option.",
)
@click.option(
    "--mapping",
    "mappings",
    multiple=True,
    help="Lump-sum mapping (name or path); default: every shipped mapping of each file's standard.",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option("--to", "to", type=click.Choice(["json", "csv"]), help="Default: from the suffix.")
@click.option("--period", type=click.Choice(PERIODS), default="quarter", show_default=True)
@click.option("--rules", type=click.Path(dir_okay=False), help="Rules file (default shipped).")
@click.option("--lang", type=click.Choice(["en", "nl"]), default="en", show_default=True)
@limit_options
def command(
    declarations: tuple[str, ...],
    claims: tuple[str, ...],
    mappings: tuple[str, ...],
    output: str,
    to: str | None,
    period: str,
    rules: str | None,
    lang: str,
    **kwargs: Any,
) -> None:
    """Put the amounts declared per RESV hoofdtaak beside the claims the lump-sum mappings
    count, per provider, insurer and period, and flag overlaps (mappings/overlap/rules.toml)."""
    limits = limits_from(kwargs)
    fmt = to or Path(output).suffix.lstrip(".").lower()
    if fmt not in ("json", "csv"):
        raise click.UsageError("write the overlap as .json or .csv (or give --to)")
    try:
        chosen: list[Mapping] = [load_mapping(n) for n in (mappings or mapping_names())]
    except MappingError as exc:
        click.echo(redact(str(exc)), err=True)
        sys.exit(int(ExitCode.USAGE))
    run = run_overlap(declarations, claims, chosen, period, rules=rules, limits=limits)
    for path in run.unreadable:
        click.echo(f"{path}: fatal F001: the claim file cannot be read; nothing written", err=True)
    if run.unreadable:  # an unread claim file would make "no overlap" look true
        sys.exit(int(ExitCode.USAGE))
    for item in run.claim_issues:
        click.echo(text_line(item), err=True)
    for path in run.unmapped:
        click.echo(f"{path}: no mapping for this claim file; skipped", err=True)
    for item in run.declaration_issues:
        click.echo(text_line(item), err=True)
    if run.result is None:
        # a declaration that cannot be read (or is unsafe) would make "no overlap" look true
        click.echo("a declaration could not be read; nothing written", err=True)
        sys.exit(int(ExitCode.USAGE))
    save_overlap(run.result, output, fmt)
    for line in iter_flags(run.result, lang):
        click.echo(line, err=True)
    click.echo(f"{len(run.result.rows)} rows, {len(run.result.flags)} flags -> {output}", err=True)
    sys.exit(int(run.exit_code))
