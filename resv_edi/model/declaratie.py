"""The Declaratiebericht: header, prestatie lines and totals.

Field aliases are the XML element names (and the JSON keys), generated from the field names
(``resv_plan`` -> ``ResvPlan``); the order of the fields is the order of the ``xs:sequence`` in
``xsd/declaratie.xsd`` and of the EI layout. A message is a ``Header``, then any number of
``Prestatie`` lines, then ``Totalen``: readers yield them in that order, writers take them in
that order, so no format needs the whole message in memory.
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
    Text10,
    Text12,
    Text20,
    Text100,
    Text250,
    Uzovi,
    Valuta,
    Versie,
    Werkgebied,
    XsdVersie,
)
from resv_edi.standard.facts import facts


class Header(Record):
    """Who declares to whom, which message, which period."""

    model_config = ConfigDict(json_schema_extra=one_of_required("OntvangerUzovi", "OntvangerAgb"))

    bericht_code: BerichtCode
    bericht_versie: Versie
    bericht_subversie: Versie
    xsd_versie: XsdVersie
    soort_bericht: SoortBericht
    afzender: Agb
    ontvanger_uzovi: Uzovi | None = None
    ontvanger_agb: Agb | None = None
    bericht_identificatie: Text20
    dagtekening: Datum
    softwareleverancier_code: SoftwareCode | None = None
    softwarepakket_versie: Text10 | None = None
    declaratienummer: Text12
    declaratieperiode_begin: Datum
    declaratieperiode_einde: Datum
    valuta: Valuta
    btw_identificatienummer: Btwnummer | None = None
    iban: Iban | None = None

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

    referentienummer: Text20
    vorig_referentienummer: Text20 | None = None
    prestatiesoort: Prestatiesoort
    prestatiecode: Prestatiecode
    hoofdtaak: Hoofdtaak
    overeenkomst: Text20
    #: prestatie 2 only: the subcontract between executing and commissioning provider (R034)
    opdracht_overeenkomst: Text20 | None = None
    resv_plan: Text20
    zorgverzekeraar: Uzovi
    uitvoerende_zorgaanbieder: Agb | None = None
    opdrachtgevende_zorgaanbieder: Agb | None = None
    werkgebied: Werkgebied
    begindatum: Datum
    einddatum: Datum
    bedrag: Bedrag
    debet_credit: DebetCredit
    btw_bedrag: Bedrag | None = None
    omschrijving: Text100 | None = None
    toelichting: Text250 | None = None

    @property
    def signed_amount(self) -> int:
        """Cents, positive for debit and negative for credit."""
        return self.bedrag if self.debet_credit == "D" else -self.bedrag


class Totalen(Record):
    """Closing totals; they must reconcile with the lines (rules R001, R002)."""

    aantal_prestaties: Aantal
    totaal_bedrag: Bedrag
    debet_credit: DebetCredit

    @property
    def signed_amount(self) -> int:
        return self.totaal_bedrag if self.debet_credit == "D" else -self.totaal_bedrag


class Declaratiebericht(Record):
    """A whole message in one object: for JSON Schema export and small documents only.

    Streaming code never builds this; it handles ``Header``, ``Prestatie`` and ``Totalen``
    one at a time.
    """

    header: Header
    prestaties: list[Prestatie] = Field(min_length=1)
    totalen: Totalen


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
