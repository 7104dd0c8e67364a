"""The EI form of the RESV messages: layout agrees with the model, conversions are lossless."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from resv_edi.api import check_file, convert, read
from resv_edi.formats.ei.resv import resv_layout
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE, KINDS, Entry

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_layout_carries_every_model_element(kind_name: str) -> None:
    kind = KINDS[kind_name]
    rl = resv_layout(kind_name)
    for part in ("header", "line", "totals"):
        cls = kind.record_class(part)
        mapped = {fm.element for fm in rl.fields[rl.record_type[part]]}
        if part == "line" and rl.comment_field is not None:
            mapped.add(rl.comment_field.element)
        assert mapped == set(cls.element_names), part


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_text_widths_equal_model_lengths(kind_name: str) -> None:
    kind = KINDS[kind_name]
    rl = resv_layout(kind_name)
    for part in ("header", "line", "totals"):
        cls = kind.record_class(part)
        by_alias = {f.alias: f for f in cls.model_fields.values()}
        fields = list(rl.fields[rl.record_type[part]])
        if part == "line" and rl.comment_field is not None:
            fields.append(rl.comment_field)
        for fm in fields:
            meta = by_alias[fm.element].metadata
            max_length = next((m.max_length for m in meta if getattr(m, "max_length", None)), None)
            if max_length and fm.spec.type == "AN" and fm.index is None:
                assert fm.spec.length == max_length, fm.element


def test_layout_file_is_generated() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_resv_ei_layouts.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def _records(path: Path) -> list:
    items = list(read(path))
    problems = [i for i in items if not isinstance(i, Entry)]
    assert not problems, problems[:5]
    return [i.record for i in items]


@pytest.mark.parametrize("soort", ["1", "2"])
def test_xml_ei_xml_is_lossless(tmp_path: Path, soort: str) -> None:
    src = tmp_path / "in.xml"
    with src.open("wb") as fh:
        get_format("xml").writer(
            generate_declaration(2_000, seed=11, prestatiesoort=soort), fh, DECLARATIE
        )
    original = _records(src)
    ei = tmp_path / "out.asc"
    assert convert(src, ei, "ei").written
    assert check_file(ei).errors == 0
    assert _records(ei) == original
    back = tmp_path / "back.xml"
    assert convert(ei, back, "xml").written
    assert back.read_bytes() == src.read_bytes()


def test_every_record_is_310_positions_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "m.asc"
    with path.open("wb") as fh:
        get_format("ei").writer(generate_declaration(30, seed=3), fh, DECLARATIE)
    lines = path.read_bytes().split(b"\r\n")
    assert lines[-1] == b""
    assert {len(line) for line in lines[:-1]} == {310}
    assert lines[0][:2] == b"01" and lines[-2][:2] == b"99"


def test_text_that_reads_as_utf8_is_refused_not_written(tmp_path: Path) -> None:
    """ISO-8859-1 "Â©" is also the UTF-8 form of "©": writing it would give a file that
    every receiver (and this reader, F004) takes for UTF-8, so convert refuses it."""
    records = list(generate_declaration(2, seed=5))
    records[1] = records[1].model_copy(update={"omschrijving": "Kosten Â© 2027"})
    src = tmp_path / "in.xml"
    with src.open("wb") as fh:
        get_format("xml").writer(records, fh, DECLARATIE)
    target = tmp_path / "out.asc"
    result = convert(src, target, "ei")
    assert not result.written and not target.exists()
    assert [i.code for i in result.issues] == ["F001"]
    assert "reads as a UTF-8 sequence" in result.issues[0].message
    # the same text after a plain ISO-8859-1 letter is fine
    records[1] = records[1].model_copy(update={"omschrijving": "Kosten é © 2027"})
    with src.open("wb") as fh:
        get_format("xml").writer(records, fh, DECLARATIE)
    assert convert(src, target, "ei").written
    assert _records(target)[1].omschrijving == "Kosten é © 2027"
