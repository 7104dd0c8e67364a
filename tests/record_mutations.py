"""Generated declarations with a line changed: the mutations that the differential tests of
the block checks (``report``, ``convert``) share, and the writer of the mutated records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.base import Record
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE

Mutation = Callable[[Prestatie, list[Record]], Prestatie]


def changed(**update: Any) -> Mutation:
    """The line with ``update`` applied (unvalidated, as a sender might write it)."""
    return lambda line, records: line.model_copy(update=update)


def copy_of_first(line: Prestatie, records: list[Record]) -> Prestatie:
    """The message's first line again (its reference used twice)."""
    first = records[1]
    assert isinstance(first, Prestatie)
    return first


#: mutations each differential test runs; a test adds its own to a copy
MUTATIONS: dict[str, Mutation] = {
    "code_unknown": changed(prestatiecode="XXXXXX"),
    "end_before_begin": lambda line, records: line.model_copy(
        update={"einddatum": line.begindatum - timedelta(days=1)}
    ),
    "bsn_in_text": changed(omschrijving="client 111222333 gezien"),
    "insurer_other": changed(zorgverzekeraar="9999"),
    "no_vat_no_note": changed(btw_bedrag=None, toelichting=None),
    "escaped_text": changed(omschrijving="a & <b> é"),
    "duplicate_reference": copy_of_first,
}


def write_records(path: Path, fmt: str, records: list[Record]) -> Path:
    """``records`` written to ``path`` in ``fmt``."""
    with path.open("wb") as fh:
        get_format(fmt).writer(records, fh, DECLARATIE)
    return path


def mutated(
    tmp_path: Path,
    fmt: str,
    changes: dict[int, str],
    table: dict[str, Mutation],
    n: int = 24,
    name: str = "m",
    **kw: Any,
) -> Path:
    """A generated declaration of ``n`` lines (seed 7, ``kw`` for the generator) with the
    lines at the keys of ``changes`` mutated by ``table``'s mutation of that name."""
    records = list(generate_declaration(n, seed=7, **kw))
    for at, mutation in sorted(changes.items()):
        line = records[at]
        assert isinstance(line, Prestatie)
        records[at] = table[mutation](line, records)
    return write_records(tmp_path / f"{name}{get_format(fmt).suffix}", fmt, records)
