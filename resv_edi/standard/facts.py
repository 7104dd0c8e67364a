"""Facts of the standard from ``mappings/standard.toml`` (versions, namespaces, periods)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache

from resv_edi.standard.paths import mappings_dir


@dataclass(frozen=True, slots=True)
class MessageFacts:
    code: str
    version: int
    subversion: int
    ei_standard: str


@dataclass(frozen=True, slots=True)
class RetiredRelease:
    """An earlier release of the standard, recognised only to be refused clearly (F005)."""

    release: str  # "1.0"
    namespaces: tuple[str, ...]
    version: int
    subversion: int


@dataclass(frozen=True, slots=True)
class StandardFacts:
    version: str
    basisschema_version: str
    ns_basis: str
    ns_declaratie: str
    ns_retour: str
    declaratie: MessageFacts
    retour: MessageFacts
    first_day: date
    last_day: date
    line_amount_digits: int
    vat_amount_digits: int
    total_amount_digits: int
    free_text_fields: tuple[str, ...]
    reference_fields: tuple[str, ...] = ()
    credit_exempt: tuple[str, ...] = ()
    release_date: date | None = None  # of this version's release bundle
    supported_releases: tuple[str, ...] = ()
    retired: tuple[RetiredRelease, ...] = ()

    @property
    def release(self) -> str:
        """This release as major.minor (``1.1``)."""
        return self.version.rsplit(".", 1)[0]

    def retired_release(
        self,
        *,
        namespace: str | None = None,
        xsd_version: str | None = None,
        version: int | None = None,
        subversion: int | None = None,
    ) -> str | None:
        """The retired release a document names by its namespace, its XsdVersie or its
        BerichtVersie and -Subversie; ``None`` when it names none."""
        for old in self.retired:
            if namespace is not None and namespace in old.namespaces:
                return old.release
            if xsd_version is not None and xsd_version.rsplit(".", 1)[0] == old.release:
                return old.release
            if version is not None and (version, subversion) == (old.version, old.subversion):
                return old.release
        return None


@cache
def facts() -> StandardFacts:
    with (mappings_dir() / "standard.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    ns = raw["namespaces"]
    msgs = raw["messages"]
    return StandardFacts(
        version=raw["standard"]["version"],
        basisschema_version=raw["standard"]["basisschema_version"],
        ns_basis=ns["basisschema"],
        ns_declaratie=ns["declaratie"],
        ns_retour=ns["retour"],
        declaratie=MessageFacts(**msgs["declaratie"]),
        retour=MessageFacts(**msgs["retour"]),
        first_day=raw["experiment"]["first_day"],
        last_day=raw["experiment"]["last_day"],
        line_amount_digits=raw["amount_digits"]["line"],
        vat_amount_digits=raw["amount_digits"]["vat"],
        total_amount_digits=raw["amount_digits"]["total"],
        free_text_fields=tuple(raw["privacy"]["free_text_fields"]),
        reference_fields=tuple(raw["privacy"]["reference_fields"]),
        credit_exempt=tuple(raw["credits"]["exempt"]),
        release_date=raw["standard"].get("release_date"),
        supported_releases=tuple(raw["versions"]["supported"]),
        retired=tuple(
            RetiredRelease(name, tuple(old["namespaces"]), old["version"], old["subversion"])
            for name, old in raw["versions"].get("retired", {}).items()
        ),
    )
