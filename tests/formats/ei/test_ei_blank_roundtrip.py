"""Writing back a record read from a file reproduces it byte for byte, also where an N, date or
amount field is blank (spaces) instead of zeros; a value the caller changes is still formatted
as usual (issue 4: "writing a record read from a file reproduces it byte for byte")."""

from __future__ import annotations

import functools
import io
import tempfile
from datetime import date
from pathlib import Path

import pytest
from ei_helpers import generate, join, put, split
from hypothesis import given, settings
from hypothesis import strategies as st

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE, RETOUR
from resv_edi.retour.builder import retour_records
from resv_edi.vektis import (
    EIRecord,
    Layout,
    all_layouts,
    format_record,
    load_layout,
    read_records,
    write_records,
)
from resv_edi.vektis.layout import AMOUNT, DATE, DC, N, detect_layout

LAYOUTS = all_layouts()
HA304 = load_layout("HA304")


@functools.cache
def _samples() -> dict[str, bytes]:
    """A generated file of every layout in mappings/ei: the claim standards through
    ``generate_claims``, the RESV forms through their own writer (and the retour builder)."""
    out: dict[str, bytes] = {}
    for layout in LAYOUTS:
        if layout.role_type("insured"):
            version = f"{layout.version}.{layout.subversion}"
            out[layout.name] = generate(layout.standard, 12, version=version, seed=3)[0]
    with tempfile.TemporaryDirectory() as tmp:
        declaration = Path(tmp) / "d.asc"
        with declaration.open("wb") as fh:
            get_format("ei").writer(generate_declaration(12, seed=3), fh, DECLARATIE)
        retour = io.BytesIO()
        get_format("ei").writer(retour_records(declaration), retour, RETOUR)
        for data in (declaration.read_bytes(), retour.getvalue()):
            layout = detect_layout(data[:20])
            assert layout is not None
            out[layout.name] = data
    for layout in LAYOUTS:  # a layout without a generator here: a synthetic file
        out.setdefault(layout.name, _synthetic(layout))
    return out


def _synthetic(layout: Layout) -> bytes:
    """Header, two records of every other type, trailer: every field filled with a value of
    its type (the structure need not be valid, only the fields readable)."""

    def values(rtype: str, n: int) -> dict:
        filled: dict = {}
        for f in layout.records[rtype].fields[1:]:
            if f.kind == N:
                filled[f.key] = str(n).rjust(f.length, "0")[-f.length :]
            elif f.kind == DATE:
                filled[f.key] = date(2026, 1, 15)
            elif f.kind == AMOUNT:
                filled[f.key] = min(12345, 10**f.length - 1)
            elif f.kind == DC:
                filled[f.key] = "D"
            else:
                filled[f.key] = "X"
        return filled

    header, trailer = layout.header.type, layout.trailer.type
    texts = [format_record(layout, header, values(header, 1))]
    n = 0
    for rtype in layout.records:
        if rtype not in (header, trailer):
            for _ in range(2):
                n += 1
                texts.append(format_record(layout, rtype, values(rtype, n)))
    texts.append(format_record(layout, trailer, values(trailer, n)))
    return join([t.encode("latin-1") for t in texts])


def _blankable(layout: Layout, line: bytes) -> list[str]:
    """Ids of the optional N, date and amount fields of ``line`` (not the record type)."""
    rl = layout.records[line[:2].decode()]
    return [
        f.id for f in rl.fields[1:] if f.kind in (N, DATE, AMOUNT) and not f.mandatory and f.length
    ]


def _round_trip(data: bytes, layout: Layout) -> bytes:
    records = [r for r in read_records(io.BytesIO(data), layout) if isinstance(r, EIRecord)]
    assert len(records) == data.count(b"\r\n")
    out = io.BytesIO()
    write_records(records, out, layout)
    return out.getvalue()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda la: la.name)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_blanked_numeric_fields_round_trip(layout: Layout, data: st.DataObject) -> None:
    source = _samples()[layout.name]
    lines = split(source)
    choices = [(i, fid) for i, line in enumerate(lines) for fid in _blankable(layout, line)]
    assert choices, layout.name
    picked = data.draw(
        st.lists(st.sampled_from(choices), min_size=1, max_size=12, unique=True), label="blanked"
    )
    for i, fid in picked:
        f = layout.records[lines[i][:2].decode()].by_id[fid]
        lines[i] = put(lines[i], layout, fid, " " * f.length)
    broken = join(lines)
    assert _round_trip(broken, layout) == broken


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda la: la.name)
def test_every_numeric_field_blank_at_once_round_trips(layout: Layout) -> None:
    """The extreme case: every N, date and amount field of every record blank, mandatory
    ones too (each an issue, and still written back unchanged)."""
    lines = split(_samples()[layout.name])
    for i, line in enumerate(lines):
        for f in layout.records[line[:2].decode()].fields[1:]:
            if f.kind in (N, DATE, AMOUNT):
                lines[i] = put(lines[i], layout, f.id, " " * f.length)
    broken = join(lines)
    assert _round_trip(broken, layout) == broken


