"""The agreement register: the written agreements (BR/REG-27110 art. 4.1) a ledger checks
declaration lines against.

One agreement per row (CSV) or object (JSON): a written agreement of a provider with an insurer,
or, with ``Opdrachtgever``, a subcontract of an executing provider with the commissioning RESV
(what prestatie 2 names in ``OpdrachtOvereenkomst``). The columns are the fields of
:class:`Overeenkomst`, spelled as the message's elements (``docs/agreements.schema.json`` is
its JSON Schema, generated from the model). An import is one transaction: every row is
checked first and a file with any bad row changes nothing. Importing an agreement again (same
provider and reference) replaces it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import Field, ValidationError, model_validator

from resv_edi.ledger.db import Database
from resv_edi.ledger.errors import LedgerError
from resv_edi.ledger.schema import now
from resv_edi.model.base import Record
from resv_edi.model.types import Agb, Bedrag, Datum, Hoofdtaak, Text20, Uzovi, Werkgebied

#: the columns of a CSV register, in order (also the JSON keys)
COLUMNS = (
    "Overeenkomst",
    "Zorgaanbieder",
    "Zorgverzekeraar",
    "GeldigVanaf",
    "GeldigTot",
    "Werkgebied",
    "Hoofdtaken",
    "JaarBedrag",
    "Opdrachtgever",
)
_MAX_FILE = 64 * 1024 * 1024  # a register is small; refuse anything larger unread


class Overeenkomst(Record):
    """A written agreement between a provider (the RESV) and an insurer."""

    overeenkomst: Text20 = Field(
        alias="Overeenkomst",
        description="Agreement reference, as declaration lines name it in Overeenkomst",
    )
    zorgaanbieder: Agb = Field(alias="Zorgaanbieder", description="AGB code of the provider")
    zorgverzekeraar: Uzovi = Field(alias="Zorgverzekeraar", description="UZOVI of the insurer")
    geldig_vanaf: Datum = Field(alias="GeldigVanaf", description="First day in force")
    geldig_tot: Datum = Field(alias="GeldigTot", description="Last day in force (inclusive)")
    werkgebied: Werkgebied = Field(
        alias="Werkgebied", description="Region it covers (code list werkgebieden)"
    )
    hoofdtaken: list[Hoofdtaak] = Field(
        alias="Hoofdtaken",
        min_length=1,
        description="Hoofdtaken it covers; 4 includes 4a and 4b. CSV: separated by spaces",
    )
    jaar_bedrag: Bedrag | None = Field(
        default=None,
        alias="JaarBedrag",
        description="Agreed sum per calendar year in euro cents (optional)",
    )
    opdrachtgever: Agb | None = Field(
        default=None,
        alias="Opdrachtgever",
        description="Subcontracts only: AGB code of the commissioning RESV; Zorgaanbieder is "
        "then the executing provider and Overeenkomst the OpdrachtOvereenkomst of prestatie 2",
    )

    @model_validator(mode="after")
    def _period(self) -> Overeenkomst:
        if self.geldig_tot < self.geldig_vanaf:
            raise ValueError("GeldigTot lies before GeldigVanaf")
        if len(set(self.hoofdtaken)) != len(self.hoofdtaken):
            raise ValueError("a hoofdtaak is listed twice")
        return self


def agreement_schema() -> dict[str, Any]:
    """The JSON Schema of a JSON register: ``{"Overeenkomsten": [Overeenkomst, ...]}``."""
    item = Overeenkomst.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "RESV agreement register",
        "description": "Written agreements for resv-edi's ledger (BR/REG-27110 art. 4.1)",
        "type": "object",
        "required": ["Overeenkomsten"],
        "additionalProperties": False,
        "properties": {
            "Overeenkomsten": {"type": "array", "items": {"$ref": "#/$defs/Overeenkomst"}}
        },
        "$defs": {"Overeenkomst": item},
    }


@dataclass
class ImportResult:
    file: str
    imported: int = 0
    replaced: int = 0
    errors: list[str] = field(default_factory=list)


def read_agreements(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row or item number, raw values) of a ``.csv`` or ``.json`` register."""
    file = Path(path)
    try:
        if file.stat().st_size > _MAX_FILE:
            raise LedgerError(f"{path}: larger than {_MAX_FILE} bytes; not an agreement register")
        data = file.read_bytes()
    except OSError as exc:
        raise LedgerError(f"{path}: {exc.strerror or exc}") from exc
    if file.suffix.lower() == ".json":
        yield from _json_rows(path, data)
    elif file.suffix.lower() == ".csv":
        yield from _csv_rows(path, data)
    else:
        raise LedgerError(f"{path}: an agreement register is a .csv or .json file")


def _json_rows(path: str | Path, data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise LedgerError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("Overeenkomsten"), list):
        raise LedgerError(f'{path}: expected an object {{"Overeenkomsten": [...]}}')
    for number, item in enumerate(doc["Overeenkomsten"], 1):
        yield number, item if isinstance(item, dict) else {"": item}


def _csv_rows(path: str | Path, data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LedgerError(f"{path}: not UTF-8 text") from exc
    try:  # a comma, semicolon (Dutch spreadsheets) or tab between the cells
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    missing = [c for c in COLUMNS[:-2] if c not in (reader.fieldnames or [])]
    if missing:
        raise LedgerError(f"{path}: columns missing in the first row: {', '.join(missing)}")
    for row in reader:
        values: dict[str, Any] = {k: (v or "").strip() for k, v in row.items() if k is not None}
        values["Hoofdtaken"] = values.get("Hoofdtaken", "").split()
        for optional in ("JaarBedrag", "Opdrachtgever"):
            if not values.get(optional):
                values.pop(optional, None)
        if None in row:
            values["(extra)"] = row[None]  # more cells than columns: the model refuses it
        yield reader.line_num, values


def parse_agreements(path: str | Path) -> tuple[list[Overeenkomst], list[str]]:
    """All agreements of the register, and one message per bad row."""
    good: list[Overeenkomst] = []
    errors: list[str] = []
    for number, raw in read_agreements(path):
        try:
            good.append(Overeenkomst.model_validate(raw))
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or "row"
                errors.append(f"{path}:{number}: {where}: {err['msg']}")
    return good, errors


def import_agreements(db: Database, path: str | Path) -> ImportResult:
    """Check the register at ``path`` and, when every row is sound, store it (one transaction)."""
    result = ImportResult(str(path))
    agreements, result.errors = parse_agreements(path)
    if result.errors:
        return result
    stamp = now()
    with db.transaction():
        for item in agreements:
            key = (item.zorgaanbieder, item.overeenkomst)
            removed = db.execute(
                "DELETE FROM agreements WHERE provider = ? AND reference = ? RETURNING id", key
            )
            result.replaced += bool(removed)
            agreement_id = db.insert_id(
                "INSERT INTO agreements (reference, provider, insurer, valid_from, valid_to,"
                " region, annual_sum, commissioning, imported_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.overeenkomst,
                    item.zorgaanbieder,
                    item.zorgverzekeraar,
                    item.geldig_vanaf,
                    item.geldig_tot,
                    item.werkgebied,
                    item.jaar_bedrag,
                    item.opdrachtgever,
                    stamp,
                ),
            )
            db.execute_many(
                "INSERT INTO agreement_tasks (agreement_id, hoofdtaak) VALUES (?, ?)",
                [(agreement_id, task) for task in item.hoofdtaken],
            )
            result.imported += 1
    return result
