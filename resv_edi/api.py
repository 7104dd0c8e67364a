"""The public face of resv-edi: re-exports only; nothing inside the package imports this module.

>>> from resv_edi.api import check_file
>>> report = check_file("declaratie.xml")
"""

from resv_edi.pipeline import (
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

__all__ = [
    "ConversionResult",
    "PathLike",
    "archive_report",
    "check_archive",
    "check_file",
    "convert",
    "read",
    "sniff",
    "validate",
]
