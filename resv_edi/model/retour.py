"""The Retourbericht: the receiver's answer to a Declaratiebericht, line by line.

Shape as in Vektis return messages and iWmo 325: a header that refers to the original
message, per line the original reference with the granted amount and 1 to 3 return codes,
return codes at message level, and totals submitted and granted.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field, model_validator

from resv_edi.model.base import Record, one_of_required
from resv_edi.model.types import (
    Aantal,
    Agb,
    Bedrag,
    BerichtCode,
    Datum,
    DebetCredit,
    Retourcode,
    SoortBericht,
    Text,
    Uzovi,
    Versie,
    XsdVersie,
)


class RetourHeader(Record):
    model_config = ConfigDict(json_schema_extra=one_of_required("AfzenderUzovi", "AfzenderAgb"))

    bericht_code: BerichtCode = Field(alias="BerichtCode")
    bericht_versie: Versie = Field(alias="BerichtVersie")
    bericht_subversie: Versie = Field(alias="BerichtSubversie")
    xsd_versie: XsdVersie = Field(alias="XsdVersie")
    soort_bericht: SoortBericht = Field(alias="SoortBericht")
    afzender_uzovi: Uzovi | None = Field(default=None, alias="AfzenderUzovi")
    afzender_agb: Agb | None = Field(default=None, alias="AfzenderAgb")
    ontvanger: Agb = Field(alias="Ontvanger")
    bericht_identificatie: Text(20) = Field(alias="BerichtIdentificatie")
    dagtekening: Datum = Field(alias="Dagtekening")
    referentie_bericht_identificatie: Text(20) = Field(alias="ReferentieBerichtIdentificatie")
    referentie_dagtekening: Datum = Field(alias="ReferentieDagtekening")
    declaratienummer: Text(12) = Field(alias="Declaratienummer")
    retourcodes: list[Retourcode] = Field(alias="Retourcode", min_length=1, max_length=3)

    @model_validator(mode="after")
    def _one_sender(self) -> RetourHeader:
        if (self.afzender_uzovi is None) == (self.afzender_agb is None):
            raise ValueError("exactly one of AfzenderUzovi and AfzenderAgb is required")
        return self


class RetourPrestatie(Record):
    referentienummer: Text(20) = Field(alias="Referentienummer")
    ingediend_bedrag: Bedrag = Field(alias="IngediendBedrag")
    ingediend_debet_credit: DebetCredit = Field(alias="IngediendDebetCredit")
    toegekend_bedrag: Bedrag = Field(alias="ToegekendBedrag")
    toegekend_debet_credit: DebetCredit = Field(alias="ToegekendDebetCredit")
    retourcodes: list[Retourcode] = Field(alias="Retourcode", min_length=1, max_length=3)


class RetourTotalen(Record):
    aantal_prestaties: Aantal = Field(alias="AantalPrestaties")
    totaal_ingediend_bedrag: Bedrag = Field(alias="TotaalIngediendBedrag")
    ingediend_debet_credit: DebetCredit = Field(alias="IngediendDebetCredit")
    totaal_toegekend_bedrag: Bedrag = Field(alias="TotaalToegekendBedrag")
    toegekend_debet_credit: DebetCredit = Field(alias="ToegekendDebetCredit")


class Retourbericht(Record):
    """A whole return message; for JSON Schema export and small documents only."""

    header: RetourHeader = Field(alias="Header")
    prestaties: list[RetourPrestatie] = Field(alias="Prestaties")
    totalen: RetourTotalen = Field(alias="Totalen")
