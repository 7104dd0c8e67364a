"""``resv-edi lumpsum``: claim files -> lump-sum records or a draft declaration, atomically.

Only the fields the mapping allowlists are read; messages name file, line, record type and
field id, never a claim value. Any error in the claims stops the run before anything is
written (exit 1); an unusable mapping or unreadable file exits 2. Should anything still go
wrong inside (a bug), the command reports the exception's type and where it was raised, but
neither its message nor a traceback, which could repeat a claim value (exit 2).
"""

from __future__ import annotations

import sys
import traceback
from datetime import date
from pathlib import Path
from typing import Any

import click

from resv_edi.cli.options import (
    WRITE_FORMATS,
    exit_codes,
    lang_option,
    limit_options,
    limits_from,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.errors import ExitCode
from resv_edi.formats.registry import format_names
from resv_edi.lumpsum.draft import DraftError, DraftOptions
from resv_edi.lumpsum.mapping import PERIODS, MappingError, load_mapping
from resv_edi.lumpsum.run import run_lumpsum, save_lumpsum
from resv_edi.lumpsum.writers import RECORD_FORMATS
from resv_edi.output import OutputPathError
from resv_edi.privacy import redact
from resv_edi.reporting import text_lines
from resv_edi.standard.catalogue import render
from resv_edi.terminal import json_bytes, printable


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use CCYY-MM-DD") from None


@exit_codes("errors in the claims (nothing written), or the draft declaration is not possible")
@click.command("lumpsum")
@click.argument("claims", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--mapping", "mapping_name", required=True, help="Mapping name or TOML path.")
@output_option("The lump-sum records (or the draft declaration) to write, atomically.")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Choice(WRITE_FORMATS),
    help="Output format (records: csv, json, ndjson, xml; a draft declaration: any).",
)
@click.option("--period", type=click.Choice(PERIODS), help="Period granularity (mapping default).")
@click.option("--draft-declaration", is_flag=True, help="Write a draft RESV declaration.")
@click.option(
    "--prestatiesoort",
    type=click.Choice(["1", "2"]),
    default="1",
    show_default=True,
    help="Prestatiesoort of the draft declaration.",
)
@click.option("--sender", help="AGB code of the declaring party (draft).")
@click.option("--insurer", help="UZOVI of the insurer to declare to (draft; needed if several).")
@click.option("--commissioning", help="AGB of the commissioning provider (draft, prestatie 2).")
@click.option("--agreement", default="CONCEPT", show_default=True, help="Overeenkomst (draft).")
@click.option("--plan", default="CONCEPT", show_default=True, help="ResvPlan (draft).")
@click.option("--region", help="Werkgebied code (draft); default: the first of the list, warned.")
@click.option("--subcontract", help="OpdrachtOvereenkomst (draft, prestatie 2).")
@click.option("--date", "dagtekening", callback=_date, help="Dagtekening CCYY-MM-DD (draft).")
@click.option("--production", is_flag=True, help="Mark the draft P (production), not T.")
@output_format_option("text for people; json: the run's summary on stdout.")
@lang_option()
@quiet_option()
@limit_options
@click.pass_context
def command(ctx: click.Context, **kwargs: Any) -> None:
    """Sum the claim lines of CLAIMS that the mapping counts, per provider, insurer, period
    and hoofdtaak. Patient data (EI records 02/03, non-allowlisted fields) is never read."""
    try:
        _run(**kwargs)
    except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except OutputPathError:  # the output path given cannot be written: exit 2, with its path
        raise
    except Exception as exc:  # a bug: say where, never what (the message may hold a value)
        frames = traceback.extract_tb(exc.__traceback__)
        where = ", ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames[-3:])
        click.echo(
            f"internal error: {type(exc).__name__} at {where}; nothing written "
            "(the error's text is not shown: it may repeat a value from a claim file)",
            err=True,
        )
        sys.exit(int(ExitCode.USAGE))


def _run(
    claims: tuple[str, ...],
    mapping_name: str,
    output: str,
    to: str,
    period: str | None,
    draft_declaration: bool,
    prestatiesoort: str,
    sender: str | None,
    insurer: str | None,
    commissioning: str | None,
    agreement: str,
    plan: str,
    region: str | None,
    subcontract: str | None,
    dagtekening: date | None,
    production: bool,
    output_format: str,
    lang: str,
    quiet: bool,
    **kwargs: Any,
) -> None:
    limits = limits_from(kwargs)
    if draft_declaration:
        if not sender:
            raise click.UsageError("--draft-declaration needs --sender AGB")
        if to not in format_names():
            raise click.UsageError(f"a declaration is written as {', '.join(format_names())}")
    elif to not in RECORD_FORMATS:
        raise click.UsageError(
            f"lump-sum records are written as {', '.join(RECORD_FORMATS)}; "
            "use --draft-declaration for a declaration in ei"
        )
    try:
        mapping = load_mapping(mapping_name)
    except MappingError as exc:
        click.echo(f"mapping {redact(mapping_name)}: {redact(str(exc))}", err=True)
        sys.exit(int(ExitCode.USAGE))
    run = run_lumpsum(claims, mapping, period, limits=limits)
    if output_format == "text":
        for line in text_lines(list(run.issues), lang):
            click.echo(line)
    if run.failed:
        _summary(output_format, claims, run, None, output, to, lang)
        if not quiet:
            click.echo(printable(f"{output}: not written (errors in the claim files)"), err=True)
        sys.exit(int(run.exit_code))
    draft = None
    if draft_declaration:
        draft = DraftOptions(
            prestatiesoort=prestatiesoort,
            sender=sender or "",
            agreement=agreement,
            plan=plan,
            region=region,
            insurer=insurer,
            commissioning=commissioning,
            subcontract=subcontract,
            dagtekening=dagtekening or date.today(),
            production=production,
        )
    try:
        saved = save_lumpsum(run, output, to, draft)
    except (DraftError, ValueError) as exc:
        if draft is None:
            raise
        click.echo(f"draft declaration not possible: {redact(_short(exc))}", err=True)
        sys.exit(int(ExitCode.INVALID))
    if output_format == "text":
        for line in text_lines(list(saved.warnings), lang):
            click.echo(printable(line))
    _summary(output_format, claims, run, saved, output, to, lang)
    if not quiet:
        click.echo(printable(f"{output}: written"), err=True)
    sys.exit(int(ExitCode.OK))


def _summary(
    output_format: str,
    claims: tuple[str, ...],
    run: Any,
    saved: Any,
    output: str,
    to: str,
    lang: str,
) -> None:
    """What the run read and wrote, on stdout (text or JSON); never a claim value."""
    if output_format == "json":
        data = {
            "claim_files": len(claims),
            "service_lines": run.lines,
            "counted": run.counted,
            "mapping": run.mapping.name,
            "output": output if saved is not None else None,
            "to": to,
            "written": saved is not None,
            "issues": [i.as_dict(render(i, lang)) for i in run.issues],
        }
        sys.stdout.buffer.write(json_bytes(data) + b"\n")
    elif saved is not None:
        click.echo(
            printable(
                f"{len(claims)} claim files, {run.lines} service lines, {run.counted} counted "
                f"-> {output} ({to}, {saved.description})"
            )
        )


def _short(exc: Exception) -> str:
    """The first line of an error (pydantic errors hold the input; they are options here)."""
    return str(exc).splitlines()[0]
