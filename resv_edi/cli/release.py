"""``resv-edi release``: write the reproducible release bundle of the standard."""

from __future__ import annotations

import sys
import zipfile

import click

from resv_edi.cli.options import (
    exit_codes,
    lang_option,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.cli.words import echo_json, say
from resv_edi.conformance.release import build_release, verify_release
from resv_edi.errors import ExitCode
from resv_edi.terminal import printable


@exit_codes("with --verify: the bundle differs from its manifest")
@click.command("release")
@output_option(
    "Folder to write the bundle to [default: none; give -o or --verify].",
    required=False,
    directory=True,
)
@click.option("--output-dir", hidden=True, help="Deprecated: use -o/--output.")
@click.option(
    "--verify",
    "bundle",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Check a bundle against its manifest instead. / Controleer een bundel.",
)
@output_format_option("text for people; json: the bundle and its status on stdout.")
@lang_option()
@quiet_option()
def command(
    output: str | None,
    output_dir: str | None,
    bundle: str | None,
    output_format: str,
    lang: str,
    quiet: bool,
) -> None:
    """Write resv-standaard-<version>.zip to OUTPUT: XSDs, JSON Schemas, code lists,
    rule catalogue, EI layouts, the standard as HTML, the conformance scenarios and a
    manifest with SHA-256 checksums. Built twice, it is byte-identical. / Schrijf de
    releasebundel van de standaard (reproduceerbaar, met manifest en checksums).

    The bundle's path (or with --verify its differences) goes to stdout, the status
    (written; valid or invalid) to stderr."""
    if output_dir is not None:
        click.echo(
            f"resv-edi: {say('deprecated', lang, old='--output-dir', new='-o/--output')}", err=True
        )
        output = output if output is not None else output_dir
    if bundle:
        _verify(bundle, output_format, lang, quiet)
    if output is None:
        raise click.UsageError(say("give_output", lang))
    try:
        path = build_release(output)
    except ValueError as exc:  # no release date
        raise click.UsageError(str(exc)) from exc
    except OSError as exc:  # an output folder that cannot be written
        raise click.UsageError(f"{exc.filename or output}: {exc.strerror or exc}") from exc
    if output_format == "json":
        echo_json({"bundle": str(path), "status": "written"})
    else:
        click.echo(str(path))
    if not quiet:
        click.echo(printable(f"{path}: written"), err=True)


def _verify(bundle: str, output_format: str, lang: str, quiet: bool) -> None:
    """Check ``bundle`` against its manifest and exit (0 valid, 1 invalid, 2 not a bundle)."""
    try:
        problems = verify_release(bundle)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise click.UsageError(f"{bundle}: {say('not_a_bundle', lang)} ({exc})") from exc
    status = "invalid" if problems else "valid"
    if output_format == "json":
        echo_json({"bundle": bundle, "status": status, "problems": problems})
    else:
        for problem in problems:
            click.echo(printable(f"{bundle}: {problem}"))
    if not quiet:
        verdict = say("bundle_differs" if problems else "bundle_ok", lang)
        click.echo(printable(f"{bundle}: {status} ({verdict})"), err=True)
    sys.exit(int(ExitCode.INVALID if problems else ExitCode.OK))
