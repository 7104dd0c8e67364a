"""The Declaratiebericht: header, prestatie lines and totals.

Field aliases are the XML element names (and the JSON keys); the order of the fields is the
order of the ``xs:sequence`` in ``xsd/declaratie.xsd`` and of the EI layout. A message is a
``Header``, then any number of ``Prestatie`` lines, then ``Totalen``: readers yield them in that
order, writers take them in that order, so no format needs the whole message in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from resv_edi.model.base import Record, one_of_required
from resv_edi.model.types import (
    Aantal,
    Agb,
    Bedrag,
    BerichtCode,
    Btwnummer,
    Datum,
    DebetCredit,
    Hoofdtaak,
    Iban,
    Prestatiecode,
    Prestatiesoort,
    SoftwareCode,
    SoortBericht,
    Text,
    Uzovi,
    Valuta,
    Versie,
    XsdVersie,
)
from resv_edi.standard.facts import facts


class Header(Record):
    """Who declares to whom, which message, which period."""

    model_config = ConfigDict(json_schema_extra=one_of_required("OntvangerUzovi", "OntvangerAgb"))

    bericht_code: BerichtCode = Field(alias="BerichtCode")
    bericht_versie: Versie = Field(alias="BerichtVersie")
    bericht_subversie: Versie = Field(alias="BerichtSubversie")
    xsd_versie: XsdVersie = Field(alias="XsdVersie")
    soort_bericht: SoortBericht = Field(alias="SoortBericht")
    afzender: Agb = Field(alias="Afzender")
    ontvanger_uzovi: Uzovi | None = Field(default=None, alias="OntvangerUzovi")
    ontvanger_agb: Agb | None = Field(default=None, alias="OntvangerAgb")
    bericht_identificatie: Text(20) = Field(alias="BerichtIdentificatie")
    dagtekening: Datum = Field(alias="Dagtekening")
    softwareleverancier_code: SoftwareCode | None = Field(
        default=None, alias="SoftwareleverancierCode"
    )
    softwarepakket_versie: Text(10) | None = Field(default=None, alias="SoftwarepakketVersie")
    declaratienummer: Text(12) = Field(alias="Declaratienummer")
    declaratieperiode_begin: Datum = Field(alias="DeclaratieperiodeBegin")
    declaratieperiode_einde: Datum = Field(alias="DeclaratieperiodeEinde")
    valuta: Valuta = Field(alias="Valuta")
    btw_identificatienummer: Btwnummer | None = Field(default=None, alias="BtwIdentificatienummer")
    iban: Iban | None = Field(default=None, alias="Iban")

    @model_validator(mode="after")
    def _one_receiver(self) -> Header:
        if (self.ontvanger_uzovi is None) == (self.ontvanger_agb is None):
            raise PydanticCustomError(
                "resv_one_receiver",
                "exactly one of OntvangerUzovi and OntvangerAgb is required",
                {"both": self.ontvanger_uzovi is not None},
            )
        return self

    @property
    def ontvanger(self) -> str:
        return self.ontvanger_uzovi or self.ontvanger_agb or ""


class Prestatie(Record):
    """One declaration line; never linked to a patient."""

    referentienummer: Text(20) = Field(alias="Referentienummer")
    vorig_referentienummer: Text(20) | None = Field(default=None, alias="VorigReferentienummer")
    prestatiesoort: Prestatiesoort = Field(alias="Prestatiesoort")
    prestatiecode: Prestatiecode = Field(alias="Prestatiecode")
    hoofdtaak: Hoofdtaak = Field(alias="Hoofdtaak")
    overeenkomst: Text(20) = Field(alias="Overeenkomst")
    resv_plan: Text(20) = Field(alias="ResvPlan")
    zorgverzekeraar: Uzovi = Field(alias="Zorgverzekeraar")
    uitvoerende_zorgaanbieder: Agb | None = Field(default=None, alias="UitvoerendeZorgaanbieder")
    opdrachtgevende_zorgaanbieder: Agb | None = Field(
        default=None, alias="OpdrachtgevendeZorgaanbieder"
    )
    werkgebied: Text(10) = Field(alias="Werkgebied")
    begindatum: Datum = Field(alias="Begindatum")
    einddatum: Datum = Field(alias="Einddatum")
    bedrag: Bedrag = Field(alias="Bedrag")
    debet_credit: DebetCredit = Field(alias="DebetCredit")
    btw_bedrag: Bedrag | None = Field(default=None, alias="BtwBedrag")
    omschrijving: Text(100) | None = Field(default=None, alias="Omschrijving")
    toelichting: Text(250) | None = Field(default=None, alias="Toelichting")

    @property
    def signed_amount(self) -> int:
        """Cents, positive for debit and negative for credit."""
        return self.bedrag if self.debet_credit == "D" else -self.bedrag


class Totalen(Record):
    """Closing totals; they must reconcile with the lines (rules R001, R002)."""

    aantal_prestaties: Aantal = Field(alias="AantalPrestaties")
    totaal_bedrag: Bedrag = Field(alias="TotaalBedrag")
    debet_credit: DebetCredit = Field(alias="DebetCredit")

    @property
    def signed_amount(self) -> int:
        return self.totaal_bedrag if self.debet_credit == "D" else -self.totaal_bedrag


class Declaratiebericht(Record):
    """A whole message in one object: for JSON Schema export and small documents only.

    Streaming code never builds this; it handles ``Header``, ``Prestatie`` and ``Totalen``
    one at a time.
    """

    header: Header = Field(alias="Header")
    prestaties: list[Prestatie] = Field(alias="Prestaties", min_length=1)
    totalen: Totalen = Field(alias="Totalen")


def raw_signed_amount(raw: Mapping[str, Any] | None) -> int | None:
    """The signed amount (cents) of a line the model refused, from its values as read
    (:attr:`Entry.raw`), when its ``Bedrag`` and ``DebetCredit`` are sound by themselves;
    else ``None``."""
    if not raw:
        return None
    amount, dc = raw.get("Bedrag"), raw.get("DebetCredit")
    if isinstance(amount, str) and amount.isascii() and amount.isdigit():
        amount = int(amount)
    if type(amount) is not int or not 0 <= amount < 10 ** facts().line_amount_digits:
        return None
    if dc not in ("D", "C"):
        return None
    return amount if dc == "D" else -amount
