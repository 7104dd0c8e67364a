"""The collector settings of a command run: raised young threshold, frozen start-up objects,
both undone afterwards (in-process callers keep their own settings)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from resv_edi.cli import collector
from resv_edi.cli.main import cli

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "valid"


@pytest.fixture()
def gc_state() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.unfreeze()
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()


def test_within_the_block_fewer_collections_then_restored(
    gc_state: tuple[int, int, int],
) -> None:
    gc.set_threshold(700, 10, 10)
    with collector.collecting_less():
        assert gc.get_threshold() == (collector.YOUNG, 10, 10)
        kept = [[] for _ in range(10)]  # containers alive at start-up
        collector.freeze_start_up()
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_a_higher_threshold_of_the_caller_is_kept(gc_state: tuple[int, int, int]) -> None:
    gc.set_threshold(collector.YOUNG * 2, 5, 5)
    with collector.collecting_less():
        assert gc.get_threshold() == (collector.YOUNG * 2, 5, 5)
    assert gc.get_threshold() == (collector.YOUNG * 2, 5, 5)


def test_objects_the_caller_froze_stay_frozen(gc_state: tuple[int, int, int]) -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    with collector.collecting_less():
        collector.freeze_start_up()
    assert gc.get_freeze_count() == frozen


def test_a_command_runs_with_fewer_collections_and_restores_them(
    gc_state: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import resv_edi.cli.validate as validate_cli

    seen: list[tuple[tuple[int, int, int], int]] = []
    real = validate_cli.validate_batch

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        return real(*args, **kwargs)

    monkeypatch.setattr(validate_cli, "validate_batch", watched)
    gc.set_threshold(700, 10, 10)
    source = next(FIXTURE.glob("*.xml"))
    result = CliRunner().invoke(cli, ["validate", str(source)])
    assert result.exit_code == 0, result.output
    ((threshold, frozen),) = seen
    assert threshold == (collector.YOUNG, 10, 10)
    assert frozen > 1000  # the modules the command imported
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
