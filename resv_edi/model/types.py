"""Simple types of the standard: the pydantic side of ``xsd/basisschema.xsd``.

Each type here has a twin ``LDT_*`` simple type in the basisschema; ``tests/model`` proves that
both accept and reject the same values. Values may arrive as text (XML, EI, CSV) or as JSON
natives; both are accepted where the XSD lexical space allows it, nothing more (no floats for
amounts, no timestamps for dates, no integers for codes).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeAlias

from annotated_types import Ge, Le
from pydantic import BeforeValidator, StringConstraints, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

# Printable ISO-8859-1 without leading or trailing space: every text fits an EI file unchanged.
_TEXT_CHAR = "\x20-\x7e\xa0-\xff"
_TEXT_EDGE = "\x21-\x7e\xa1-\xff"
TEXT_PATTERN = f"^[{_TEXT_EDGE}](?:[{_TEXT_CHAR}]*[{_TEXT_EDGE}])?$"
_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

MAX_AMOUNT = 10**15 - 1  # 15 digits; the EI widths are checked by rule R017


_XML_SPACE = " \t\r\n"

#: pass as ``context`` when validating JSON input: numbers must then be JSON numbers
JSON_CONTEXT = {"json": True}


def _from_json(info: ValidationInfo) -> bool:
    return info.mode == "json" or bool(info.context and info.context.get("json"))


def _as_int(value: Any, info: ValidationInfo) -> Any:
    """Integers; from text only digits (XSD lexical form, whitespace collapsed; not in JSON).

    Floats and booleans are refused, as the XSD refuses them; so is a JSON number written with
    a fraction or an exponent (``6.0``, ``9.5e5``), even when its value is whole.
    """
    kind = type(value)
    if kind is int:
        return value
    if kind is str:
        if _from_json(info):
            raise PydanticCustomError(
                "resv_number_not_text", "a whole number is required, not text"
            )
        if value.isdigit() and value.isascii():
            return int(value)  # the common case from XML and EI text
        text = value.strip(_XML_SPACE)
        if _DIGITS.fullmatch(text):
            return int(text)
        raise PydanticCustomError("resv_digits", "only digits are allowed")
    if kind is bool:
        raise PydanticCustomError("resv_whole_number", "a whole number is required, not a boolean")
    if isinstance(value, float | Decimal):
        # standard 1.1: 950000.0, 6.0 and 9.5e5 are refused, never truncated, rounded or
        # accepted, although JSON Schema's "integer" admits 6.0 (the same number to it)
        raise PydanticCustomError(
            "resv_fraction", "a whole number is required, without a fraction or exponent"
        )
    raise PydanticCustomError("resv_whole_number", "a whole number is required")


#: before-validators that return every ``int`` unchanged: a block screen may judge a column
#: of whole numbers by the field's ``Ge``/``Le`` alone (``tests/rules/test_column_screens.py``)
INT_KEEPING = frozenset({_as_int})


def _as_date(value: Any, info: ValidationInfo) -> Any:
    """Dates as ``CCYY-MM-DD`` text (no time zone) or ``datetime.date``."""
    if type(value) is date:
        return value
    if isinstance(value, str):
        return _parse_date(value if _from_json(info) else value.strip(_XML_SPACE))
    raise PydanticCustomError("resv_date", "a date CCYY-MM-DD is required")


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> date:
    """Dates repeat across lines (month boundaries): parse each text once."""
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise PydanticCustomError(
                "resv_calendar_date", "not a calendar date: {text}", {"text": text}
            ) from exc
    raise PydanticCustomError("resv_date", "a date CCYY-MM-DD is required")


# Texts of 1..n printable Latin-1 characters, by maximum length n: real type aliases, twins
# of the basisschema's text types, which are named by meaning (LDT_Referentie: 20, ...).
Text10: TypeAlias = Annotated[
    str, StringConstraints(min_length=1, max_length=10, pattern=TEXT_PATTERN)
]
Text12: TypeAlias = Annotated[
    str, StringConstraints(min_length=1, max_length=12, pattern=TEXT_PATTERN)
]
Text20: TypeAlias = Annotated[
    str, StringConstraints(min_length=1, max_length=20, pattern=TEXT_PATTERN)
]
Text40: TypeAlias = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=TEXT_PATTERN)
]
Text100: TypeAlias = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=TEXT_PATTERN)
]
Text150: TypeAlias = Annotated[
    str, StringConstraints(min_length=1, max_length=150, pattern=TEXT_PATTERN)
]
Text250: TypeAlias = Annotated[
    str, StringConstraints(min_length=1, max_length=250, pattern=TEXT_PATTERN)
]

Agb = Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$")]
Uzovi = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
BerichtCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
Versie = Annotated[int, Ge(0), Le(99), BeforeValidator(_as_int)]
XsdVersie = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$")]
SoftwareCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
Btwnummer = Annotated[str, StringConstraints(pattern=r"^NL[0-9]{9}B[0-9]{2}$")]
Iban = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")]
Prestatiecode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{6}$")]
#: a code of the (provisional) RESV region list ``mappings/codelists/werkgebieden.toml``
Werkgebied = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{4}$")]
Retourcode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
Datum = Annotated[
    date,
    BeforeValidator(_as_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
]
Bedrag = Annotated[int, Ge(0), Le(MAX_AMOUNT), BeforeValidator(_as_int)]
Aantal = Annotated[int, Ge(0), Le(9_999_999), BeforeValidator(_as_int)]
DebetCredit = Literal["D", "C"]
SoortBericht = Literal["P", "T"]
Valuta = Literal["EUR"]
Prestatiesoort = Literal["1", "2"]
Hoofdtaak = Literal["1", "2", "3", "4", "4a", "4b", "5"]
