"""The Vektis engine: EI fixed-width files, compiled layouts, a framing scanner, a streaming
reader, a writer, a summary (inspect) and the Vektis return-code lists.

Every standard is data in ``mappings/ei/*.json``; the engine has no standard-specific code.
The RESV codec on top of it is :mod:`resv_edi.formats.ei`.
"""

from resv_edi.vektis.layout import (
    Layout,
    all_layouts,
    detect_layout,
    find_layout,
    load_layout,
)
from resv_edi.vektis.reader import EIReader, EIRecord, read_records
from resv_edi.vektis.writer import format_record, write_records

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
