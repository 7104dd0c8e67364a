"""IDENTIFICATIE DETAILRECORD (Vektis NUM040): unique and ascending within the file.

The Vektis specifications (e.g. AW319 v1.4, AP304 v7.2, ZH308 v9.0, in ../shared/vektis/):
"Detailrecords in het 'heenbericht' hebben een volgnummer beginnend bij 1 en oplopend met 1.
Het commentaarrecord heeft hetzelfde nummer als dat van het bijbehorende detailrecord.
Detailrecords in het retourbericht 'erven' het volgnr. in het heenbericht." The reader checks
what holds in all of these cases: each detail record's number is above that of the detail
record before it; a comment record's number is at least that.
"""

from __future__ import annotations

import pytest
from ei_helpers import generate, issues_of, join, put, split

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE
from resv_edi.vektis import Layout, all_layouts, load_layout
from resv_edi.vektis.layout import DETAIL_ID_NAME, detect_layout

HA304 = load_layout("HA304")
CLAIMS = tuple(la for la in all_layouts() if la.role_type("insured"))


def _lines(layout: Layout = HA304, n: int = 8) -> list[bytes]:
    return split(generate(layout.standard, n, version=f"{layout.version}.{layout.subversion}")[0])


def _two_services(lines: list[bytes], layout: Layout = HA304) -> tuple[int, int, int]:
    """(i, j, k): two adjacent groups of a 04 record and its own children (ZH308: 06
    tariff records), ``lines[i:j]`` and ``lines[j:k]``."""

    def group_end(start: int) -> int:
        end = start + 1
        while layout.records[lines[end][:2].decode()].parent == "04":
            end += 1
        return end

    for i in range(1, len(lines) - 1):
        if lines[i][:2] == b"04":
            j = group_end(i)
            if lines[j][:2] == b"04":
                return i, j, group_end(j)
    raise AssertionError("no two adjacent 04 records")


def _id(line: bytes) -> bytes:
    return line[2:14]


def _with_id(line: bytes, layout: Layout, ident: bytes) -> bytes:
    rl = layout.records[line[:2].decode()]
    return put(line, layout, rl.detail_id.id, ident.decode())


def _e004(data: bytes, layout: Layout | None = None) -> list:
    return [i for i in issues_of(data, layout) if i.code == "E004"]


def test_every_detail_record_of_every_layout_has_its_id_field() -> None:
    for layout in all_layouts():
        for rl in layout.records.values():
            if rl.role in ("header", "trailer"):
                assert rl.detail_id is None
            else:
                assert rl.detail_id is not None, (layout.name, rl.type)
                assert (rl.detail_id.name, rl.detail_id.start) == (DETAIL_ID_NAME, 3)


@pytest.mark.parametrize("layout", CLAIMS, ids=lambda la: la.name)
def test_duplicated_id_is_reported_in_every_claim_standard(layout: Layout) -> None:
    lines = _lines(layout)
    _, b, _ = _two_services(lines, layout)
    a = b - 1  # the detail record before it (a 06 in ZH308)
    lines[b] = _with_id(lines[b], layout, _id(lines[a]))
    (hit,) = _e004(join(lines))
    loc = hit.location
    assert (loc.line, loc.column, loc.path, loc.record_type, loc.field) == (
        b + 1,
        3,
        "0402",
        "04",
        DETAIL_ID_NAME,
    )
    assert f"line {a + 1}" in hit.message and "repeats" in hit.message
    assert hit.return_code == "7806"


@pytest.mark.parametrize("layout", CLAIMS, ids=lambda la: la.name)
def test_swapped_records_are_reported_in_every_claim_standard(layout: Layout) -> None:
    lines = _lines(layout)
    i, j, k = _two_services(lines, layout)
    lines[i:k] = lines[j:k] + lines[i:j]
    (hit,) = _e004(join(lines))
    assert (hit.location.line, hit.location.path) == (i + k - j + 1, "0402")
    assert "is below" in hit.message


def test_claim_file_numbers_are_not_echoed() -> None:
    lines = _lines()
    a, b, _ = _two_services(lines)
    lines[b] = _with_id(lines[b], HA304, _id(lines[a]))
    (hit,) = _e004(join(lines))
    assert _id(lines[a]).decode().lstrip("0") not in hit.message


def test_resv_declaration(tmp_path) -> None:
    """RESV901: its generated files are clean; a duplicated number is reported, with the
    numbers (the RESV forms carry no patient data)."""
    path = tmp_path / "d.asc"
    with path.open("wb") as fh:
        get_format("ei").writer(generate_declaration(30, seed=2), fh, DECLARATIE)
    lines = split(path.read_bytes())
    layout = detect_layout(lines[0])
    assert layout is not None and layout.standard == "RESV901"
    assert _e004(join(lines)) == []
    a, b, _ = _two_services(lines, layout)
    lines[b] = _with_id(lines[b], layout, _id(lines[a]))
    (hit,) = _e004(join(lines))
    assert hit.location.line == b + 1
    assert f"({int(_id(lines[a]))} after {int(_id(lines[a]))})" in hit.message


