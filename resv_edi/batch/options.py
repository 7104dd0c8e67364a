"""The batch options shared by ``validate`` and ``convert``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def batch_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--jobs``, ``--engine``, ``--scheduler`` and ``--quiet``."""
    options = [
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes (default: all cores). 1 runs in this process.",
        ),
        click.option(
            "--engine",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
            help="local: processes on this machine; dask: a dask.distributed cluster.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            default=None,
            help="Dask scheduler (tcp://host:8786) [default: none; a local Dask cluster is "
            "started for the run].",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="No progress bar (it shows only on a terminal) and no status lines on stderr; "
            "reports and errors still show.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def check_engine(engine: str, scheduler: str | None) -> None:
    """Usage errors of the engine options (exit code 2)."""
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if engine == "dask":
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise click.UsageError(
                "--engine dask needs dask.distributed: pip install 'resv-edi[dask]'"
            )
