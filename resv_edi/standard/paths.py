"""Where the standard's data files live: ``mappings/``, ``xsd/``, ``conformance/`` and ``docs/``.

In a wheel they are shipped inside the package as ``resv_edi/_data``; in a source checkout
(or an editable install) they are read from the repository root. One place decides.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
_BUNDLED = _PACKAGE / "_data"
_SOURCE_ROOT = _PACKAGE.parent


def data_root() -> Path:
    """The folder that holds ``mappings/``, ``xsd/``, ``conformance/`` and ``docs/``."""
    if (_BUNDLED / "mappings").is_dir():
        return _BUNDLED
    return _SOURCE_ROOT


def mappings_dir() -> Path:
    return data_root() / "mappings"


def xsd_dir() -> Path:
    return data_root() / "xsd"


def scenarios_dir() -> Path:
    """The conformance scenarios (``conformance/scenarios/<id>/``)."""
    return data_root() / "conformance" / "scenarios"


def docs_dir() -> Path:
    """The documentation shipped with the standard (``docs/standard.md``)."""
    return data_root() / "docs"
