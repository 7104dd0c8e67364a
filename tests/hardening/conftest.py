"""Guards shared by the hardening tests: no network, no file read outside the input, bounded
time and memory, and one way to run ``resv-edi validate``."""

from __future__ import annotations

import json
import os
import resource
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.standard.paths import data_root

SECONDS = 20  # generous: every case takes well under a second
MEMORY_MIB = 600  # growth of the peak RSS allowed for one case

_OPENED: list[str] | None = None
_ALLOWED = tuple(
    os.path.realpath(p) + os.sep
    for p in {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        str(data_root()),
        str(Path(__file__).resolve().parents[2] / "resv_edi"),
        "/dev/null",
        "/proc/self",
    }
)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], str | bytes):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any attempt to open a connection."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


def _may_open(path: str, inputs: set[str]) -> bool:
    """The input, the package and its data, or a working file of the validator's own
    (``resv-edi-*`` in the temporary folder, e.g. the reference index of rule R003)."""
    if path in inputs or path.startswith(_ALLOWED):
        return True
    own = os.path.join(os.path.realpath(tempfile.gettempdir()), "resv-edi-")
    return path.startswith(own)


@dataclass
class Outcome:
    exit_code: int
    payload: dict[str, Any]
    seconds: float
    opened: list[str]

    @property
    def issues(self) -> list[dict[str, Any]]:
        return [i for f in self.payload["files"] for i in f["issues"]]

    @property
    def codes(self) -> set[str]:
        return {i["code"] for i in self.issues}


def validate(target: Path, *options: str, allowed: tuple[Path, ...] = ()) -> Outcome:
    """``resv-edi validate --output-format json target``, checked for the hardening rules:
    exit 1 or 2, no traceback, coded issues, bounded time and memory, no file read but the
    input (and the package's own data)."""
    global _OPENED
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _OPENED = []
    start = time.perf_counter()
    try:
        result = CliRunner().invoke(
            cli, ["validate", "--output-format", "json", *options, str(target)]
        )
    finally:
        seconds = time.perf_counter() - start
        opened, _OPENED = _OPENED, None
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    assert seconds < SECONDS, f"{target.name} took {seconds:.1f}s"
    assert grown < MEMORY_MIB, f"{target.name} grew the peak RSS by {grown:.0f} MiB"
    inputs = {os.path.realpath(target), *(os.path.realpath(p) for p in allowed)}
    outside = [p for p in opened if not _may_open(os.path.realpath(p), inputs)]
    assert outside == [], f"files read besides the input: {outside}"
    payload = json.loads(result.stdout)
    outcome = Outcome(result.exit_code, payload, seconds, opened)
    assert outcome.exit_code in (1, 2), (outcome.exit_code, outcome.issues[:3])
    assert outcome.issues, payload
    for item in outcome.issues:
        assert len(item["code"]) == 4 and item["code"][0] in "FXJESRLTCI", item
        assert item["code"][0] != "I" or item["severity"] == "info", item  # I: notes only
    return outcome


#: issues about a file as a whole: the file is their place
FILE_LEVEL = {"F001", "F002", "F003", "L002"}


def positioned(item: dict[str, Any]) -> bool:
    """The issue names its file and a place in it (a line, or a JSON pointer / XPath / field
    id); issues about the file as a whole name the file."""
    loc = item["location"]
    if not loc.get("file"):
        return False
    return item["code"] in FILE_LEVEL or bool(loc.get("line") or loc.get("path"))
