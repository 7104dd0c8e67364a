"""The rows a run gives the reference index, for the block checks' differential tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from resv_edi.rules.fact_log import FactBlock, with_texts
from resv_edi.rules.ref_blocks import RefBlock, block_rows
from resv_edi.rules.ref_partitions import PartitionedIndex


def rows_added(monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]) -> list[Any]:
    """Every row ``run`` adds to a :class:`PartitionedIndex` (a clean block's rebuilt from its
    columns), with the texts of R035's compared values restored (a clean block keeps them by
    block)."""
    seen: list[Any] = []
    add_rows = PartitionedIndex.add_rows
    add_block = PartitionedIndex.add_block

    def spy(self: PartitionedIndex, rows: list[Any], facts: FactBlock | None = None) -> None:
        seen.extend(with_texts(rows, facts))
        add_rows(self, rows, facts)

    def spy_block(self: PartitionedIndex, block: RefBlock, facts: FactBlock | None = None) -> None:
        seen.extend(with_texts(block_rows(block), facts))
        add_block(self, block, facts)

    with monkeypatch.context() as patch:
        patch.setattr(PartitionedIndex, "add_rows", spy)
        patch.setattr(PartitionedIndex, "add_block", spy_block)
        run()
    return seen
