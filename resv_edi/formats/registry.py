"""The formats of the standard, found by name: the one place where a format is registered.

A new format is a package under :mod:`resv_edi.formats` with a reader and a writer that keep
the contracts of :mod:`resv_edi.formats.contract`, a sniffer in :mod:`resv_edi.formats.sniff`,
and one :func:`register` call below. Readers and writers are named by module path and
imported on first use, so a command loads only the codecs of the formats it meets.
"""

from __future__ import annotations

import importlib
from typing import Any, cast

from resv_edi.formats.contract import Format, FormatReader, FormatWriter
from resv_edi.formats.sniff import is_csv, is_ei, is_json, is_ndjson, is_xml

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


class _Lazy:
    """A reader or writer named ``module:function``, imported when first called."""

    __slots__ = ("_function", "_target")

    def __init__(self, target: str) -> None:
        self._target = target
        self._function: Any = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._function is None:
            module, _, name = self._target.partition(":")
            self._function = getattr(importlib.import_module(module), name)
        return self._function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self._target}>"


def lazy_reader(target: str) -> FormatReader:
    """The reader ``module:function``, imported on its first call."""
    return cast(FormatReader, _Lazy(target))


def lazy_writer(target: str) -> FormatWriter:
    """The writer ``module:function``, imported on its first call."""
    return cast(FormatWriter, _Lazy(target))


register(
    Format(
        "xml",
        ".xml",
        lazy_reader("resv_edi.formats.xml.reader:read_xml"),
        lazy_writer("resv_edi.formats.xml.writer:write_xml"),
        is_xml,
        blocks=True,
    )
)
register(
    Format(
        "json",
        ".json",
        lazy_reader("resv_edi.formats.json.document:read_json"),
        lazy_writer("resv_edi.formats.json.document:write_json"),
        is_json,
        blocks=True,
    )
)
register(
    Format(
        "ndjson",
        ".ndjson",
        lazy_reader("resv_edi.formats.json.ndjson:read_ndjson"),
        lazy_writer("resv_edi.formats.json.ndjson:write_ndjson"),
        is_ndjson,
        blocks=True,
    )
)
register(
    Format(
        "ei",
        ".asc",
        lazy_reader("resv_edi.formats.ei.resv:read_ei"),
        lazy_writer("resv_edi.formats.ei.resv:write_ei"),
        is_ei,
        blocks=True,
    )
)
register(
    Format(
        "csv",
        ".csv",
        lazy_reader("resv_edi.formats.csv.codec:read_csv"),
        lazy_writer("resv_edi.formats.csv.codec:write_csv"),
        is_csv,
    )
)


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
