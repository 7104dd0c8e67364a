"""The batch options shared by ``validate`` and ``convert``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from resv_edi.batch.dask_runner import DEFAULT_TIMEOUT, valid_scheduler_address
from resv_edi.terminal import printable


def batch_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--jobs``, ``--engine``, ``--scheduler``, ``--timeout`` and ``--quiet``."""
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
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            help="Seconds to wait for the Dask scheduler to answer and for a worker to join "
            "(exit code 2 after that).",
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
    if scheduler and not valid_scheduler_address(scheduler):
        raise click.UsageError(
            f"--scheduler {printable(scheduler)!r} is no scheduler address: give "
            "tcp://host:port (also tls://, ws://, wss://, ucx://) / geen scheduleradres"
        )
    if engine == "dask":
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise click.UsageError(
                "--engine dask needs dask.distributed: pip install 'resv-edi[dask]'"
            )
