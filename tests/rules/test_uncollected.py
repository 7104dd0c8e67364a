"""``uncollected``: the collector waits within, and is left as the caller had it."""

from __future__ import annotations

import gc

import pytest

from resv_edi.collection import uncollected


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_waits_and_is_restored(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with uncollected():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError), uncollected():
            raise ValueError("inside")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
