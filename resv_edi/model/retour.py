"""The Retourbericht: the receiver's answer to a Declaratiebericht, line by line.

Shape as in Vektis return messages and iWmo 325: a header that refers to the original
message, per line the original reference with the granted amount and 1 to 3 return codes,
return codes at message level, and totals submitted and granted.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from resv_edi.model.base import Record, at_most_one_of
from resv_edi.model.types import (
    Aantal,
    Agb,
    Bedrag,
    BerichtCode,
    Datum,
    DebetCredit,
    Retourcode,
    SoortBericht,
    Text12,
    Text20,
    Text150,
    Uzovi,
    Versie,
    XsdVersie,
)


class RetourHeader(Record):
    """The answer's header. The references to the declaration are optional because a
    declaration that could not be read at all is still answered (code 0001 + Toelichting)."""

    model_config = ConfigDict(json_schema_extra=at_most_one_of("AfzenderUzovi", "AfzenderAgb"))

    bericht_code: BerichtCode
    bericht_versie: Versie
    bericht_subversie: Versie
    xsd_versie: XsdVersie
    soort_bericht: SoortBericht
    afzender_uzovi: Uzovi | None = None
    afzender_agb: Agb | None = None
    ontvanger: Agb | None = None
    bericht_identificatie: Text20
    dagtekening: Datum
    referentie_bericht_identificatie: Text20 | None = None
    referentie_dagtekening: Datum | None = None
    declaratienummer: Text12 | None = None
    retourcodes: list[Retourcode] = Field(alias="Retourcode", min_length=1, max_length=3)
    toelichting: Text150 | None = None

    @model_validator(mode="after")
    def _one_sender(self) -> RetourHeader:
        if self.afzender_uzovi is not None and self.afzender_agb is not None:
            raise PydanticCustomError(
                "resv_one_sender", "at most one of AfzenderUzovi and AfzenderAgb is allowed"
            )
        return self


class RetourPrestatie(Record):
    referentienummer: Text20
    ingediend_bedrag: Bedrag
    ingediend_debet_credit: DebetCredit
    toegekend_bedrag: Bedrag
    toegekend_debet_credit: DebetCredit
    retourcodes: list[Retourcode] = Field(alias="Retourcode", min_length=1, max_length=3)

    @property
    def signed_submitted(self) -> int:
        return _signed(self.ingediend_bedrag, self.ingediend_debet_credit)

    @property
    def signed_granted(self) -> int:
        return _signed(self.toegekend_bedrag, self.toegekend_debet_credit)


class RetourTotalen(Record):
    aantal_prestaties: Aantal
    totaal_ingediend_bedrag: Bedrag
    ingediend_debet_credit: DebetCredit
    totaal_toegekend_bedrag: Bedrag
    toegekend_debet_credit: DebetCredit

    @property
    def signed_submitted(self) -> int:
        return _signed(self.totaal_ingediend_bedrag, self.ingediend_debet_credit)

    @property
    def signed_granted(self) -> int:
        return _signed(self.totaal_toegekend_bedrag, self.toegekend_debet_credit)


def _signed(cents: int, debet_credit: str) -> int:
    return cents if debet_credit == "D" else -cents


class Retourbericht(Record):
    """A whole return message; for JSON Schema export and small documents only."""

    header: RetourHeader
    prestaties: list[RetourPrestatie]
    totalen: RetourTotalen
