"""Which files a batch reads and where its outputs go.

Inputs are files, directories (walked recursively, hidden entries skipped, sorted) or glob
patterns (``*``, ``?``, ``[``; ``**`` is recursive; a directory a pattern matches is walked
like a directory argument). Explicit files keep the order they were given in; a name that does
not exist (or a pattern that matches nothing) is kept, so that it is reported as unreadable
(F001) instead of disappearing from the batch.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

_MAGIC = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Input:
    """One file of a batch; ``relative`` is its path below the argument that named it."""

    path: str
    relative: str


class PlanError(ValueError):
    """A batch that cannot run as asked (e.g. two inputs that map to one output)."""


def is_batch_argument(argument: str) -> bool:
    """True when ``argument`` names more than one file: a directory or a glob pattern."""
    return os.path.isdir(argument) or (_is_glob(argument) and not os.path.lexists(argument))


def expand(arguments: list[str] | tuple[str, ...]) -> list[Input]:
    """The files named by ``arguments``, each once, in a stable order."""
    found: list[Input] = []
    seen: set[str] = set()

    def add(path: str, relative: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.append(Input(path, relative))

    for argument in arguments:
        if os.path.isdir(argument):
            for path in _walk(argument):
                add(path, os.path.relpath(path, argument))
        elif _is_glob(argument) and not os.path.lexists(argument):
            base = _glob_base(argument)
            matches = sorted(glob.glob(argument, recursive=True))
            if not matches:  # a pattern that matches nothing is reported, not ignored
                add(argument, os.path.basename(argument))
            for match in matches:
                inner = _walk(match) if os.path.isdir(match) else [match]
                for path in inner:
                    add(path, os.path.relpath(path, base))
        else:
            add(argument, os.path.basename(argument))
    return found


def _walk(top: str) -> list[str]:
    paths: list[str] = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        paths.extend(os.path.join(folder, f) for f in sorted(files) if not f.startswith("."))
    return sorted(paths)


def _is_glob(argument: str) -> bool:
    return any(c in _MAGIC for c in argument)


def _glob_base(pattern: str) -> str:
    """The folder part of ``pattern`` before its first wildcard."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts:
        if _is_glob(part):
            break
        fixed.append(part)
    return str(Path(*fixed)) if fixed else "."


def output_for(item: Input, out_dir: str, suffix: str) -> str:
    """``out_dir/relative`` with the suffix of the target format."""
    return str(Path(out_dir) / Path(item.relative).with_suffix(suffix))


def plan_outputs(inputs: list[Input], out_dir: str, suffix: str) -> list[tuple[Input, str]]:
    """Map every input to its output; refuse a batch where two inputs share an output."""
    pairs = [(item, output_for(item, out_dir, suffix)) for item in inputs]
    owners: dict[str, str] = {}
    clashes: list[str] = []
    for item, target in pairs:
        key = os.path.normpath(target)
        if key in owners:
            clashes.append(f"{owners[key]} and {item.path} -> {target}")
        owners.setdefault(key, item.path)
        if os.path.normpath(os.path.abspath(item.path)) == os.path.abspath(key):
            clashes.append(f"{item.path} would overwrite itself")
    if clashes:
        raise PlanError("outputs clash: " + "; ".join(clashes))
    outside = [f"{item.path} -> {target}" for item, target in pairs if not _inside(out_dir, target)]
    if outside:
        raise PlanError("outputs outside the output directory: " + "; ".join(outside))
    return pairs


def _inside(out_dir: str, target: str) -> bool:
    """Whether ``target`` stays in ``out_dir``: no ``..`` that climbs out of it (a glob with
    ``..`` after a wildcard), and no symbolic link in its existing folders that leads out."""
    base, path = os.path.abspath(out_dir), os.path.abspath(target)
    relative = os.path.relpath(path, base)
    if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
        return False
    root = os.path.realpath(base)
    folder = os.path.dirname(path)
    while folder != base and not os.path.lexists(folder):  # the deepest that exists decides
        folder = os.path.dirname(folder)
    real = os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def file_size(path: str) -> int:
    """Size in bytes, 0 for what cannot be measured (the task reports it properly)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
