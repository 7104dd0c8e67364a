"""XML -> JSON -> NDJSON -> XML keeps every record of a generated message."""

from __future__ import annotations

from pathlib import Path

import pytest

from resv_edi.api import check_file, convert, read
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE, Entry


def _records(path: Path) -> list:
    items = list(read(path))
    assert all(isinstance(i, Entry) for i in items), [i for i in items if not isinstance(i, Entry)]
    return [i.record for i in items]


@pytest.mark.parametrize("soort", ["1", "2"])
def test_chain_roundtrip(tmp_path: Path, soort: str) -> None:
    src = tmp_path / "in.xml"
    with src.open("wb") as fh:
        get_format("xml").writer(
            generate_declaration(10_000, seed=7, prestatiesoort=soort), fh, DECLARATIE
        )
    original = _records(src)
    assert len(original) == 10_002
    previous = src
    for fmt in ("json", "ndjson", "xml"):
        target = tmp_path / f"out.{fmt}"
        result = convert(previous, target, fmt)
        assert result.written, result.issues[:5]
        assert _records(target) == original
        previous = target
    assert check_file(previous).errors == 0
