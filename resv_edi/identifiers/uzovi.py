"""UZOVI number of a Dutch health insurer: 4 digits, not all zeros.

Same shape as python-stdnum's modules: ``compact``, ``validate``, ``is_valid``, ``problem``.
"""

from __future__ import annotations


class InvalidUzovi(ValueError):
    pass


def compact(value: str) -> str:
    return value.replace(" ", "").strip()


def problem(value: str) -> str | None:
    """Why ``value`` is not a valid UZOVI number, or ``None`` when it is."""
    if len(value) != 4 or not value.isascii() or not value.isdigit():
        return "must be 4 digits"
    if value == "0000":
        return "0000 is not an insurer"
    return None


def validate(value: str) -> str:
    value = compact(value)
    reason = problem(value)
    if reason:
        raise InvalidUzovi(reason)
    return value


def is_valid(value: str) -> bool:
    return problem(compact(value)) is None
