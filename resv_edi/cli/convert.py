"""``resv-edi convert``: one format to another, through the model, written atomically.

One SOURCE converts to the file ``-o OUTPUT``. Several sources, a directory or a glob convert
into the directory ``-o DIR`` (relative paths kept, suffix of the target format), in parallel
(``--jobs``); the work is done by :mod:`resv_edi.batch`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from resv_edi.batch import convert_batch
from resv_edi.batch.options import batch_options, check_engine
from resv_edi.batch.plan import PlanError, expand, file_size, is_batch_argument
from resv_edi.batch.progress import BatchProgress, should_show
from resv_edi.batch.results import FileConversion, FileResult
from resv_edi.batch.summary import Summary
from resv_edi.batch.tasks import convert_file
from resv_edi.cli.options import (
    WRITE_FORMATS,
    exit_codes,
    input_format_option,
    lang_option,
    limit_options,
    limits_from,
    output_format_option,
)
from resv_edi.limits import Limits
from resv_edi.terminal import json_bytes, printable


@exit_codes("a file is invalid (nothing written for it), or some files are unreadable")
@click.command("convert")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="Output file; written only when the whole conversion succeeds. For several "
    "sources, a directory or a glob: the output directory.",
)
@click.option("--to", "to", required=True, type=click.Choice(WRITE_FORMATS), help="Output format.")
@input_format_option()
@output_format_option("text for people; json: one machine-readable summary on stdout.")
@click.option(
    "--skip-existing",
    is_flag=True,
    help="Leave inputs whose output exists already (resume an interrupted batch).",
)
@lang_option()
@batch_options
@limit_options
def command(
    sources: tuple[str, ...],
    output: str,
    to: str,
    fmt: str,
    output_format: str,
    skip_existing: bool,
    lang: str,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    quiet: bool,
    **kwargs: Any,
) -> None:
    """Convert messages to another format. The input is validated on the way; on any error
    nothing is written for that file and its issues are reported (stdout); the status of each
    file (written, invalid, unreadable, skipped) goes to stderr."""
    limits = limits_from(kwargs)
    timeout: float = kwargs.pop("timeout")
    check_engine(engine, scheduler)
    if output == "-" and output_format == "json":
        raise click.UsageError("-o - writes the message to stdout; --output-format json too")
    if len(sources) == 1 and not is_batch_argument(sources[0]):
        _single(sources[0], output, to, fmt, output_format, skip_existing, limits, lang, quiet)
        return
    if os.path.exists(output) and not os.path.isdir(output):
        raise click.BadParameter(
            f"{output!r} is a file; several sources need an output directory",
            param_hint="'-o' / '--output'",
        )
    inputs = expand(sources)
    if not inputs:
        raise click.UsageError(
            "no files: the folders and patterns given hold no files / geen bestanden gevonden"
        )
    sizes = {item.path: file_size(item.path) for item in inputs}
    show = should_show(quiet)
    with BatchProgress(len(inputs), sum(sizes.values()), show=show, label="convert") as bar:

        def shown(result: FileResult) -> None:
            if output_format == "text":
                for line in result.text:
                    bar.echo(line)
                if not quiet:
                    bar.echo(result.summary_line, err=True)
            bar.advance(result, sizes.get(result.file, 0))

        try:
            results, summary = convert_batch(
                sources,
                output,
                to,
                fmt=fmt,
                limits=limits,
                jobs=jobs,
                engine=engine,
                scheduler=scheduler,
                skip_existing=skip_existing,
                on_result=shown,
                inputs=inputs,
                lang=lang,
                timeout=timeout,
            )
        except PlanError as exc:
            raise click.UsageError(printable(str(exc))) from exc
        except OSError as exc:  # e.g. a Dask scheduler that cannot be reached
            raise click.UsageError(printable(f"{engine} engine: {exc}")) from exc
    _finish(results, summary, output_format, batch=not quiet)


def _single(
    source: str,
    output: str,
    to: str,
    fmt: str,
    output_format: str,
    skip_existing: bool,
    limits: Limits,
    lang: str,
    quiet: bool,
) -> None:
    """One file to one file, in this process."""
    if os.path.isdir(output):
        raise click.BadParameter(f"File {output!r} is a directory.", param_hint="'-o' / '--output'")
    result = convert_file(source, output, to, fmt, limits, lang, skip_existing)
    if output_format == "text":
        for line in result.text:
            click.echo(line)
        if not quiet:
            click.echo(result.summary_line, err=True)
    summary = Summary()
    summary.add(result)
    summary.seconds = result.seconds
    _finish([result], summary, output_format, batch=False)


def _finish(
    results: list[FileConversion], summary: Summary, output_format: str, *, batch: bool
) -> None:
    if output_format == "json":
        payload = {
            "files": [r.as_dict() for r in results],
            "summary": summary.as_dict(),
            "exit_code": summary.exit_code,
        }
        sys.stdout.buffer.write(json_bytes(payload))
    elif batch:
        click.echo(summary.text(), err=True)
    sys.exit(summary.exit_code)
