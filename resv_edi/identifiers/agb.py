"""AGB code (Algemeen GegevensBeheer): 8 digits, a 2-digit provider type and a 6-digit number.

Same shape as python-stdnum's modules: ``compact``, ``validate``, ``is_valid``, and
``problem`` (the reason it is invalid, or ``None``) for reporting.
"""

from __future__ import annotations


class InvalidAgb(ValueError):
    pass


def compact(value: str) -> str:
    return value.replace(" ", "").replace("-", "").strip()


def problem(value: str) -> str | None:
    """Why ``value`` is not a valid AGB code, or ``None`` when it is."""
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        return "must be 8 digits"
    if value[:2] == "00":
        return "provider type 00 does not exist"
    if value[2:] == "000000":
        return "number part is all zeros"
    return None


def validate(value: str) -> str:
    value = compact(value)
    reason = problem(value)
    if reason:
        raise InvalidAgb(reason)
    return value


def is_valid(value: str) -> bool:
    return problem(compact(value)) is None
