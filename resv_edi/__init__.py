"""resv-edi: the message standard and tooling for the Dutch RESV lump-sum experiment (2027-2031).

The public API (:data:`__all__`) is that of :mod:`resv_edi.api`, loaded on first use so that
``import resv_edi`` (and the command's start-up) stays light:

>>> from resv_edi import check_file, convert  # doctest: +SKIP
>>> convert("in.xml", "out.asc", "ei", check=True)  # raises ConversionError  # doctest: +SKIP
"""

import importlib
from typing import Any

__version__ = "0.2.0"

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


def __getattr__(name: str) -> Any:
    """The names of :data:`__all__`, from :mod:`resv_edi.api` when first asked for."""
    if name in __all__:
        # by name, at first use: modules that import the package (for __version__) must not
        # depend on the public face, which stays the top of the layers
        api = importlib.import_module("resv_edi.api")
        return getattr(api, name)
    raise AttributeError(f"module 'resv_edi' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
