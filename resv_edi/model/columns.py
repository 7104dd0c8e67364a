"""Lines of a message as columns: what a block check validated, handed to a writer whole.

A writer that takes a :class:`LineBlock` writes its lines without a model per line; one
that does not gets the same lines as records (:func:`as_records`). Either way the bytes are
the same (``tests/formats/test_column_writers.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from resv_edi.model.base import Record, field_pairs


@dataclass(frozen=True, slots=True)
class LineBlock:
    """Consecutive line records of class ``cls`` as columns: attribute -> one value per line,
    validated values exactly as the records would hold them (every field present)."""

    cls: type[Record]
    columns: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), ()))

    def data(self) -> list[dict[str, Any]]:
        """Each line as :meth:`Record.to_data` gives it: element name -> value, absent fields
        left out, in schema order."""
        pairs = field_pairs(self.cls)
        names = [name for _, name in pairs]
        rows = zip(*(self.columns[attr] for attr, _ in pairs), strict=True)
        return [
            {name: value for name, value in zip(names, row) if value is not None}  # noqa: B905
            for row in rows
        ]

    def records(self) -> Iterator[Record]:
        """The block's lines as records (built without validating again)."""
        make = self.cls.model_construct
        names = tuple(self.cls.model_fields)
        for values in zip(*(self.columns[name] for name in names), strict=True):
            yield make(**dict(zip(names, values, strict=True)))


def as_records(items: Iterable[Record | LineBlock]) -> Iterator[Record]:
    """``items`` with every :class:`LineBlock` unfolded into its records."""
    for item in items:
        if isinstance(item, LineBlock):
            yield from item.records()
        else:
            yield item
