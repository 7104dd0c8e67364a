"""From which size a file is worth validating in chunks (``validate --split``), per format.

Below it the pool's start and the parent's serial merge (the reference index's final answer)
cost more than the second core saves: measured on two cores with
``benchmarks/bench_split.py`` (docs/performance.md, "validate --split through the block
checks"). Kept apart from :mod:`resv_edi.batch.split` so the CLI's help can name the sizes
without loading the split.
"""

from __future__ import annotations

#: files of a format smaller than this (bytes) are read in one piece
SPLIT_FROM = {"xml": 12 << 20, "ei": 20 << 20, "ndjson": 24 << 20}

_NAMES = {"xml": "XML", "ei": "EI", "ndjson": "NDJSON"}


def split_sizes_text() -> str:
    """``12 MiB (XML), 20 MiB (EI) or 24 MiB (NDJSON)``."""
    parts = [f"{size >> 20} MiB ({_NAMES[fmt]})" for fmt, size in SPLIT_FROM.items()]
    return ", ".join(parts[:-1]) + " or " + parts[-1]
