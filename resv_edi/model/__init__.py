"""The canonical model: pydantic v2 records every format reads into and writes from.

The retour's records are imported on first use (``resv_edi.model.RetourHeader``, or
``resv_edi.model.retour``): reading a declaration never needs them (start-up).
"""

import importlib
from typing import TYPE_CHECKING, Any

from resv_edi.model.base import Record
from resv_edi.model.declaratie import Declaratiebericht, Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE, RETOUR, MessageKind

if TYPE_CHECKING:
    from resv_edi.model.retour import Retourbericht, RetourHeader, RetourPrestatie, RetourTotalen

__all__ = [
    "DECLARATIE",
    "RETOUR",
    "Declaratiebericht",
    "Header",
    "MessageKind",
    "Prestatie",
    "Record",
    "RetourHeader",
    "RetourPrestatie",
    "RetourTotalen",
    "Retourbericht",
    "Totalen",
]

_RETOUR = ("RetourHeader", "RetourPrestatie", "RetourTotalen", "Retourbericht")


def __getattr__(name: str) -> Any:
    """The retour's record classes, from :mod:`resv_edi.model.retour` when first asked for."""
    if name in _RETOUR:
        return getattr(importlib.import_module("resv_edi.model.retour"), name)
    raise AttributeError(f"module 'resv_edi.model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
