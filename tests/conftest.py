"""Hypothesis profiles: the default run is reproducible; ``HYPOTHESIS_PROFILE=explore`` searches.

The default ("repeatable") derives examples from each test's name, so CI fails only on a real
change in the code. Run ``HYPOTHESIS_PROFILE=explore pytest tests`` to search new random
examples before a release or after touching a codec.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
