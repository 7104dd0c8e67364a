"""BSN (burgerservicenummer) helpers: the 11-test via python-stdnum, and fake BSNs for tests.

Generated BSNs are random 9-digit numbers (first digit 1-9) that pass the 11-test; they are
synthetic and meant only for generated test files.
"""

from __future__ import annotations

import random

from stdnum.nl import bsn as _bsn

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid(number: str) -> bool:
    """Whether ``number`` is a 9-digit BSN passing the 11-test."""
    return bool(_bsn.is_valid(number))


def fake(rng: random.Random) -> str:
    """A random 9-digit number passing the 11-test (a synthetic, not a real, BSN)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        partial = sum(w * d for w, d in zip(WEIGHTS, digits, strict=False))
        last = partial % 11  # 9..2 weights + (-1)*last ≡ 0 mod 11
        if last <= 9:
            number = "".join(map(str, digits)) + str(last)
            if _bsn.is_valid(number):
                return number
