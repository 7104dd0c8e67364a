"""The Vektis framing scanner: frames and framing issues without decoding a field."""

from __future__ import annotations

import io
from typing import Any

from ei_helpers import generate, join, split

from resv_edi.errors import Issue, Location
from resv_edi.formats.ei.resv import write_ei
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import DEFAULT_LIMITS
from resv_edi.model.messages import DECLARATIE
from resv_edi.standard.catalogue import issue
from resv_edi.vektis.framing import Frame, FrameScanner, count_mismatches
from resv_edi.vektis.reader import EIReader


def _report(code: str, line: int | None, **params: Any) -> Issue:
    keys = ("column", "path", "record_type", "field")
    where = Location(line=line, **{k: params.pop(k) for k in keys if k in params})
    return issue(code, where, **params)


def _scan(data: bytes, **kw: Any) -> tuple[FrameScanner, list[Frame], list[Issue]]:
    scanner = FrameScanner(_report, DEFAULT_LIMITS, **kw)
    items = list(scanner.scan(io.BytesIO(data)))
    frames = [i for i in items if isinstance(i, Frame)]
    return scanner, frames, [i for i in items if isinstance(i, Issue)]


def test_frames_and_counts_agree_with_the_reader() -> None:
    data, summary = generate("HA304", 8)
    scanner, frames, issues = _scan(data)
    assert not issues
    assert [f.line for f in frames] == list(range(1, len(split(data)) + 1))
    assert all(f.length_ok and f.body == line for f, line in zip(frames, split(data), strict=True))
    assert scanner.counts == summary["records"]
    reader = EIReader(io.BytesIO(data))
    list(reader)
    assert reader.counts == scanner.counts and reader.layout is scanner.layout


def test_unknown_type_in_a_claim_file_is_not_echoed_but_in_a_resv_file_it_is() -> None:
    lines = split(generate("HA304", 4)[0])
    lines[2] = b"Qz" + lines[2][2:]
    _, frames, issues = _scan(join(lines))
    assert [(i.code, i.location.line) for i in issues] == [("E003", 3)]
    assert "Qz" not in issues[0].message
    assert 3 not in [f.line for f in frames]
    out = io.BytesIO()
    write_ei(generate_declaration(3, seed=2), out, DECLARATIE)
    lines = split(out.getvalue())
    lines[1] = b"Qz" + lines[1][2:]
    _, _, issues = _scan(join(lines))
    assert issues[0].code == "E003" and "Qz" in issues[0].message


def test_length_code_and_accept_are_the_callers() -> None:
    lines = split(generate("HA304", 4)[0])
    lines[1] = lines[1] + b"X"
    _, frames, issues = _scan(join(lines), length_code="M005")
    assert issues[0].code == "M005" and issues[0].location.line == 2
    assert not next(f for f in frames if f.line == 2).length_ok
    refusal = issue("M002", Location(line=1), mapping="m", reason="not this one")
    _, frames, issues = _scan(join(lines), accept=lambda layout, line: refusal)
    assert frames == [] and issues == [refusal]


def test_count_mismatches_skips_counts_it_was_not_given() -> None:
    data, _ = generate("HA304", 5)
    scanner, _, _ = _scan(data)
    layout = scanner.layout
    assert layout is not None and layout.counts
    assert list(count_mismatches(layout, {}, scanner.counts)) == []
    key = layout.counts[0].field.key
    found = list(count_mismatches(layout, {key: "000000"}, scanner.counts))
    assert [(c.field.key, f) for c, f, _ in found] == [(key, 0)]
