"""Scale-out: the batch's tasks on a dask.distributed cluster (``--engine dask``).

Dask is imported only here, only when asked for. With a scheduler address the client joins
that cluster (its workers need resv-edi installed, the same version, and must be able to read
the input and output paths); without one a ``LocalCluster`` of ``jobs`` single-threaded worker
processes is started for the run and stopped after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any


class DaskUnavailable(RuntimeError):
    """``--engine dask`` without dask.distributed installed."""


class DaskExecutor:
    """Submits tasks with ``Client.submit`` and yields them with ``as_completed``."""

    def __init__(self, scheduler: str | None, jobs: int) -> None:
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise DaskUnavailable(
                "--engine dask needs dask.distributed: pip install 'resv-edi[dask]'"
            ) from exc
        self._cluster: Any = None
        if scheduler:
            self._client = Client(scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=max(1, jobs),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)
        self._completed = as_completed()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        future = self._client.submit(fn, *args, pure=False)
        self._completed.add(future)
        return future

    def completed(self) -> Iterator[Any]:
        yield from self._completed

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
