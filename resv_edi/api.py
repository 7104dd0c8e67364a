"""The public face of resv-edi: re-exports only; nothing inside the package imports this module.

>>> from resv_edi.api import check_file
>>> report = check_file("declaratie.xml")  # doctest: +SKIP

The same names are importable from ``resv_edi`` itself (loaded lazily on first use), e.g.
``from resv_edi import check_file, convert``.
"""

from resv_edi.errors import (
    ExitCode,
    Issue,
    Location,
    ResvEdiError,
    Severity,
    UnknownFormatError,
    UnsafeInputError,
)
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.pipeline import (
    ConversionError,
    ConversionResult,
    PathLike,
    archive_report,
    check_archive,
    check_file,
    convert,
    read,
    sniff,
    validate,
)
from resv_edi.reporting import FileReport, text_lines
from resv_edi.standard.catalogue import render

__all__ = [
    "DEFAULT_LIMITS",
    "ConversionError",
    "ConversionResult",
    "ExitCode",
    "FileReport",
    "Issue",
    "Limits",
    "Location",
    "PathLike",
    "ResvEdiError",
    "Severity",
    "UnknownFormatError",
    "UnsafeInputError",
    "archive_report",
    "check_archive",
    "check_file",
    "convert",
    "read",
    "render",
    "sniff",
    "text_lines",
    "validate",
]
