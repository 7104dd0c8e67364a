"""One error type for the whole pipeline: :class:`Issue` with a :class:`Location` and a code.

Every reader, validator and converter reports problems as ``Issue`` objects whose ``code``
comes from the issue catalogue (``mappings/rules/catalogue.toml``). Exit codes live here too,
so that the CLI and scripts agree on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad an issue is. ``FATAL`` means the rest of the input could not be read; ``INFO``
    is a note (e.g. which check could not run and why) that never makes a file invalid."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    FATAL = "fatal"


class ExitCode(IntEnum):
    """Exit codes of the ``resv-edi`` command; scripts may rely on them."""

    OK = 0
    INVALID = 1
    USAGE = 2  # usage error, unreadable input, or input rejected as unsafe


@dataclass(frozen=True, slots=True)
class Location:
    """Where an issue was found. Every field is optional; fill what is known.

    ``path`` is an XPath (XML), a JSON pointer (JSON/NDJSON) or a field id (EI).
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None
    record_type: str | None = None
    field: str | None = None
    reference: str | None = None
    index: int | None = None  # the line's number within its message (1-based)

    def with_(self, **changes: Any) -> Location:
        """A copy with some fields replaced."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return Location(**values)

    def __str__(self) -> str:
        from resv_edi.terminal import printable

        parts = [printable(self.file or "<input>")]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        text = ":".join(parts)
        extra = [
            f"{label} {value}"
            for label, value in (
                ("record", self.record_type),
                ("at", self.path and _redact(self.path)),
                ("field", self.field),
                ("ref", self.reference and _redact(self.reference)),
            )
            if value
        ]
        return f"{text} ({printable(', '.join(extra))})" if extra else text


@dataclass(frozen=True, slots=True)
class Issue:
    """A coded finding. ``return_code`` is the 4-digit return code it raises in a retourbericht.

    ``message`` is the English text; ``params`` are the values its placeholders were filled
    with, kept so that the text can be rendered in another language
    (:func:`resv_edi.standard.catalogue.render`). ``cause`` names the code of the finding this
    one follows from (e.g. a prestatiecode not valid on a date outside the experiment): reports
    for people fold it into that finding.
    """

    code: str
    message: str
    severity: Severity = Severity.ERROR
    location: Location = field(default_factory=Location)
    return_code: str | None = None
    params: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    cause: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR or self.severity is Severity.FATAL

    def as_dict(self, message: str | None = None) -> dict[str, Any]:
        """Plain data for JSON output; ``message`` replaces the English text (another language).

        ``params`` holds the placeholder values as data: amounts in cents, dates as ISO text.
        """
        data = {
            "code": self.code,
            "message": self.message if message is None else message,
            "severity": self.severity.value,
            "location": {
                k: (_redact(v) if k in ("reference", "path") else v)
                for k, v in asdict(self.location).items()
                if v is not None
            },
            "return_code": self.return_code,
        }
        if self.params:
            data["params"] = {k: _plain(v) for k, v in self.params.items()}
        if self.cause:
            data["cause"] = self.cause
        return data

    def __str__(self) -> str:
        from resv_edi.terminal import printable

        return f"{self.location}: {self.severity.value} {self.code}: {printable(self.message)}"


def _plain(value: Any) -> Any:
    """A placeholder value as JSON data: numbers stay numbers (cents), dates become ISO text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    plain = getattr(value, "plain", None)
    return plain() if callable(plain) else str(value)


def _redact(text: str) -> str:
    from resv_edi.privacy import redact  # load the privacy guard only when printing

    return redact(text)


class ResvEdiError(Exception):
    """Base class for errors raised (not reported) by the library."""


class UnsafeInputError(ResvEdiError):
    """Input rejected before or while parsing because it is unsafe or beyond a limit."""


class UnknownFormatError(ResvEdiError):
    """The format of an input could not be determined."""


class EmptyInputError(UnknownFormatError):
    """The input holds nothing but white space."""


class EncodingNotAcceptedError(UnknownFormatError):
    """The input is UTF-16 or UTF-32 (a byte order mark): no format of the standard uses it."""
