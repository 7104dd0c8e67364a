"""Scale-out: the batch's tasks on a dask.distributed cluster (``--engine dask``).

Dask is imported only here, only when asked for. With a scheduler address the client joins
that cluster (its workers need resv-edi installed, the same version, and must be able to read
the input and output paths); without one a ``LocalCluster`` of ``jobs`` single-threaded worker
processes is started for the run and stopped after it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: seconds to wait for a scheduler to answer and for a worker to join (``--timeout``)
DEFAULT_TIMEOUT = 30.0
_ADDRESS = re.compile(
    r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r"(?::(?P<port>[0-9]{1,5}))?/?"
)

_INPROC = re.compile(r"inproc://[0-9A-Za-z.:\[\]-]+/[0-9]+/[0-9]+")


def valid_scheduler_address(address: str) -> bool:
    """Whether ``address`` is a scheduler address (``tcp://host:port``, a port at most 65535)."""
    if _INPROC.fullmatch(address):  # a scheduler in this process (tests, notebooks)
        return True
    found = _ADDRESS.fullmatch(address)
    return found is not None and (found["port"] is None or 0 < int(found["port"]) < 65536)


class DaskUnavailable(RuntimeError):
    """``--engine dask`` without dask.distributed installed."""


def _connect(client_class: Any, scheduler: str, timeout: float) -> Any:
    """A client of ``scheduler``, or :class:`TimeoutError` when it does not answer within
    ``timeout`` seconds (a server that accepts and never speaks would hold ``Client``
    forever: it waits in a thread of its own, which is left behind)."""
    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = client_class(scheduler, timeout=timeout)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=connect, name="resv-edi-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 1)
    if "client" in box:
        return box["client"]
    reason = box.get("error")
    detail = f": {reason}" if reason else ""
    raise TimeoutError(f"the scheduler {scheduler} did not answer within {timeout:g} s{detail}")


class DaskExecutor:
    """Submits tasks with ``Client.submit`` and yields them with ``as_completed``."""

    def __init__(self, scheduler: str | None, jobs: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Join ``scheduler`` (or start a local cluster); a scheduler that does not answer,
        or has no worker, within ``timeout`` seconds raises :class:`TimeoutError` (an
        ``OSError``: the command line makes it exit code 2)."""
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise DaskUnavailable(
                "--engine dask needs dask.distributed: pip install 'resv-edi[dask]'"
            ) from exc
        self._cluster: Any = None
        if scheduler:
            self._client = _connect(Client, scheduler, timeout)
            try:
                self._client.wait_for_workers(1, timeout=timeout)
            except Exception as exc:
                self._client.close()
                raise TimeoutError(
                    f"the scheduler {scheduler} has no worker after {timeout:g} s"
                ) from exc
        else:
            import logging

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
