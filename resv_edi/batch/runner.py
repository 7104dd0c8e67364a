"""Running tasks and streaming their results back as they complete.

Three executors share one small interface (``submit``, ``completed``, ``close``):

* :class:`InProcess` (``--jobs 1``): runs each task when its result is asked for;
* :class:`LocalPool` (default): a ``concurrent.futures.ProcessPoolExecutor`` of ``--jobs``
  processes;
* ``resv_edi.batch.dask_runner.DaskExecutor`` (``--engine dask``): a dask.distributed cluster.

:func:`run_validate` and :func:`run_convert` plan the tasks, submit them and yield one result
per input (see :mod:`resv_edi.batch.tasks`) in the order they finish. A large file may be
validated in chunks (:mod:`resv_edi.batch.split`); its chunks are merged in this process.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from resv_edi.batch import tasks
from resv_edi.batch.plan import Input
from resv_edi.batch.results import FileConversion, ValidationResult
from resv_edi.interrupt import worker_init
from resv_edi.limits import Limits

if TYPE_CHECKING:  # split is imported when a file is cut, the process pool when it starts
    import concurrent.futures as cf

    from resv_edi.batch import split


class Executor(Protocol):
    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...
    def completed(self) -> Iterator[Any]: ...
    def close(self) -> None: ...


class Task:
    """A task for :class:`InProcess`: run when its turn comes, then its ``result()`` (what
    a finished ``concurrent.futures.Future`` gives, without loading that package)."""

    __slots__ = ("_args", "_error", "_fn", "_value")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self._fn = fn
        self._args = args
        self._value: Any = None
        self._error: BaseException | None = None

    def run(self) -> None:
        try:
            self._value = self._fn(*self._args)
        except BaseException as exc:  # tasks do not raise; this is a safety net
            self._error = exc

    def result(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value


class InProcess:
    """Runs tasks in this process, one at a time, as their results are taken."""

    def __init__(self) -> None:
        self._queue: deque[Task] = deque()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Task:
        task = Task(fn, args)
        self._queue.append(task)
        return task

    def completed(self) -> Iterator[Task]:
        while self._queue:
            task = self._queue.popleft()
            task.run()
            yield task

    def close(self) -> None:
        self._queue.clear()


class LocalPool:
    """A pool of ``jobs`` worker processes on this machine."""

    def __init__(self, jobs: int) -> None:
        import concurrent.futures as cf

        self._pool = cf.ProcessPoolExecutor(max_workers=jobs, initializer=worker_init)
        self._pending: set[cf.Future[Any]] = set()

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        future = self._pool.submit(fn, *args)
        self._pending.add(future)
        return future

    def completed(self) -> Iterator[cf.Future[Any]]:
        import concurrent.futures as cf

        while self._pending:
            done, _ = cf.wait(self._pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                self._pending.discard(future)
                yield future

    def close(self) -> None:
        """Shut the pool down; when tasks are still pending (Ctrl-C, SIGTERM, an error), stop
        the workers at once (SIGTERM: each removes its partial output), leaving no orphans."""
        for future in self._pending:
            future.cancel()
        if not self._pending:
            self._pool.shutdown(wait=True, cancel_futures=True)
            return
        workers = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            process.terminate()
        for process in workers:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()


def default_jobs() -> int:
    return os.cpu_count() or 1


def make_executor(
    engine: str, jobs: int, tasks_count: int, scheduler: str | None, timeout: float | None = None
) -> Executor:
    """The executor for ``--engine``; ``local`` with one job or one task runs in-process."""
    if engine == "dask":
        from resv_edi.batch.dask_runner import DEFAULT_TIMEOUT, DaskExecutor

        return DaskExecutor(scheduler, jobs, timeout or DEFAULT_TIMEOUT)
    if jobs <= 1 or tasks_count <= 1:
        return InProcess()
    return LocalPool(min(jobs, tasks_count))


def _validated(future: Any, path: str) -> ValidationResult:
    try:
        result: ValidationResult = future.result()
    except Exception as exc:  # the worker died or the task could not be sent
        return tasks.failed_validation(path, exc)
    return result


def _converted(future: Any, path: str, target: str, to: str) -> FileConversion:
    try:
        result: FileConversion = future.result()
    except Exception as exc:  # the worker died or the task could not be sent
        return tasks.failed_conversion(path, exc, target, to)
    return result


def plan_validation(
    inputs: list[Input], fmt: str, limits: Limits, *, jobs: int, split_into: int | None
) -> list[tuple[Input, list[split.ChunkSpec] | None]]:
    """Each input with its chunks, or ``None`` to validate it in one piece.

    ``split_into``: ``None``, 0 or 1 = never (the default: one pass in flat memory); N = cut
    every splittable file into N chunks. Splitting is opt-in: it pays only on idle cores
    (the parent's merge is serial), and the chunks pass their reference data to the parent
    through files in a private temporary folder of the run (in bounded records: memory
    stays flat).
    """
    planned: list[tuple[Input, list[split.ChunkSpec] | None]] = []
    for item in inputs:
        chunks = None
        if split_into is not None and split_into > 1:
            from resv_edi.batch import split

            chunks = split.plan_chunks(item.path, fmt, split_into, limits)
        planned.append((item, chunks))
    return planned


def run_validate(
    planned: list[tuple[Input, list[split.ChunkSpec] | None]],
    fmt: str,
    limits: Limits,
    executor: Executor,
    lang: str = "en",
) -> Iterator[ValidationResult]:
    """Validate every planned input; yield one result per input as it completes. Chunks
    write their reference data to a private folder made for the run and always removed."""
    if not any(specs for _, specs in planned):
        yield from _run_validate(planned, fmt, limits, executor, lang, None)
        return
    from resv_edi.scratch import scratch_folder

    with scratch_folder("split") as folder:
        yield from _run_validate(planned, fmt, limits, executor, lang, str(folder))


def _run_validate(
    planned: list[tuple[Input, list[split.ChunkSpec] | None]],
    fmt: str,
    limits: Limits,
    executor: Executor,
    lang: str,
    folder: str | None,
) -> Iterator[ValidationResult]:
    tags: dict[Any, tuple[str, int]] = {}
    chunks: dict[int, list[split.ChunkResult]] = {}
    if folder is not None:
        from resv_edi.batch import split
    for number, (item, specs) in enumerate(planned):
        if specs:
            chunks[number] = []
            for spec in specs:
                task = split.in_folder(spec, folder) if folder is not None else spec
                tags[executor.submit(split.validate_chunk, task)] = ("chunk", number)
        else:
            tags[executor.submit(tasks.validate_file, item.path, fmt, limits, lang)] = (
                "file",
                number,
            )
    for future in executor.completed():
        what, number = tags.pop(future)
        item, specs = planned[number]
        if what == "file":
            yield _validated(future, item.path)
            continue
        assert specs is not None
        try:
            part = future.result()
        except Exception as exc:
            part = split.ChunkResult(0, fallback=f"{type(exc).__name__}: {exc}")
        if number not in chunks:
            split.discard([part])
            continue  # the file fell back to one piece already
        chunks[number].append(part)
        if not part.fallback and len(chunks[number]) < len(specs):
            continue
        parts = chunks.pop(number)
        try:
            report = None if part.fallback else split.merge(specs, parts)
        except Exception:
            report = None
        finally:
            split.discard(parts)
        if report is None:  # validate it in one piece instead
            tags[executor.submit(tasks.validate_file, item.path, fmt, limits, lang)] = (
                "file",
                number,
            )
            continue
        seconds = max(p.seconds for p in parts)
        yield tasks.validation_result(report, seconds, lang)


def run_convert(
    pairs: list[tuple[Input, str]],
    to: str,
    fmt: str,
    limits: Limits,
    executor: Executor,
    *,
    skip_existing: bool = False,
    lang: str = "en",
) -> Iterator[FileConversion]:
    """Convert every input to its output; yield one result per input as it completes."""
    tags: dict[Any, tuple[Input, str]] = {}
    for item, target in pairs:
        future = executor.submit(
            tasks.convert_file, item.path, target, to, fmt, limits, lang, skip_existing
        )
        tags[future] = (item, target)
    for future in executor.completed():
        item, target = tags.pop(future)
        yield _converted(future, item.path, target, to)
