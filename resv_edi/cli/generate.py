"""``resv-edi generate``: valid synthetic declarations, or claim files of existing EI standards."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from resv_edi.cli.options import (
    WRITE_FORMATS,
    exit_codes,
    lang_option,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.generate.files import GenerateError, write_claim_file, write_declaration_file
from resv_edi.terminal import printable


@exit_codes("(not used by this command)")
@click.command("generate")
@click.option(
    "--records",
    "n",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Number of lines per file.",
)
@click.option(
    "--to",
    "to",
    type=click.Choice(WRITE_FORMATS),
    default=None,
    help="Format of the declaration [default: xml].",
)
@click.option("--format", "old_format", type=click.Choice(WRITE_FORMATS), hidden=True)
@output_option(
    "The file to write; with --files N above 1 the directory for the N files "
    "(declaratie-001.xml, ...)."
)
@click.option(
    "--files",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Write N files in one call, each from its own seed (seed, seed+1, ...): distinct "
    "messages.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the synthetic data; the same seed gives the same file.",
)
@click.option(
    "--prestatiesoort",
    type=click.Choice(["1", "2"]),
    default="1",
    show_default=True,
    help="1: resv-hoofdtaken to an insurer; 2: onderlinge dienstverlening.",
)
@click.option(
    "--year",
    type=click.IntRange(2027, 2031),
    default=2027,
    show_default=True,
    help="Year of the lines' periods.",
)
@click.option(
    "--standard",
    default=None,
    help="Write a claim file of an existing EI standard instead (e.g. HA304), dated in the "
    "first quarter of --year [default: none, a RESV declaration].",
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
    "(e.g. ha304_oi), so that `resv-edi lumpsum` counts the lines [default: none].",
)
@output_format_option("text for people; json: what was written, on stdout.")
@lang_option()
@quiet_option()
def command(
    n: int,
    to: str | None,
    old_format: str | None,
    output: str,
    files: int,
    seed: int,
    prestatiesoort: str,
    year: int,
    standard: str | None,
    standard_version: str | None,
    mapping: str | None,
    output_format: str,
    lang: str,
    quiet: bool,
) -> None:
    """Write valid synthetic messages (both prestaties, credits, all hoofdtaken), or claim
    files of an existing EI standard (--standard). What was written goes to stdout (a line
    per file, or JSON); the files' status to stderr."""
    if standard_version and not standard:
        raise click.UsageError("--standard-version goes with --standard")
    if old_format is not None:
        if to is not None and to != old_format:
            raise click.UsageError("--format is the old name of --to: give one of them")
        click.echo("resv-edi generate: --format is deprecated; use --to", err=True)
    fmt = to or old_format or "xml"
    targets = _targets(output, files, "asc" if standard else fmt)
    done: list[dict[str, object]] = []
    try:
        for number, target in enumerate(targets):
            if standard:
                claims = write_claim_file(
                    target,
                    standard,
                    n,
                    version=standard_version,
                    seed=seed + number,
                    year=year,
                    mapping=mapping,
                )
                done.append({"output": target, "text": claims.text(), "lines": claims.lines})
            else:
                written = write_declaration_file(
                    target, fmt, n, seed=seed + number, prestatiesoort=prestatiesoort, year=year
                )
                text = f"{written.lines} lines ({fmt})"
                done.append({"output": target, "text": text, "lines": written.lines})
            if not quiet:
                click.echo(printable(f"{target}: written"), err=True)
    except GenerateError as exc:
        raise click.UsageError(str(exc)) from None
    if output_format == "json":
        sys.stdout.buffer.write(orjson.dumps({"files": done}, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        for item in done:
            click.echo(printable(f"{item['output']}: {item['text']}"))


def _targets(output: str, files: int, suffix: str) -> list[str]:
    """The file to write, or ``files`` numbered files in the directory ``output``."""
    if files == 1:
        if Path(output).is_dir():
            raise click.BadParameter(f"{output!r} is a directory", param_hint="'-o' / '--output'")
        return [output]
    if Path(output).exists() and not Path(output).is_dir():
        raise click.BadParameter(
            f"{output!r} is a file; --files {files} needs a directory",
            param_hint="'-o' / '--output'",
        )
    width = max(3, len(str(files)))
    return [str(Path(output) / f"declaratie-{i:0{width}d}.{suffix}") for i in range(1, files + 1)]
