"""The driver of every block check: a format's reader yields exact items and clean runs,
the driver feeds them to one :class:`~resv_edi.rules.engine.RuleEngine`.

A format subclasses :class:`BlockCheck` and writes :meth:`BlockCheck._body`: it reads the
file in blocks, yields :class:`~resv_edi.rules.blocks.CleanRun` for a run of lines that a
block check found certainly clean (:func:`~resv_edi.rules.blocks.line_columns`,
:meth:`BlockCheck.clean_lines`), and the exact reader's entries and issues for anything
doubtful, so the answer is the exact path's by construction.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from functools import cache
from typing import IO, BinaryIO, ClassVar, NamedTuple, cast

from resv_edi.errors import Issue
from resv_edi.formats.registry import get_format
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind
from resv_edi.rules.blocks import CleanRun, Columns, RuleMemo, lines_clean
from resv_edi.rules.engine import RuleEngine
from resv_edi.source import Source, read_guarded


class Checked(NamedTuple):
    """One item of a block check with the issues found for it (:meth:`BlockCheck.items`)."""

    item: Entry | CleanRun | None
    issues: list[Issue]
    final: bool = False


class BlockCheck:
    """Issues of the message at ``path`` (iterate once); ``lines`` counts its lines.

    ``stream``: read that instead of the file at ``path`` (a part of the file with its head
    replayed, :mod:`resv_edi.batch.split`); ``engine``: makes the rule engine for the
    message kind found (default :class:`~resv_edi.rules.engine.RuleEngine`)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        kind: MessageKind | None,
        limits: Limits = DEFAULT_LIMITS,
        *,
        name: str | None = None,
        stream: BinaryIO | None = None,
        engine: Callable[[MessageKind], RuleEngine] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.name = name or self.path  # the file named in issues
        self.source: Source = self.path if stream is None else stream  # what is read
        self.kind = kind
        self.limits = limits
        self.lines = 0
        self._engine: RuleEngine | None = None
        self._new_engine = engine or RuleEngine
        self._memo = RuleMemo()

    def __iter__(self) -> Iterator[Issue]:
        for checked in self.items():
            yield from checked.issues

    def items(self) -> Generator[Checked, None, None]:
        """The file's items in order, each with the issues the engine found for it (a
        converter writes the entries' records and the clean runs' columns): an entry or clean
        run after its issues, a reader issue as ``Checked(None, [issue])``, and last the
        message's cross-line issues as ``Checked(None, [...], final=True)``. Iterate once;
        stopping early is allowed (the engine is closed)."""
        waiting: list[Entry | Issue] = []  # items before the first entry names the kind
        items = read_guarded(self.source, self.name, self.limits, self._body)
        try:
            for item in items:
                engine = self._engine
                if engine is None:
                    if not isinstance(item, Entry):
                        waiting.append(item)  # type: ignore[arg-type]
                        continue
                    engine = self._start(KINDS.get(item.kind, DECLARATIE))
                    for early in waiting:
                        yield Checked(None, engine.check(early))
                    waiting.clear()
                if isinstance(item, CleanRun):
                    engine.add_clean_lines(
                        self.name, item.last_line, item.refs, item.signed_sum, item.facts
                    )
                    yield Checked(item, [])
                else:
                    found = engine.check(item)
                    yield Checked(item if isinstance(item, Entry) else None, found)
                    if engine.stopped:
                        break
            engine = self._engine or self._start(DECLARATIE)
            for early in waiting:
                yield Checked(None, engine.check(early))
            yield Checked(None, list(engine.finish()), final=True)
            self.lines = engine.lines
        finally:
            if self._engine is not None:
                self._engine.close()

    @property
    def fatal(self) -> bool:
        """Whether a fatal issue was found (nothing more will be checked)."""
        return self._engine is not None and self._engine.fatal

    @property
    def message_kind(self) -> MessageKind:
        """The message kind checked (known once the first entry was checked)."""
        return self._engine.kind if self._engine is not None else self.kind or DECLARATIE

    @property
    def kind_root(self) -> str:
        """The root element of the message kind checked (known once iterated)."""
        return self.message_kind.root

    def _start(self, detected: MessageKind) -> RuleEngine:
        self._engine = self._new_engine(self.kind or detected)
        return self._engine

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        """The file's exact items and clean runs, in order (the format's block reader)."""
        raise NotImplementedError

    def block_allowed(self) -> bool:
        """Whether a declaratie line may be checked in a block now: the engine knows the
        message is a declaratie and needs nothing line by line (:attr:`RuleEngine.plain`)."""
        engine = self._engine
        depth = self.limits.max_depth
        return (
            engine is not None
            and engine.kind is DECLARATIE
            and engine.plain
            and (not depth or depth >= 2)
        )

    def clean_lines(self, columns: Columns) -> bool:
        """Whether the block's validated ``columns`` break no line rule."""
        assert self._engine is not None
        return lines_clean(columns, self._engine.context, self._memo)


class ExactCheck(BlockCheck):
    """A format without a block check (CSV): its exact reader's items, every line through
    the engine. The same driver as the block checks, so ``check_file`` and ``convert`` treat
    every format alike. :func:`exact_check` gives the class of one format."""

    fmt: ClassVar[str] = ""

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        read = get_format(self.fmt).reader
        return read(cast(BinaryIO, fh), self.kind, file=name, limits=self.limits)


@cache
def exact_check(fmt: str) -> type[ExactCheck]:
    """The :class:`ExactCheck` of input format ``fmt``."""
    return type(f"ExactCheck[{fmt}]", (ExactCheck,), {"fmt": fmt})
