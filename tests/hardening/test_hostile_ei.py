"""Hostile EI (fixed-width) RESV files through ``resv-edi validate``.

Positions come from the RESV901 layout (``mappings/ei``), never from literals here.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from resv_edi.formats.ei.resv import resv_layout
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE

from .conftest import positioned, validate

LAYOUT = resv_layout("declaratie").layout
Lines = list[bytes]


def lines(n: int = 6) -> Lines:
    out = io.BytesIO()
    get_format("ei").writer(generate_declaration(n, seed=7), out, DECLARATIE)
    return out.getvalue().split(b"\r\n")[:-1]


def join(records: Lines, eol: bytes = b"\r\n") -> bytes:
    return b"".join(r + eol for r in records)


def field(rtype: str, field_id: str) -> tuple[int, int]:
    """(start offset, end offset) of a field in its record."""
    spec = LAYOUT.records[rtype].by_id[field_id]
    return spec.start - 1, spec.start - 1 + spec.length


def put(records: Lines, index: int, field_id: str, value: bytes) -> Lines:
    """``value`` in the field of record ``index`` (padded or cut to the field's width)."""
    start, end = field(field_id[:2], field_id)
    body = records[index]
    records[index] = body[:start] + value.ljust(end - start)[: end - start] + body[end:]
    return records


def first(records: Lines, rtype: str) -> int:
    return next(i for i, r in enumerate(records) if r[:2] == rtype.encode())


def _amount_overflow(r: Lines) -> bytes:
    """An amount of 11 nines (the field is full) and a trailer total that overflows too."""
    put(r, first(r, "04"), "0416", b"9" * 11)
    return join(put(r, len(r) - 1, "9905", b"9" * 13))


CASES: dict[str, tuple[Callable[[Lines], bytes], set[str]]] = {
    "record_too_long": (lambda r: join([r[0] + b"X", *r[1:]]), {"E001"}),
    "record_too_short": (lambda r: join([r[0], r[1][:-5], *r[2:]]), {"E001"}),
    "record_empty": (lambda r: join([r[0], b"", *r[1:]]), {"E001", "E003"}),
    "lf_only": (lambda r: join(r, b"\n"), {"E002"}),
    "cr_only": (lambda r: join(r, b"\r"), {"E002"}),
    "mixed_endings": (lambda r: join(r[:2]) + join(r[2:], b"\n"), {"E002"}),
    "no_final_crlf": (lambda r: join(r)[:-2], {"E002"}),
    "truncated_last_record": (lambda r: join(r)[:-40], {"E001", "E002"}),
    "truncated_mid_file": (lambda r: join(r)[: len(join(r)) // 2], {"E001", "E012"}),
    "letters_in_numeric": (lambda r: join(put(r, first(r, "04"), "0410", b"12A4")), {"E005"}),
    "letters_in_amount": (lambda r: join(put(r, first(r, "04"), "0416", b"0000001O000")), {"E005"}),
    "sign_in_amount": (lambda r: join(put(r, first(r, "04"), "0416", b"-0000010000")), {"E005"}),
    "unicode_digits": (
        lambda r: join(put(r, first(r, "04"), "0410", "١٢٣٤".encode()[:4])),
        {"E005", "F004", "E011"},
    ),
    "invalid_date_feb_30": (lambda r: join(put(r, first(r, "04"), "0414", b"20270230")), {"E006"}),
    "invalid_date_month_13": (lambda r: join(put(r, 0, "0113", b"20281315")), {"E006"}),
    "date_with_letters": (lambda r: join(put(r, 0, "0115", b"2027O101")), {"E006"}),
    "amount_overflow": (_amount_overflow, {"R001", "R017", "E010"}),
    "utf8_multibyte": (
        lambda r: join(put(r, first(r, "04"), "0419", "Zorg für Ältere €".encode())),
        {"F004"},
    ),
    "utf8_bom": (lambda r: b"\xef\xbb\xbf" + join(r), {"F004"}),
    "utf16": (lambda r: join(r).decode("latin-1").encode("utf-16"), {"F004"}),
    "utf16_be": (lambda r: b"\xfe\xff" + join(r).decode("latin-1").encode("utf-16-be"), {"F004"}),
    "utf32": (lambda r: join(r).decode("latin-1").encode("utf-32"), {"F004"}),
    "control_char": (lambda r: join(put(r, first(r, "04"), "0419", b"bell\x07ring")), {"E011"}),
    "c1_control_char": (lambda r: join(put(r, first(r, "04"), "0419", b"x\x85y")), {"E011"}),
    "nul_bytes": (lambda r: join(put(r, first(r, "04"), "0408", b"\x00\x00\x00")), {"E011"}),
    "nul_record_type": (lambda r: join([r[0], b"\x00\x00" + r[1][2:], *r[2:]]), {"E003"}),
    "unknown_record_type": (lambda r: join([r[0], b"77" + r[1][2:], *r[2:]]), {"E003"}),
    "no_header": (lambda r: join(r[1:]), {"F002", "E012", "E014"}),
    "no_trailer": (lambda r: join(r[:-1]), {"E012", "S001", "X005"}),
    "header_twice": (lambda r: join([r[0], *r]), {"E004"}),
    "trailer_in_the_middle": (lambda r: join([r[0], r[-1], *r[1:]]), {"E004"}),
    "empty": (lambda r: b"", {"F003"}),
    "garbage_after_header": (lambda r: join([r[0]]) + bytes(range(256)) * 64, {"E011"}),
    "line_of_5mb": (lambda r: join([r[0], b"04" + b"0" * 5 * 2**20, *r[1:]]), {"E001"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_ei(name: str, tmp_path: Path) -> None:
    build, codes = CASES[name]
    target = tmp_path / "hostile.asc"
    target.write_bytes(build(lines()))
    outcome = validate(target, "--format", "ei")
    assert outcome.codes & codes, (name, outcome.codes)
    assert all(positioned(i) for i in outcome.issues if i["code"][0] in "FJLE")
    line_level = [i for i in outcome.issues if i["code"] in {"E001", "E002", "E005", "E006"}]
    assert all(i["location"].get("line") for i in line_level), line_level


def test_field_issue_names_the_field_and_column(tmp_path: Path) -> None:
    """E005/E006/E011 carry the record, the field id and its first column; the message names
    the field (no unfilled ``{field}`` placeholder)."""
    records = lines()
    i = first(records, "04")
    put(records, i, "0414", b"20270230")
    put(records, i, "0419", b"x\x07")
    target = tmp_path / "fields.asc"
    target.write_bytes(join(records))
    issues = validate(target).issues
    by_code = {item["code"]: item for item in issues}
    assert by_code["E006"]["location"]["path"] == "0414"
    assert by_code["E006"]["location"]["column"] == LAYOUT.records["04"].by_id["0414"].start
    assert by_code["E006"]["location"]["line"] == i + 1
    assert by_code["E011"]["location"]["line"] == i + 1
    assert all("{" not in item["message"] for item in issues), issues


def test_overlong_line_is_cut_not_kept(tmp_path: Path) -> None:
    """A 50 MB line is refused as too long (E001) without holding it: the reader cuts it at
    ``--max-line-length`` (the memory guard of ``conftest.validate`` applies)."""
    records = lines()
    target = tmp_path / "long.asc"
    target.write_bytes(join([records[0], b"04" + b"7" * 50 * 2**20, *records[1:]]))
    outcome = validate(target, "--max-line-length", "4096")
    assert "E001" in outcome.codes


def test_superscript_digits_in_an_an_number_field(tmp_path: Path) -> None:
    """Found by the atheris harness: BtwBedrag (an AN field carrying digits) of ``²²``."""
    from resv_edi.api import check_file

    records = lines()
    put(records, first(records, "04"), "0418", b"\xb2\xb2")
    target = tmp_path / "superscript.asc"
    target.write_bytes(join(records))
    report = check_file(target)
    assert report.issues


def test_superscript_digits_in_a_trailer_count(tmp_path: Path) -> None:
    """Found by the atheris harness: ``str.isdigit()`` is true for ``¹`` (latin-1 0xB9), so the
    trailer reconciliation called ``int("00¹0001")`` and crashed. Now: E005, no exception."""
    records = lines()
    start, _ = field("99", "9902")
    trailer = records[-1]
    records[-1] = trailer[: start + 2] + b"\xb9" + trailer[start + 3 :]
    target = tmp_path / "superscript_count.asc"
    target.write_bytes(join(records))
    assert "E005" in validate(target).codes


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
@pytest.mark.parametrize("suffix", [".asc", ".ndjson", ".csv"])
def test_wide_encodings_are_one_clear_f004(encoding: str, suffix: str, tmp_path: Path) -> None:
    """A UTF-16/32 file (byte order mark) is refused with one F004 naming the encoding,
    whether the format is detected or (for EI) given; never "unknown format"."""
    target = tmp_path / f"wide{suffix}"
    target.write_bytes(join(lines()).decode("latin-1").encode(encoding))
    detected = validate(target)
    assert [i["code"] for i in detected.issues] == ["F004"], detected.issues
    assert encoding.upper() in detected.issues[0]["message"]
    assert detected.exit_code == 2
    if suffix == ".asc":
        given = validate(target, "--format", "ei")
        assert [i["code"] for i in given.issues] == ["F004"], given.issues


@pytest.mark.parametrize(
    ("field_id", "code"),
    [("9902", "R002"), ("9903", "E009"), ("9904", "E009"), ("9905", "R001")],
)
def test_every_trailer_count_and_total_is_checked(field_id: str, code: str, tmp_path: Path) -> None:
    """Each sluitrecord field that counts or sums is checked once: the ones the model carries
    by the rules (as in every format), the EI-only counts by the reader, at their field."""
    records = lines()
    trailer = len(records) - 1
    start, end = field("99", field_id)
    wrong = int(records[trailer][start:end]) + 1
    put(records, trailer, field_id, str(wrong).rjust(end - start, "0").encode())
    target = tmp_path / "trailer.asc"
    target.write_bytes(join(records))
    outcome = validate(target)
    assert [i["code"] for i in outcome.issues] == [code], outcome.issues
    assert outcome.exit_code == 1
    if code == "E009":
        location = outcome.issues[0]["location"]
        assert location["path"] == field_id and location["line"] == trailer + 1


@pytest.mark.parametrize(
    ("field_id", "value", "code"),
    [("0403", b" " * 20, "E007"), ("0405", b"7", "E008"), ("0117", b"USD", "E008")],
)
def test_resv_mandatory_fields_and_fixed_values_as_vektis_codes(
    tmp_path: Path, field_id: str, value: bytes, code: str
) -> None:
    """The RESV EI layout takes required elements and fixed value sets from the model: a blank
    required field is E007, a value outside its set E008 (with its Vektis return code), at the
    field's column, and the model does not report the same field again."""
    records = lines()
    index = 0 if field_id.startswith("01") else first(records, "04")
    put(records, index, field_id, value)
    target = tmp_path / "m.asc"
    target.write_bytes(join(records))
    issues = validate(target).issues
    at_field = [i for i in issues if i["location"].get("path") == field_id]
    assert [i["code"] for i in at_field] == [code], issues
    spec = LAYOUT.records[field_id[:2]].by_id[field_id]
    assert at_field[0]["location"]["column"] == spec.start
    assert at_field[0]["location"]["line"] == index + 1
