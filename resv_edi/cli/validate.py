"""``resv-edi validate``: check files against the XSD-level schema and the rule catalogue.

Files, directories and globs; several files run in parallel (``--jobs``), large NDJSON, EI and
XML files in chunks (``--split``). The work is done by :mod:`resv_edi.batch`.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from resv_edi.batch import validate_batch
from resv_edi.batch.options import batch_options, check_engine
from resv_edi.batch.payload import validation_payload
from resv_edi.batch.plan import expand, file_size, is_batch_argument
from resv_edi.batch.progress import BatchProgress, should_show
from resv_edi.batch.results import FileResult
from resv_edi.batch.split_sizes import split_sizes_text
from resv_edi.cli.ledger_options import db_option, ledger_validator
from resv_edi.cli.options import (
    exit_codes,
    input_format_option,
    lang_option,
    limit_options,
    limits_from,
    output_format_option,
)
from resv_edi.terminal import json_bytes, printable


@exit_codes("errors found, or some files unreadable or unsafe (2 when none could be read)")
@click.command("validate")
@click.argument("files", nargs=-1, required=True)
@input_format_option()
@output_format_option()
@click.option(
    "--split",
    type=click.IntRange(min=0),
    default=None,
    help="Validate each NDJSON, EI or XML file in N chunks in parallel (default 0: never). "
    f"Faster on idle cores, for files of at least {split_sizes_text()}; smaller files stay "
    "whole. Uses a private temporary folder, removed afterwards. / "
    "Valideer NDJSON-, EI- en XML-bestanden vanaf die grootte in N delen tegelijk (sneller "
    "op vrije kernen); kleinere blijven heel. Gebruikt een eigen tijdelijke map, die "
    "daarna wordt verwijderd.",
)
@db_option("--ledger", required=False)
@lang_option()
@batch_options
@limit_options
def command(
    files: tuple[str, ...],
    fmt: str,
    output_format: str,
    lang: str,
    split: int | None,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    quiet: bool,
    url: str | None,
    **kwargs: Any,
) -> None:
    """Validate declaration and return messages: FILES are files, directories or globs.

    Exit code 0: all valid; 1: errors found, or some files unreadable or unsafe; 2: no file
    could be read, the ledger is unreachable, or a usage error. With --ledger the rules across
    messages (G001..G009) are applied too, one file after the other.

    The issues go to stdout (text in --lang, or JSON); each file's status (valid, invalid,
    unreadable) and the batch summary go to stderr.
    """
    limits = limits_from(kwargs)
    timeout: float = kwargs.pop("timeout")
    check_engine(engine, scheduler)
    inputs = expand(files)
    if not inputs:
        raise click.UsageError(
            "no files: the folders and patterns given hold no files / geen bestanden gevonden"
        )
    batch = len(inputs) != 1 or any(is_batch_argument(f) for f in files)
    sizes = {item.path: file_size(item.path) for item in inputs}
    show = batch and should_show(quiet)
    with BatchProgress(len(inputs), sum(sizes.values()), show=show, label="validate") as bar:

        def shown(result: FileResult) -> None:
            if output_format == "text":
                for line in result.text:
                    bar.echo(line)
                if not quiet:
                    bar.echo(result.summary_line, err=True)
            bar.advance(result, sizes.get(result.file, 0))

        validate_files = ledger_validator(url) if url else validate_batch
        try:
            results, summary = validate_files(
                files,
                fmt=fmt,
                limits=limits,
                jobs=jobs,
                engine=engine,
                scheduler=scheduler,
                split=split,
                on_result=shown,
                inputs=inputs,
                lang=lang,
                timeout=timeout,
            )
        except OSError as exc:  # e.g. a Dask scheduler that cannot be reached
            raise click.UsageError(printable(f"{engine} engine: {exc}")) from exc
    if output_format == "json":
        payload = validation_payload(results, summary, batch=batch)
        sys.stdout.buffer.write(json_bytes(payload))
    elif batch and not quiet:
        click.echo(summary.text(), err=True)
    sys.exit(summary.exit_code)
