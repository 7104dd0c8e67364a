"""Batches: many files (and large files in chunks) on every core, or on a Dask cluster.

>>> from resv_edi.batch import validate_batch
>>> results, summary = validate_batch(["inbox/"], jobs=4)
>>> summary.exit_code

Modules: ``plan`` (inputs and outputs), ``tasks`` (one file -> a frozen dataclass of
``results``), ``split`` (one large file in chunks with the single-process result), ``runner``
(local processes), ``dask_runner`` (dask.distributed), ``progress`` and ``summary``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from resv_edi.batch.plan import Input, expand, plan_outputs
from resv_edi.batch.results import FileConversion, FileResult, ValidationResult
from resv_edi.batch.runner import (
    default_jobs,
    make_executor,
    plan_validation,
    run_convert,
    run_validate,
)
from resv_edi.batch.summary import Summary
from resv_edi.formats.registry import get_format
from resv_edi.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "FileConversion",
    "FileResult",
    "Input",
    "Summary",
    "ValidationResult",
    "convert_batch",
    "expand",
    "validate_batch",
]

OnResult = Callable[[Any], None]
R = TypeVar("R", ValidationResult, FileConversion)


def validate_batch(
    paths: Iterable[str],
    *,
    fmt: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    split: int | None = None,
    on_result: OnResult | None = None,
    inputs: list[Input] | None = None,
    lang: str = "en",
    timeout: float | None = None,
) -> tuple[list[ValidationResult], Summary]:
    """Validate files, directories and globs; results in input order, and the summary.

    ``split``: see :func:`resv_edi.batch.runner.plan_validation`. ``on_result`` is called with
    each result as it completes; ``inputs`` replaces ``paths`` when already expanded; ``lang``
    (``en`` or ``nl``) is the language of the results' texts.
    """
    inputs = inputs if inputs is not None else expand(list(paths))
    jobs = jobs or default_jobs()
    planned = plan_validation(inputs, fmt, limits, jobs=jobs, split_into=split)
    count = sum(len(chunks) if chunks else 1 for _, chunks in planned)
    return _collect(
        inputs,
        lambda ex: run_validate(planned, fmt, limits, ex, lang),
        make_executor(engine, jobs, count, scheduler, timeout),
        on_result,
    )


def convert_batch(
    paths: Iterable[str],
    out_dir: str,
    to: str,
    *,
    fmt: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    skip_existing: bool = False,
    on_result: OnResult | None = None,
    inputs: list[Input] | None = None,
    lang: str = "en",
    timeout: float | None = None,
) -> tuple[list[FileConversion], Summary]:
    """Convert files, directories and globs into ``out_dir`` (relative paths kept, suffix of
    the target format); ``skip_existing`` leaves inputs whose output exists (a resumed run)."""
    inputs = inputs if inputs is not None else expand(list(paths))
    pairs = plan_outputs(inputs, out_dir, get_format(to).suffix)
    jobs = jobs or default_jobs()
    return _collect(
        inputs,
        lambda ex: run_convert(pairs, to, fmt, limits, ex, skip_existing=skip_existing, lang=lang),
        make_executor(engine, jobs, len(pairs), scheduler, timeout),
        on_result,
    )


def _collect(
    inputs: list[Input],
    run: Callable[[Any], Iterable[R]],
    executor: Any,
    on_result: OnResult | None,
) -> tuple[list[R], Summary]:
    order = {item.path: i for i, item in enumerate(inputs)}
    summary = Summary()
    started = time.perf_counter()
    results: list[R] = []
    running = iter(run(executor))
    try:
        for result in running:
            summary.add(result)
            results.append(result)
            if on_result is not None:
                on_result(result)
    finally:
        executor.close()
        close = getattr(running, "close", None)  # a generator's working files, now
        if close is not None:
            close()
    summary.seconds = time.perf_counter() - started
    results.sort(key=lambda r: order.get(r.file, len(order)))
    return results, summary
