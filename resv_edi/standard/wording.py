"""Words for people, in Dutch and English: the language, amounts, field-level problems, labels.

The words are data (``mappings/rules/wording.toml``). Placeholder values of an issue may be
:class:`Phrase` (a text in both languages) or :class:`Money` (signed cents): both render in the
language of the report, and stay plain data (English text, cents) in machine output.

>>> Money(123456).render("nl")
'€ 1.234,56'
>>> language_from_env({"LANG": "en_GB.UTF-8"})
'en'
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from resv_edi.privacy import redact
from resv_edi.standard.paths import mappings_dir

LANGUAGES = ("nl", "en")
_SHOWN = 40  # longest value quoted in a message, in characters


@cache
def _words() -> dict[str, Any]:
    with (mappings_dir() / "rules" / "wording.toml").open("rb") as fh:
        return tomllib.load(fh)


def default_language() -> str:
    return str(_words()["meta"]["default_language"])


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The language of the locale (the first set of LC_ALL, LC_MESSAGES, LANG), else Dutch."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            lang = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return lang if lang in LANGUAGES else default_language()
    return default_language()


@dataclass(frozen=True, slots=True)
class Phrase:
    """A text in Dutch and English (a placeholder value that follows the report's language)."""

    nl: str
    en: str

    def render(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl

    def plain(self) -> str:
        return self.en

    def __str__(self) -> str:
        return self.en


class Money(int):
    """Signed cents, shown in euros with the language's separators (``€ 1.234,56`` in Dutch)."""

    def render(self, lang: str) -> str:
        style = _words()["money"]["en" if lang == "en" else "nl"]
        euros, cents = divmod(abs(int(self)), 100)
        grouped = f"{euros:,}".replace(",", style["thousands"])
        sign = "-" if self < 0 else ""
        return f"{style['symbol']}{sign}{grouped}{style['decimal']}{cents:02d}"

    def plain(self) -> int:
        return int(self)

    def __str__(self) -> str:
        return self.render("en")


def phrase(group: str, key: str, **params: Any) -> Phrase:
    """The phrase ``[group].key`` of the wording file with its placeholders filled per language."""
    entry = _words()[group][key]
    return Phrase(
        nl=entry["nl"].format_map(_Values(params, "nl")),
        en=entry["en"].format_map(_Values(params, "en")),
    )


def translated(text: str) -> str | Phrase:
    """A reason the library gives in English, as a :class:`Phrase` when the wording file
    translates it; else the text itself."""
    entry = _words().get("reasons", {}).get(text)
    return Phrase(nl=entry["nl"], en=entry["en"]) if entry else text


def label(key: str, lang: str, **params: Any) -> str:
    """A label of the text report (``[labels]``) in ``lang``."""
    return phrase("labels", key, **params).render(lang)


def severity_word(severity: str, lang: str) -> str:
    return phrase("severity", severity).render(lang)


def show(value: Any, lang: str) -> str:
    """One placeholder value as text in ``lang``."""
    render = getattr(value, "render", None)
    if callable(render):
        return str(render(lang))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Values(dict[str, Any]):
    """Placeholder values rendered in one language; unknown placeholders stay visible."""

    def __init__(self, params: Mapping[str, Any], lang: str) -> None:
        super().__init__(params)
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return show(super().__getitem__(key), self.lang)

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, params: Mapping[str, Any], lang: str) -> str:
    """``template`` with ``params`` rendered in ``lang``."""
    return template.format_map(_Values(params, lang))


# -- field-level problems (pydantic errors) in words ------------------------------------------


def explain(error: Mapping[str, Any]) -> Phrase:
    """What a field must be and what was found, in words, for one pydantic error
    (``ValidationError.errors()`` item). Never a regular expression or a pydantic text."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    value = error.get("input")
    errors = _words()["errors"]
    params: dict[str, Any] = {"found": _found(kind, value, ctx)}
    if kind == "string_pattern_mismatch":
        params["expected"] = _pattern_words(str(ctx.get("pattern", "")))
    elif kind == "string_too_long":
        params["count"] = len(value) if isinstance(value, str) else "?"
        params["max_length"] = ctx.get("max_length")
    elif kind == "string_too_short":
        params["min_length"] = ctx.get("min_length")
    elif kind == "literal_error":
        params["expected"] = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    elif kind in ("less_than_equal", "greater_than_equal"):
        params.update({k: ctx[k] for k in ("le", "ge") if k in ctx})
    if kind not in errors:
        kind = "other"
    entry = errors[kind]
    return Phrase(
        nl=entry["nl"].format_map(_Values(params, "nl")),
        en=entry["en"].format_map(_Values(params, "en")),
    )


def _found(kind: str, value: Any, ctx: Mapping[str, Any]) -> Phrase:
    if kind == "resv_one_receiver":
        return phrase("found", "both" if ctx.get("both") else "none")
    if value is None or value == "":
        return phrase("found", "empty")
    if kind == "resv_fraction" and isinstance(value, float | int):
        return phrase("found", "number", value=value)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return phrase("found", "other", kind=type(value).__name__)
    if isinstance(value, int):
        return phrase("found", "number", value=value)
    if kind == "resv_number_not_text":
        return phrase("found", "text", value=_quoted(value))
    if value.isascii() and value.isdigit() and kind == "string_pattern_mismatch":
        if len(value) == 1:
            return phrase("found", "one_digit")
        return phrase("found", "digits", count=len(value))
    if kind == "string_pattern_mismatch":
        return phrase("found", "value_length", value=_quoted(value), count=len(value))
    return phrase("found", "value", value=_quoted(value))


def _quoted(value: str) -> str:
    shown = value if len(value) <= _SHOWN else value[: _SHOWN - 3] + "..."
    return redact(shown)


@cache
def _patterns() -> dict[str, Phrase]:
    return {
        entry["pattern"]: Phrase(nl=entry["nl"], en=entry["en"])
        for entry in _words()["patterns"].values()
    }


def _pattern_words(pattern: str) -> Phrase:
    known = _patterns().get(pattern)
    if known is not None:
        return known
    return Phrase(
        nl="een waarde in de vorm die de standaard voorschrijft",
        en="a value in the form the standard prescribes",
    )


def pattern_has_words(pattern: str) -> bool:
    """Whether ``pattern`` (of the model) is described in the wording file."""
    return pattern in _patterns()
