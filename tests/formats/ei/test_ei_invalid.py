"""One broken file per error kind: the expected code at the expected line, never an exception.

The files are built from a clean generated file by line surgery (see ``conftest.py``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from ei_helpers import generate, issues_of, join, put, split

from resv_edi.limits import Limits
from resv_edi.vektis import EIRecord, load_layout, read_records

HA304 = load_layout("HA304")
AW319 = load_layout("AW319", "1.4")


def _base(standard: str = "HA304", version: str | None = None) -> list[bytes]:
    return split(generate(standard, 6, version=version)[0])


def _index(lines: list[bytes], rtype: str) -> int:
    return next(i for i, line in enumerate(lines) if line[:2] == rtype.encode())


def _e001() -> tuple[bytes, int]:
    lines = _base()
    i = _index(lines, "04")
    lines[i] = lines[i][:-1]
    return join(lines), i + 1


def _e002_lf() -> tuple[bytes, int]:
    lines = _base()
    return join(lines[:1]) + lines[1] + b"\n" + join(lines[2:]), 2


def _e002_cr() -> tuple[bytes, int]:
    lines = _base()
    return join(lines[:2]) + lines[2] + b"\r" + join(lines[3:]), 3


def _e002_last() -> tuple[bytes, int]:
    lines = _base()
    return join(lines)[:-2], len(lines)


def _e003() -> tuple[bytes, int]:
    lines = _base()
    i = _index(lines, "04")
    lines[i] = b"05" + lines[i][2:]
    return join(lines), i + 1


def _e004_debtor_after_line() -> tuple[bytes, int]:
    lines = _base()
    d, s = _index(lines, "03"), _index(lines, "04")
    lines[d], lines[s] = lines[s], lines[d]
    return join(lines), s + 1


def _e004_header_twice() -> tuple[bytes, int]:
    lines = _base()
    lines.insert(2, lines[0])
    return join(lines), 3


def _e004_after_trailer() -> tuple[bytes, int]:
    lines = _base()
    lines.append(lines[_index(lines, "98")])
    return join(lines), len(lines)


def _e004_comment_first() -> tuple[bytes, int]:
    lines = _base()
    c = lines.pop(_index(lines, "98"))
    lines.insert(1, c)
    return join(lines), 2


def _field(rtype: str, field_id: str, text: str, layout=HA304, version=None):
    def build() -> tuple[bytes, int]:
        lines = _base(layout.standard, version)
        i = _index(lines, rtype)
        lines[i] = put(lines[i], layout, field_id, text)
        return join(lines), i + 1

    return build


def _e009() -> tuple[bytes, int]:
    lines = _base()
    lines[-1] = put(lines[-1], HA304, "9904", "000099")
    return join(lines), len(lines)


def _e010() -> tuple[bytes, int]:
    lines = _base()
    lines[-1] = put(lines[-1], HA304, "9907", "00000000001")
    return join(lines), len(lines)


def _e011() -> tuple[bytes, int]:
    lines = _base()
    i = _index(lines, "02")
    lines[i] = put(lines[i], HA304, "0210", "Jan\x01sen".ljust(25))
    return join(lines), i + 1


def _e011_nul() -> tuple[bytes, int]:
    lines = _base()
    i = _index(lines, "04")
    lines[i] = put(lines[i], HA304, "0480", "\x00" * 146)
    return join(lines), i + 1


def _e012_trailer() -> tuple[bytes, int]:
    """At the file's last line, after which the trailer is due."""
    lines = _base()[:-1]
    return join(lines), len(lines)


def _e014() -> tuple[bytes, int]:
    lines = _base()
    lines[0] = lines[0][:2] + b"999" + lines[0][5:]
    return join(lines), 1


def _f004_bom() -> tuple[bytes, int]:
    return b"\xef\xbb\xbf" + join(_base()), 1


def _f004_utf8() -> tuple[bytes, int]:
    lines = _base()
    i = _index(lines, "02")
    f = HA304.records["02"].by_id["0210"]
    name = "Müller".encode().ljust(f.length)  # 7 bytes in UTF-8: the length stays right
    lines[i] = lines[i][: f.start - 1] + name + lines[i][f.start - 1 + f.length :]
    return join(lines), i + 1


