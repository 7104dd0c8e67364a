"""Spreadsheet safety: CSV cells that a spreadsheet would run as a formula are neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (OWASP "CSV injection"): a sender could
make the reader's spreadsheet open a link or run a command. Every CSV that resv-edi writes
goes through :class:`SafeWriter`, which puts a single quote before such a cell (spreadsheets
show the text as it was). A plain number (``-1500``, ``+31``, ``-12.50``) is no formula and
is left alone. A cell that itself starts with a quote gets one more, so the rule is undone
exactly by :func:`restore` (the CSV reader calls it): drop one leading quote, if any.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

#: first characters that make a spreadsheet read a cell as a formula (OWASP)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: the prefix that makes a spreadsheet show a cell as text
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def neutralise(cell: str) -> str:
    """``cell`` as it is safe to write: a formula-like text (or one that starts with the
    quote) gets a leading quote; everything else is unchanged."""
    if not cell:
        return cell
    if cell.startswith(QUOTE) or (cell.startswith(TRIGGERS) and not _NUMBER.fullmatch(cell)):
        return QUOTE + cell
    return cell


def restore(cell: str) -> str:
    """The inverse of :func:`neutralise`: the cell with one leading quote removed."""
    return cell[1:] if cell.startswith(QUOTE) else cell


class SafeWriter:
    """``csv.writer`` whose every cell passes :func:`neutralise` (``None`` is empty)."""

    def __init__(self, stream: IO[str], *, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(stream, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise("" if v is None else str(v)) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """``csv.DictWriter`` over :class:`SafeWriter`: a header row, then one row per mapping."""

    def __init__(
        self, stream: IO[str], fieldnames: Iterable[str], *, lineterminator: str = "\r\n"
    ) -> None:
        self.fieldnames = tuple(fieldnames)
        self._writer = SafeWriter(stream, lineterminator=lineterminator)

    def writeheader(self) -> None:
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: dict[str, Any]) -> None:
        self._writer.writerow(row.get(name) for name in self.fieldnames)

    def writerows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)
