"""Every issue code has advice ("what to do") in Dutch and English."""

from __future__ import annotations

from resv_edi.standard.advice import advice, advised_codes
from resv_edi.standard.catalogue import catalogue


def test_every_code_has_advice_in_both_languages() -> None:
    for code in catalogue():
        assert advice(code, "nl") and advice(code, "en"), code
        assert advice(code, "nl") != advice(code, "en"), code


def test_advice_is_only_given_for_known_codes() -> None:
    assert advised_codes() <= set(catalogue())