def test_comment_may_repeat_the_number_of_its_record() -> None:
    """Vektis: the comment record has the number of the detail record it belongs to (the
    generator gives it a number of its own, which is accepted as well)."""
    lines = _lines()
    c = next(i for i, line in enumerate(lines) if line[:2] == b"98")
    lines[c] = _with_id(lines[c], HA304, _id(lines[c - 1]))
    assert _e004(join(lines)) == []
    lines[c] = _with_id(lines[c], HA304, b"%012d" % (int(_id(lines[c - 1])) - 1))
    (hit,) = _e004(join(lines))
    assert (hit.location.line, hit.location.record_type, hit.location.path) == (c + 1, "98", "9802")


def test_comment_numbered_like_its_record_and_next_record_continues() -> None:
    """04 n, 98 n, 04 n+1: the Vektis numbering of a declaration."""
    lines = _lines()
    c = next(i for i, line in enumerate(lines) if line[:2] == b"98")
    base = int(_id(lines[c - 1]))
    lines[c] = _with_id(lines[c], HA304, b"%012d" % base)
    for n, i in enumerate(range(c + 1, len(lines) - 1), start=1):
        lines[i] = _with_id(lines[i], HA304, b"%012d" % (base + n))
    assert _e004(join(lines)) == []


def test_gaps_are_accepted() -> None:
    """A return message inherits the numbers of its declaration, not necessarily all of
    them: ascending with gaps is fine."""
    lines = _lines()
    for i in range(3, len(lines) - 1):
        lines[i] = _with_id(lines[i], HA304, b"%012d" % (int(_id(lines[i])) + 1000))
    assert _e004(join(lines)) == []


def test_unreadable_number_is_e005_only_and_the_check_goes_on() -> None:
    lines = _lines()
    a, b, _ = _two_services(lines)
    lines[a] = _with_id(lines[a], HA304, b" " * 12)
    issues = issues_of(join(lines))
    assert [(i.code, i.location.line) for i in issues] == [("E005", a + 1)]
    # the record after it is compared with the last readable number
    lines[b] = _with_id(lines[b], HA304, _id(lines[a - 1]))
    assert [i.location.line for i in _e004(join(lines))] == [b + 1]


def test_one_misplaced_number_is_one_issue() -> None:
    lines = _lines(n=12)
    a, _, _ = _two_services(lines)
    lines[a] = _with_id(lines[a], HA304, b"9" * 12)
    hits = _e004(join(lines))
    assert [h.location.line for h in hits] == [a + 2]


def test_a_chunk_that_starts_mid_file_reads_clean(tmp_path) -> None:
    """The batch splitter (RESV declarations) replays the header before a byte range that
    starts at a 04 record: the first detail record of a chunk has no predecessor to compare
    with, so nothing is reported there."""
    path = tmp_path / "d.asc"
    with path.open("wb") as fh:
        get_format("ei").writer(generate_declaration(40, seed=4), fh, DECLARATIE)
    lines = split(path.read_bytes())
    starts = [i for i, line in enumerate(lines) if line[:2] == b"04" and i > 5]
    for start in starts[:10]:
        chunk = join([lines[0], *lines[start:-1]])  # header + a range, no trailer
        assert [i.code for i in issues_of(chunk)] == ["E012"]  # only: no trailer


def test_helpers_for_reading_in_pieces() -> None:
    """``detail_number`` / ``detail_number_in_order`` give the reader's verdict for two
    records on either side of a cut."""
    from resv_edi.vektis.reader import detail_number, detail_number_in_order

    lines = _lines()
    a, b, _ = _two_services(lines)
    n = detail_number(HA304, lines[a])
    assert n == int(_id(lines[a]))
    assert detail_number(HA304, lines[0]) is None  # the header has none
    assert detail_number(HA304, _with_id(lines[a], HA304, b" " * 12)) is None
    assert detail_number_in_order(HA304, lines[b], n)
    assert not detail_number_in_order(HA304, _with_id(lines[b], HA304, _id(lines[a])), n)
    assert not detail_number_in_order(HA304, lines[a].decode("latin-1"), n + 1)
    c = next(i for i, line in enumerate(lines) if line[:2] == b"98")
    assert detail_number_in_order(HA304, _with_id(lines[c], HA304, b"%012d" % n), n)
