"""``resv-edi overlap``: RESV declarations beside overlapping claims; flags double funding.

Exit 0 when no rule flags anything, 1 when flags were raised (overlap found) or an input had
errors (the output is still written when the inputs were readable), 2 on usage errors and when
a declaration cannot be read at all (nothing is written then: an unread declaration would look
like one without overlap).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from resv_edi.cli.options import (
    exit_codes,
    lang_option,
    limit_options,
    limits_from,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.errors import ExitCode
from resv_edi.lumpsum.mapping import PERIODS, Mapping, MappingError, load_mapping, mapping_names
from resv_edi.lumpsum.overlap import RulesError, iter_flags
from resv_edi.lumpsum.run import run_overlap, save_overlap
from resv_edi.privacy import redact
from resv_edi.reporting import text_lines
from resv_edi.terminal import json_bytes, printable


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


@exit_codes("overlap found (flags raised), or an input had errors (the output is written)")
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
@output_option("The overlap table to write (.json or .csv), atomically.")
@click.option(
    "--to",
    "to",
    type=click.Choice(["json", "csv"]),
    help="Format of the table [default: from the suffix of -o].",
)
@click.option(
    "--period",
    type=click.Choice(PERIODS),
    default="quarter",
    show_default=True,
    help="Period over which declarations and claims are compared.",
)
@click.option("--rules", type=click.Path(dir_okay=False), help="Rules file (default shipped).")
@output_format_option("text for people; json: the flags and counts on stdout.")
@lang_option()
@quiet_option()
@limit_options
def command(
    declarations: tuple[str, ...],
    claims: tuple[str, ...],
    mappings: tuple[str, ...],
    output: str,
    to: str | None,
    period: str,
    rules: str | None,
    output_format: str,
    lang: str,
    quiet: bool,
    **kwargs: Any,
) -> None:
    """Put the amounts declared per RESV hoofdtaak beside the claims the lump-sum mappings
    count, per provider, insurer and period, and flag overlaps (mappings/overlap/rules.toml).
    Issues and flags go to stdout; the output's status to stderr."""
    limits = limits_from(kwargs)
    fmt = to or Path(output).suffix.lstrip(".").lower()
    if fmt not in ("json", "csv"):
        raise click.UsageError("write the overlap as .json or .csv (or give --to)")
    try:
        chosen: list[Mapping] = [load_mapping(n) for n in (mappings or mapping_names())]
    except MappingError as exc:
        click.echo(redact(str(exc)), err=True)
        sys.exit(int(ExitCode.USAGE))
    try:
        run = run_overlap(declarations, claims, chosen, period, rules=rules, limits=limits)
    except RulesError as exc:
        raise click.UsageError(f"--rules: {printable(str(exc))}") from exc
    for path in run.unreadable:
        click.echo(
            printable(f"{path}: fatal F001: the claim file cannot be read; nothing written"),
            err=True,
        )
    if run.unreadable:  # an unread claim file would make "no overlap" look true
        sys.exit(int(ExitCode.USAGE))
    for line in text_lines(list(run.claim_issues), lang):
        click.echo(line)
    for path in run.unmapped:
        click.echo(printable(f"{path}: skipped (no mapping for this claim file)"), err=True)
    for line in text_lines(list(run.declaration_issues), lang):
        click.echo(line)
    if run.result is None:
        # a declaration that cannot be read (or is unsafe) would make "no overlap" look true
        click.echo("a declaration could not be read; nothing written", err=True)
        sys.exit(int(ExitCode.USAGE))
    save_overlap(run.result, output, fmt)
    if output_format == "json":
        data = {
            "output": output,
            "rows": len(run.result.rows),
            "flags": list(iter_flags(run.result, lang)),
            "exit_code": int(run.exit_code),
        }
        sys.stdout.buffer.write(json_bytes(data) + b"\n")
    else:
        for line in iter_flags(run.result, lang):
            click.echo(printable(line))
        click.echo(printable(f"{len(run.result.rows)} rows, {len(run.result.flags)} flags"))
    if not quiet:
        click.echo(printable(f"{output}: written"), err=True)
    sys.exit(int(run.exit_code))
