"""One registry of formats: each sniffer knows its own format's output and no other's."""

from __future__ import annotations

import io

import pytest

from resv_edi.formats.detect import detect_format
from resv_edi.formats.registry import Format, format_names, formats, get_format, register
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE


def _written(fmt: Format) -> bytes:
    out = io.BytesIO()
    fmt.writer(generate_declaration(3, seed=5), out, DECLARATIE)
    return out.getvalue()


def test_every_format_is_registered_once_with_a_sniffer() -> None:
    assert format_names() == ["csv", "ei", "json", "ndjson", "xml"]
    heads = {f.name: _written(f)[:4096] for f in formats()}
    for fmt in formats():
        assert [f.name for f in formats() if f.sniff(heads[fmt.name])] == [fmt.name]
        assert detect_format(heads[fmt.name]) == fmt.name


def test_a_name_is_registered_once() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register(get_format("xml"))
    with pytest.raises(ValueError, match="unknown format"):
        get_format("yaml")
