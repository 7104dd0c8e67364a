"""The formats of the standard, found by name: the one place where a format is registered.

A new format is a package under :mod:`resv_edi.formats` with a reader and a writer that keep
the contracts of :mod:`resv_edi.formats.contract`, a sniffer in :mod:`resv_edi.formats.sniff`,
and one :func:`register` call below.
"""

from __future__ import annotations

from resv_edi.formats.contract import Format, FormatReader, FormatWriter
from resv_edi.formats.csv.codec import read_csv, write_csv
from resv_edi.formats.ei.resv import read_ei, write_ei
from resv_edi.formats.json.document import read_json, write_json
from resv_edi.formats.json.ndjson import read_ndjson, write_ndjson
from resv_edi.formats.sniff import is_csv, is_ei, is_json, is_ndjson, is_xml
from resv_edi.formats.xml.reader import read_xml
from resv_edi.formats.xml.writer import write_xml

__all__ = [
    "FORMATS",
    "Format",
    "FormatReader",
    "FormatWriter",
    "format_names",
    "formats",
    "get_format",
    "register",
]

FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> None:
    """Add a format; a name is registered once."""
    if fmt.name in FORMATS:
        raise ValueError(f"format {fmt.name!r} registered twice")
    FORMATS[fmt.name] = fmt


register(Format("xml", ".xml", read_xml, write_xml, is_xml))
register(Format("json", ".json", read_json, write_json, is_json))
register(Format("ndjson", ".ndjson", read_ndjson, write_ndjson, is_ndjson))
register(Format("ei", ".asc", read_ei, write_ei, is_ei))
register(Format("csv", ".csv", read_csv, write_csv, is_csv))


def get_format(name: str) -> Format:
    """The format called ``name``; ValueError for an unknown name."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}") from None


def format_names() -> list[str]:
    """The names of all formats, sorted."""
    return sorted(FORMATS)


def formats() -> tuple[Format, ...]:
    """Every format, in the order registered."""
    return tuple(FORMATS.values())
