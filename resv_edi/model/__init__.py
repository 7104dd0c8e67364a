"""The canonical model: pydantic v2 records every format reads into and writes from."""

from resv_edi.model.base import Record
from resv_edi.model.declaratie import Declaratiebericht, Header, Prestatie, Totalen
from resv_edi.model.messages import DECLARATIE, RETOUR, MessageKind
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
