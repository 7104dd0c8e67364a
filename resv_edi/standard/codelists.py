"""Versioned, date-effective code lists loaded from ``mappings/codelists/*.toml``.

Each file holds a ``[meta]`` table and ``[[code]]`` entries with ``code``, ``valid_from``,
optional ``valid_to`` and any further attributes (texts, the prestatiesoort a code belongs to).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from resv_edi.standard.paths import mappings_dir


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    valid_from: date
    valid_to: date | None
    attributes: dict[str, Any] = field(default_factory=dict)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def text(self, lang: str = "en") -> str:
        return str(self.attributes.get(lang, ""))


@dataclass(frozen=True, slots=True)
class CodeList:
    name: str
    version: str
    provisional: bool
    codes: dict[str, Code]
    meta: dict[str, Any] = field(default_factory=dict)  # the file's [meta] table

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def get(self, code: str) -> Code | None:
        return self.codes.get(code)

    def is_valid(self, code: str, on: date) -> bool:
        entry = self.codes.get(code)
        return entry is not None and entry.valid_on(on)

    def text(self, code: str, lang: str = "en") -> str:
        entry = self.codes.get(code)
        return entry.text(lang) if entry else ""


@cache
def codelist(name: str) -> CodeList:
    """The code list ``mappings/codelists/<name>.toml``."""
    with (mappings_dir() / "codelists" / f"{name}.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    meta = raw.get("meta", {})
    codes: dict[str, Code] = {}
    for entry in raw.get("code", []):
        attrs = {k: v for k, v in entry.items() if k not in ("code", "valid_from", "valid_to")}
        code = str(entry["code"])
        if code in codes:
            raise ValueError(f"code list {name}: duplicate code {code}")
        codes[code] = Code(code, entry["valid_from"], entry.get("valid_to"), attrs)
    return CodeList(
        name=meta.get("name", name),
        version=str(meta.get("version", "")),
        provisional=bool(meta.get("provisional", False)),
        codes=codes,
        meta=dict(meta),
    )
