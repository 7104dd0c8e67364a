"""Vektis EI fixed-width files: compiled layouts, a streaming reader and a writer.

Every standard is data in ``mappings/ei/*.json``; the engine has no standard-specific code.
"""

from resv_edi.formats.ei.layout import (
    Layout,
    all_layouts,
    detect_layout,
    find_layout,
    load_layout,
)
from resv_edi.formats.ei.reader import EIReader, EIRecord, read_records
from resv_edi.formats.ei.writer import format_record, write_records

__all__ = [
    "EIReader",
    "EIRecord",
    "Layout",
    "all_layouts",
    "detect_layout",
    "find_layout",
    "format_record",
    "load_layout",
    "read_records",
    "write_records",
]
