"""The ``generate`` command as library calls: a synthetic RESV declaration, or a claim file of
an existing Vektis EI standard, written atomically, with a typed result.

>>> write_declaration_file("decl.xml", "xml", 100, seed=1).lines
100
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from resv_edi.formats.ei.resv import is_resv_layout
from resv_edi.formats.registry import get_format
from resv_edi.generate.claims import generate_claims
from resv_edi.generate.declarations import generate_declaration
from resv_edi.lumpsum.mapping import load_mapping
from resv_edi.model.messages import DECLARATIE
from resv_edi.source import atomic_output
from resv_edi.vektis.layout import load_layout

PathLike = str | os.PathLike[str]


class GenerateError(ValueError):
    """What was asked cannot be generated; the message says why (for the user)."""


@dataclass(frozen=True, slots=True)
class DeclarationFile:
    """A synthetic declaration written to ``output`` in ``fmt``."""

    output: str
    fmt: str
    lines: int


@dataclass(frozen=True, slots=True)
class ClaimFile:
    """A synthetic claim file written to ``output``: its standard and version, the persons
    and service lines, records per type and the net total in cents (no patient value)."""

    output: str
    standard: str
    version: str
    persons: int
    lines: int
    records: Mapping[str, int]
    total: int

    def text(self) -> str:
        return (
            f"{self.standard} v{self.version} claim file, {self.lines} lines of "
            f"{self.persons} persons, total {self.total} cents"
        )


def write_declaration_file(
    output: PathLike,
    fmt: str,
    n: int,
    *,
    seed: int = 0,
    prestatiesoort: str = "1",
    year: int = 2027,
) -> DeclarationFile:
    """A valid synthetic declaration of ``n`` lines (both prestaties, credits, all
    hoofdtaken) in ``fmt``; GenerateError when the format cannot hold it."""
    records = generate_declaration(n, seed=seed, prestatiesoort=prestatiesoort, year=year)
    try:
        with atomic_output(output) as out:
            lines = get_format(fmt).writer(records, out, DECLARATIE)
    except ValueError as exc:  # e.g. a total beyond the EI field width
        raise GenerateError(f"cannot write {n} lines as {fmt}: {exc}") from None
    return DeclarationFile(os.fspath(output), fmt, lines)


def write_claim_file(
    output: PathLike,
    standard: str,
    n: int,
    *,
    version: str | None = None,
    seed: int = 0,
    year: int = 2027,
    mapping: str | None = None,
) -> ClaimFile:
    """A claim file of ``standard`` (e.g. ``HA304``) with ``n`` service lines dated in the
    first quarter of ``year``; with ``mapping`` the prestatiecodes come from that lump-sum
    mapping's code list, so that the mapping counts the lines."""
    try:
        layout = load_layout(standard, version)
    except (KeyError, ValueError):
        wanted = f"{standard} {version or ''}".strip()
        raise GenerateError(f"no EI layout for {wanted} in mappings/ei") from None
    if is_resv_layout(layout) is not None:
        raise GenerateError(
            f"{layout.name} is the EI form of this standard, not a claim file: "
            "use --to ei (without --standard)"
        )
    first, last = date(year, 1, 1), date(year, 3, 31)
    try:
        codes = mapping_codes(mapping, first) if mapping else None
        with atomic_output(output) as out:
            summary = generate_claims(
                standard, n, out, seed=seed, codes=codes, version=version, period=(first, last)
            )
    except (KeyError, ValueError) as exc:  # unknown standard, or more than its fields hold
        raise GenerateError(f"cannot generate {n} lines of {standard}: {exc}") from None
    return ClaimFile(
        output=os.fspath(output),
        standard=summary["standard"],
        version=summary["version"],
        persons=summary["persons"],
        lines=summary["lines"],
        records=MappingProxyType(dict(summary["records"])),
        total=summary["total"],
    )


def mapping_codes(name: str, day: date) -> list[str]:
    """The source codes a lump-sum mapping counts on ``day``."""
    codes = [c.code for c in load_mapping(name).codes.codes.values() if c.valid_on(day)]
    if not codes:
        raise ValueError(f"mapping {name} counts no codes on {day}")
    return codes
