"""Writing the monitoring report: CSV and JSON per table, one ``report.json`` and ``report.html``.

Every file is written atomically. Amounts are integer cents in CSV and JSON.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from resv_edi.report.aggregate import DIMENSIONS, Aggregate
from resv_edi.report.html import PAGE_SIZE, render_html
from resv_edi.source import atomic_output
from resv_edi.spreadsheet import SafeDictWriter
from resv_edi.terminal import printable_data

#: table name -> dimensions it groups by
TABLES: dict[str, tuple[str, ...]] = {
    "by_hoofdtaak": ("hoofdtaak",),
    "by_prestatiesoort": ("prestatiesoort",),
    "by_resv": ("resv",),
    "by_insurer": ("insurer",),
    "by_region": ("region",),
    "by_year": ("year",),
    "by_year_hoofdtaak": ("year", "hoofdtaak"),
    "facts": DIMENSIONS,
}


def _csv(rows: list[dict[str, Any]], dims: tuple[str, ...]) -> bytes:
    buf = io.StringIO()
    writer = SafeDictWriter(
        buf, fieldnames=[*dims, "debit", "credit", "net", "lines"], lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def report_files(agg: Aggregate, *, page_size: int = PAGE_SIZE) -> Iterator[tuple[str, bytes]]:
    """(name, content) of each file of the report, one at a time: every table
    (``<name>.csv``, ``<name>.json``), then ``report.json`` and ``report.html``."""
    tables = {name: (list(dims), agg.table(*dims)) for name, dims in TABLES.items()}
    for name, (dims, rows) in tables.items():
        yield f"{name}.csv", _csv(rows, tuple(dims))
        yield f"{name}.json", orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n"
    total = agg.total
    meta = {
        "files": len(agg.files),
        "excluded": printable_data(agg.excluded),  # file names: maybe not UTF-8
        "lines": total.lines,
        "debit": total.debit,
        "credit": total.credit,
        "net": total.net,
    }
    document = {"meta": meta, "tables": {name: rows for name, (_, rows) in tables.items()}}
    yield "report.json", orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
    yield "report.html", render_html(tables, meta, page_size).encode("utf-8")


def write_report(
    agg: Aggregate, directory: str | os.PathLike[str], *, page_size: int = PAGE_SIZE
) -> list[Path]:
    """Write :func:`report_files` into ``directory``, each atomically; the paths written."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in report_files(agg, page_size=page_size):
        with atomic_output(target / name) as out:
            out.write(data)
        written.append(target / name)
    return written
