"""Every issue code has advice ("what to do") in Dutch and English; the Dutch message of every
code is rebuilt from its English text."""

from __future__ import annotations

import pytest

from resv_edi.standard.advice import advice, advised_codes
from resv_edi.standard.catalogue import catalogue, issue, text
from resv_edi.web.messages import localized


def test_every_code_has_advice_in_both_languages() -> None:
    for code in catalogue():
        assert advice(code, "nl") and advice(code, "en"), code
        assert advice(code, "nl") != advice(code, "en"), code


def test_advice_is_only_given_for_known_codes() -> None:
    assert advised_codes() <= set(catalogue())


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_dutch_message_of_every_code(code: str) -> None:
    template = catalogue()[code].en
    names = {p.split("}")[0] for p in template.split("{")[1:]}
    values = {name: f"<{name} 1.5 (x)>" for name in names}
    found = issue(code, **values)
    assert localized(code, found.message, "nl") == text(code, "nl", **values)
    assert localized(code, found.message, "en") == found.message