def _ha304_with_blanks() -> tuple[list[bytes], int]:
    lines = split(generate("HA304", 6)[0])
    i = next(n for n, line in enumerate(lines) if line[:2] == b"04")
    lines[i] = put(lines[i], HA304, "0408", " " * 8)  # BEGINDATUM PRESTATIE
    lines[i] = put(lines[i], HA304, "0414", " " * 8)  # TARIEF PRESTATIE (INCL. BTW)
    lines[i] = put(lines[i], HA304, "0412", " " * 4)  # AANTAL UITGEVOERDE PRESTATIES
    return lines, i


def _records(lines: list[bytes]) -> list[EIRecord]:
    return [r for r in read_records(io.BytesIO(join(lines))) if isinstance(r, EIRecord)]


def test_reported_case_blank_date_and_amount() -> None:
    lines, i = _ha304_with_blanks()
    records = _records(lines)
    rec = records[i]
    assert rec.values["begindatum_prestatie"] is None
    assert rec.values["tarief_prestatie_incl_btw"] is None
    assert rec.values["aantal_uitgevoerde_prestaties"] == ""
    out = io.BytesIO()
    write_records(records, out, HA304)
    assert out.getvalue() == join(lines)


def test_changed_values_are_formatted_normally() -> None:
    lines, i = _ha304_with_blanks()
    records = _records(lines)
    rec = records[i]
    rec.values["begindatum_prestatie"] = date(2026, 2, 3)
    rec.values["tarief_prestatie_incl_btw"] = 1234
    rec.values["aantal_uitgevoerde_prestaties"] = "0002"
    other = next(r for r in records[i + 1 :] if r.record_type == "04")
    assert other.values["einddatum_prestatie"] is not None
    other.values["einddatum_prestatie"] = None  # a date the caller removes: zeros
    other.values["declaratiebedrag_incl_btw"] = None  # an amount the caller removes: zeros
    out = io.BytesIO()
    write_records(records, out, HA304)
    written = split(out.getvalue())
    fields = HA304.records["04"].by_id
    cut = lambda line, fid: line[fields[fid].slice].decode()  # noqa: E731
    assert cut(written[i], "0408") == "20260203"
    assert cut(written[i], "0414") == "00001234"
    assert cut(written[i], "0412") == "0002"
    j = records.index(other)
    assert cut(written[j], "0409") == "00000000"
    assert cut(written[j], "0418") == "00000000"
    # everything else is as read
    for n, (a, b) in enumerate(zip(written, lines, strict=True)):
        if n not in (i, j):
            assert a == b


def test_values_without_raw_text_get_the_empty_value_of_their_type() -> None:
    """A (record type, values) pair has no text to keep: empty N/date/amount fields are
    zeros, as the writer always did; so is an EIRecord whose raw text is not a whole record."""
    lines, i = _ha304_with_blanks()
    rec = _records(lines)[i]
    text = format_record(HA304, "04", rec.values)
    fields = HA304.records["04"].by_id
    assert text[fields["0408"].slice] == "0" * 8
    assert text[fields["0414"].slice] == "0" * 8
    assert format_record(HA304, "04", rec.values, rec.raw) == lines[i].decode("latin-1")
    assert format_record(HA304, "04", rec.values, rec.raw[:-1]) == text


def test_resv_writer_unchanged(tmp_path: Path) -> None:
    """The RESV writer formats values, not read records: its files are as before."""
    path = tmp_path / "d.asc"
    with path.open("wb") as fh:
        get_format("ei").writer(generate_declaration(5, seed=1), fh, DECLARATIE)
    layout = detect_layout(path.read_bytes()[:20])
    assert layout is not None
    assert _round_trip(path.read_bytes(), layout) == path.read_bytes()
