"""``resv-edi release``: write the reproducible release bundle of the standard."""

from __future__ import annotations

import sys
import zipfile

import click

from resv_edi.conformance.release import build_release, verify_release
from resv_edi.errors import ExitCode


@click.command("release")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), default=None)
@click.option(
    "--verify",
    "bundle",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Check a bundle against its manifest instead. / Controleer een bundel.",
)
def command(output_dir: str | None, bundle: str | None) -> None:
    """Write resv-standaard-<version>.zip to OUTPUT_DIR: XSDs, JSON Schemas, code lists,
    rule catalogue, EI layouts, the standard as HTML, the conformance scenarios and a
    manifest with SHA-256 checksums. Built twice, it is byte-identical. / Schrijf de
    releasebundel van de standaard (reproduceerbaar, met manifest en checksums)."""
    if bundle:
        try:
            problems = verify_release(bundle)
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise click.UsageError(f"{bundle}: geen releasebundel / not a bundle ({exc})") from exc
        for problem in problems:
            click.echo(f"{bundle}: {problem}")
        click.echo(
            f"{bundle}: {'in orde / ok' if not problems else 'afwijkend / differs'}", err=True
        )
        sys.exit(int(ExitCode.INVALID if problems else ExitCode.OK))
    if output_dir is None:
        raise click.UsageError("geef -o DIR of --verify BUNDEL / give -o DIR or --verify FILE")
    try:
        path = build_release(output_dir)
    except ValueError as exc:  # no release date
        raise click.UsageError(str(exc)) from exc
    except OSError as exc:  # an output folder that cannot be written
        raise click.UsageError(f"{exc.filename or output_dir}: {exc.strerror or exc}") from exc
    click.echo(str(path))