CASES: dict[str, tuple[str, Callable[[], tuple[bytes, int | None]]]] = {
    "E001_record_length": ("E001", _e001),
    "E002_lf_only": ("E002", _e002_lf),
    "E002_cr_only": ("E002", _e002_cr),
    "E002_last_line": ("E002", _e002_last),
    "E003_unknown_type": ("E003", _e003),
    "E004_debtor_after_line": ("E004", _e004_debtor_after_line),
    "E004_header_twice": ("E004", _e004_header_twice),
    "E004_after_trailer": ("E004", _e004_after_trailer),
    "E004_comment_first": ("E004", _e004_comment_first),
    "E005_non_digit": ("E005", _field("04", "0412", "00A1")),
    "E005_blank_amount": ("E005", _field("04", "0418", " " * 8)),
    "E006_invalid_date": ("E006", _field("04", "0408", "20261340")),
    "E006_letters_in_date": ("E006", _field("02", "0207", "1980AB01")),
    "E007_mandatory_empty": ("E007", _field("01", "0116", " " * 12, AW319, "1.4")),
    "E007_mandatory_date_zero": ("E007", _field("04", "0414", "0" * 8, AW319, "1.4")),
    "E008_not_in_list": ("E008", _field("01", "0105", "X", AW319, "1.4")),
    "E009_trailer_count": ("E009", _e009),
    "E010_trailer_total": ("E010", _e010),
    "E011_control_char": ("E011", _e011),
    "E011_nul": ("E011", _e011_nul),
    "E012_no_trailer": ("E012", _e012_trailer),
    "E013_dc": ("E013", _field("04", "0419", "X")),
    "E014_unknown_standard": ("E014", _e014),
    "E015_pattern": ("E015", _field("01", "0116", " ABC" + " " * 8, AW319, "1.4")),
    "F003_empty": ("F003", lambda: (b"", None)),
    "F004_bom": ("F004", _f004_bom),
    "F004_utf8": ("F004", _f004_utf8),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_file(name: str) -> None:
    code, build = CASES[name]
    data, line = build()
    issues = issues_of(data)
    hits = [i for i in issues if i.code == code]
    assert hits, f"{name}: expected {code}, got {[str(i) for i in issues]}"
    assert line in [i.location.line for i in hits], [str(i) for i in hits]


def test_field_issue_location() -> None:
    data, line = _field("04", "0412", "00A1")()
    (hit,) = [i for i in issues_of(data) if i.code == "E005"]
    loc = hit.location
    assert (loc.line, loc.column, loc.record_type, loc.path) == (line, 83, "04", "0412")
    assert loc.field == "AANTAL UITGEVOERDE PRESTATIES"


def test_patient_values_are_not_echoed() -> None:
    data, _ = _field("02", "0203", "12345678X")()
    (hit,) = [i for i in issues_of(data) if i.code == "E005"]
    assert "12345678" not in hit.message


def test_all_errors_collected() -> None:
    lines = _base()
    i = _index(lines, "04")
    lines[i] = put(put(lines[i], HA304, "0412", "00A1"), HA304, "0419", "X")
    lines[-1] = put(put(lines[-1], HA304, "9904", "000099"), HA304, "9907", "0" * 11)
    codes = [x.code for x in issues_of(join(lines))]
    assert {"E005", "E013", "E009", "E010"} <= set(codes)


def test_header_missing_with_given_layout() -> None:
    data = join(_base()[1:])
    issues = issues_of(data, HA304)
    assert any(i.code == "E012" and i.location.line == 1 for i in issues)


def test_error_cap() -> None:
    lines = _base()
    data = join([line[:-1] for line in lines])
    issues = issues_of(data, limits=Limits(max_errors=3))
    assert [i.code for i in issues] == ["E001", "E001", "E001", "L002"]


def test_record_limit() -> None:
    data = generate("HA304", 20)[0]
    issues = issues_of(data, limits=Limits(max_records=5))
    assert issues[-1].code == "L001"


def test_garbage_never_raises() -> None:
    for data in (
        b"\x00" * 5000,
        b"\r" * 700,
        b"01" + b"\xff" * 400,
        b"\n\n\n",
        b"99\r\n",
        b"01112\r\n" * 3,
        bytes(range(256)) * 10,
    ):
        items = list(read_records(io.BytesIO(data)))
        assert all(not isinstance(i, EIRecord) or i.record_type for i in items)


def test_overlong_line_is_bounded() -> None:
    data = b"01" + b"A" * 5000 + b"\r\n"
    issues = issues_of(data, HA304, limits=Limits(max_line_length=1000))
    assert issues[0].code == "E001"


def test_unreadable_path(tmp_path) -> None:
    issues = [i for i in read_records(tmp_path / "missing.asc") if not isinstance(i, EIRecord)]
    assert [i.code for i in issues] == ["F001"]


@pytest.mark.parametrize("standard", ["HA304", "AW319", "PM304"])
def test_claim_file_issues_never_echo_a_value(standard: str, tmp_path: Path) -> None:
    """A shifted record can put a surname or birth date in any field of a claim file: the
    field issue names line, column and field, never the value (RESV files, which carry no
    patient data, still show it with possible BSNs hidden)."""
    from resv_edi.api import check_file
    from resv_edi.vektis.layout import detect_layout

    data, _ = generate(standard, 4)
    lines = split(data)
    i = next(n for n, line in enumerate(lines) if line[:2] == b"04")
    layout = detect_layout(lines[0])
    assert layout is not None and layout.name.startswith(standard)
    detail = layout.records["04"].fields[1]  # IDENTIFICATIE DETAILRECORD (N)
    shifted = "Meijer197101"[: detail.length].ljust(detail.length)
    lines[i] = put(lines[i], layout, detail.id, shifted)
    path = tmp_path / "claims.asc"
    path.write_bytes(join(lines))
    issues = check_file(path).issues
    e005 = [x for x in issues if x.code == "E005"]
    assert e005 and e005[0].location.path == detail.id and e005[0].location.line == i + 1
    assert not any("Meijer" in x.message or "1971" in x.message for x in issues)
