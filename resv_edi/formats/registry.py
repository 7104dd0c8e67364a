"""The formats of the standard: one reader and one writer each, found by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from resv_edi.errors import Issue
from resv_edi.formats.json.document import read_json, write_json
from resv_edi.formats.json.ndjson import read_ndjson, write_ndjson
from resv_edi.formats.xml.reader import read_xml
from resv_edi.formats.xml.writer import write_xml
from resv_edi.model.base import Record
from resv_edi.model.messages import Entry, MessageKind

Reader = Callable[..., Iterator[Entry | Issue]]
Writer = Callable[[Iterable[Record], IO[bytes], MessageKind], int]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    suffix: str
    reader: Reader
    writer: Writer


FORMATS: dict[str, Format] = {
    "xml": Format("xml", ".xml", read_xml, write_xml),
    "json": Format("json", ".json", read_json, write_json),
    "ndjson": Format("ndjson", ".ndjson", read_ndjson, write_ndjson),
}


def register(fmt: Format) -> None:
    """Add a format (the EI and CSV packages register themselves)."""
    FORMATS[fmt.name] = fmt


def get_format(name: str) -> Format:
    _load_optional()
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}") from None


def format_names() -> list[str]:
    _load_optional()
    return sorted(FORMATS)


def _load_optional() -> Any:
    """Formats in their own packages register on import."""
    import importlib

    for module in ("resv_edi.formats.ei.resv", "resv_edi.formats.csv.codec"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise  # a missing dependency inside the module, not the module itself
