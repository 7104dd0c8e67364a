"""What a format is: a reader, a writer and a sniffer behind typed contracts.

Every format of :mod:`resv_edi.formats` offers a :class:`FormatReader` and a
:class:`FormatWriter` and is registered once, as a :class:`Format`, in
:mod:`resv_edi.formats.registry`; :func:`resv_edi.formats.detect.detect_format` asks the
registered sniffers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Protocol

from resv_edi.errors import Issue
from resv_edi.limits import Limits
from resv_edi.model.base import Record
from resv_edi.model.messages import Entry, MessageKind
from resv_edi.source import Source


class FormatReader(Protocol):
    """Streams the entries (header, lines, totals) and issues of one message, in file order;
    never raises on bad input. ``kind`` is detected when ``None``; ``file`` names the source
    in issue locations."""

    def __call__(
        self,
        source: Source,
        kind: MessageKind | None = None,
        *,
        file: str | None = None,
        limits: Limits = ...,
    ) -> Iterator[Entry | Issue]: ...


class FormatWriter(Protocol):
    """Writes the records (header, lines, totals, in that order) of one message of ``kind``
    to ``out``; returns the number of lines. ValueError/TypeError for records out of order."""

    def __call__(
        self, records: Iterable[Record], out: IO[bytes], kind: MessageKind = ...
    ) -> int: ...


#: True when the first bytes of a file (UTF-8 byte order mark removed) are in the format.
Sniffer = Callable[[bytes], bool]


@dataclass(frozen=True, slots=True)
class Format:
    """One format: its name, usual file suffix, reader, writer and sniffer; ``blocks``: the
    writer takes :class:`~resv_edi.model.columns.LineBlock` items too."""

    name: str
    suffix: str
    reader: FormatReader
    writer: FormatWriter
    sniff: Sniffer
    blocks: bool = False
