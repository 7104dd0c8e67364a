"""Hypothesis profiles: the default run is reproducible; ``HYPOTHESIS_PROFILE=explore`` searches.

The default ("repeatable") derives examples from each test's name, so CI fails only on a real
change in the code. Run ``HYPOTHESIS_PROFILE=explore pytest tests`` to search new random
examples before a release or after touching a codec.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands speak the locale's language (else Dutch); tests read English unless a test
    sets the locale or ``--lang`` itself."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
