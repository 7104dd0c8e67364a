"""Zip archives under the VECOZO transport rules (``mappings/transport/vecozo.toml``).

Every hostile archive is built here, in the test. A refused archive gives one fatal F010 per
broken rule and nothing is unpacked; an accepted one gives one report per member.
"""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import Limits
from resv_edi.model.messages import DECLARATIE
from resv_edi.pipeline import archive_report, check_archive
from resv_edi.transport.archive import is_archive, transport_rules

RULES = transport_rules()


def message(fmt: str, n: int = 4) -> bytes:
    out = io.BytesIO()
    get_format(fmt).writer(generate_declaration(n, seed=13), out, DECLARATIE)
    return out.getvalue()


def build(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def reasons(reports: list) -> list[str]:
    return [i.message for r in reports for i in r.issues if i.code == "F010"]


def refused(reports: list, fragment: str) -> None:
    assert len(reports) == 1 and reports[0].fatal and reports[0].exit_code == 2, reports
    assert any(fragment in m for m in reasons(reports)), reasons(reports)


def test_rules_are_data() -> None:
    assert RULES.max_members == 30
    assert RULES.formats["ei"].max_compressed == 20 * 2**20
    assert RULES.formats["ei"].max_uncompressed == 300 * 2**20
    assert RULES.formats["xml"].max_uncompressed == 25 * 2**20


def test_valid_archive_reports_every_member(tmp_path: Path) -> None:
    path = build(
        tmp_path / "batch.zip",
        {f"decl.{fmt}": message(fmt) for fmt in ("xml", "json", "ndjson", "ei")},
    )
    assert is_archive(path)
    reports = check_archive(path)
    assert [r.file for r in reports] == [
        f"{path}!decl.{f}" for f in ("xml", "json", "ndjson", "ei")
    ]
    assert [r.format for r in reports] == ["xml", "json", "ndjson", "ei"]
    assert all(r.status == "valid" for r in reports), [r.issues for r in reports]


def test_member_issues_name_the_archive_and_member(tmp_path: Path) -> None:
    bad = message("xml").replace(b"RESV0", b"XXXX0")
    reports = check_archive(build(tmp_path / "b.zip", {"sub/bad.xml": bad}))
    assert reports[0].exit_code == 1
    assert {i.location.file for i in reports[0].issues} == {f"{tmp_path / 'b.zip'}!sub/bad.xml"}


def test_too_many_files(tmp_path: Path) -> None:
    data = message("xml", 1)
    path = build(tmp_path / "many.zip", {f"m{i:02d}.xml": data for i in range(31)})
    refused(check_archive(path), "31 files, at most 30")
    ok = build(tmp_path / "thirty.zip", {f"m{i:02d}.xml": data for i in range(30)})
    assert len(check_archive(ok)) == 30


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("../evil.xml", "parent folder"),
        ("a/../../evil.xml", "parent folder"),
        ("/etc/evil.xml", "absolute path"),
        ("C:/evil.xml", "drive letter"),
        ("C:evil.xml", "drive letter"),
        ("..\\evil.xml", "back slash"),
        ("evil\x1b[2J.xml", "control character"),
    ],
)
def test_path_traversal(name: str, fragment: str, tmp_path: Path) -> None:
    path = tmp_path / "trav.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(PLACEHOLDER, message("xml", 1))
    _rename_member(path, PLACEHOLDER.encode(), name.encode())
    before = set(os.listdir(tmp_path))
    refused(check_archive(path), fragment)
    assert set(os.listdir(tmp_path)) == before
    assert not (tmp_path.parent / "evil.xml").exists()


PLACEHOLDER = "p" * 40 + ".xml"


def _rename_member(path: Path, old: bytes, new: bytes) -> None:
    """Rewrite a member's name in the raw zip, keeping its length (zipfile cleans names on
    write; an attacker's tool does not)."""
    assert len(new) <= len(old)
    stem, dot, ext = new.rpartition(b".")
    padded = stem + b"_" * (len(old) - len(new)) + dot + ext
    path.write_bytes(path.read_bytes().replace(old, padded))


def test_symlink(tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("passwd.xml")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    refused(check_archive(path), "a link is not accepted")


@pytest.mark.parametrize("name", ["inner.zip", "inner.ZIP", "inner.tar.gz", "x.7z"])
def test_nested_archive_by_name(name: str, tmp_path: Path) -> None:
    inner = build(tmp_path / "inner.zip", {"a.xml": message("xml", 1)}).read_bytes()
    refused(check_archive(build(tmp_path / "outer.zip", {name: inner})), "inside the archive")


@pytest.mark.parametrize(
    "head", [b"PK\x03\x04", b"\x1f\x8b\x08\x00", b"BZh91AY", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c"]
)
def test_nested_archive_by_content(head: bytes, tmp_path: Path) -> None:
    path = build(tmp_path / "outer.zip", {"looks_like.xml": head + b"\x00" * 100})
    refused(check_archive(path), "inside the archive")


def test_encrypted_member(tmp_path: Path) -> None:
    path = build(tmp_path / "enc.zip", {"a.xml": message("xml", 1)}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    # set the "encrypted" bit in the local header (offset 6) and the central header (offset 8)
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    for at in (local + 6, central + 8):
        data[at] |= 0x01
    path.write_bytes(bytes(data))
    refused(check_archive(path), "encrypted")


def test_unaccepted_compression_method(tmp_path: Path) -> None:
    path = build(tmp_path / "bz.zip", {"a.xml": message("xml", 1)}, zipfile.ZIP_BZIP2)
    refused(check_archive(path), "compression method 12")


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    """10 MB of spaces pack to ~10 kB: a ratio of ~1000, refused before unpacking."""
    path = build(tmp_path / "bomb.zip", {"bomb.asc": b" " * 10 * 2**20})
    refused(check_archive(path), "compression ratio")


def test_zip_bomb_by_total_size(tmp_path: Path) -> None:
    """Thirty members of 12 MB each (each ratio fine, stored): 360 MB in all, more than 300."""
    rules = transport_rules()
    small = type(rules)(**{**_fields(rules), "max_total_uncompressed": 10 * 2**20})
    data = os.urandom(2**20)
    path = build(tmp_path / "total.zip", {f"m{i}.asc": data for i in range(12)}, zipfile.ZIP_STORED)
    refused(check_archive(path, rules=small), "unpacked in all")


def _fields(rules: object) -> dict[str, object]:
    return {f: getattr(rules, f) for f in rules.__slots__}  # type: ignore[attr-defined]


def test_header_that_lies_about_the_size(tmp_path: Path) -> None:
    """The central directory says 100 bytes; the data unpacks to 5 MB. zipfile stops at the
    declared size and the CRC fails: the member is refused, never written in full."""
    path = build(tmp_path / "liar.zip", {"liar.asc": b"0" * 5 * 2**20})
    data = bytearray(path.read_bytes())
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(sig) + size_at
        data[at : at + 4] = struct.pack("<I", 100)
    path.write_bytes(bytes(data))
    reports = check_archive(path)
    assert reports[0].fatal and "F010" in {i.code for i in reports[0].issues}


def test_overlapping_members(tmp_path: Path) -> None:
    """Two central entries that point at the same local data (the non-recursive zip bomb)."""
    path = build(tmp_path / "ov.zip", {"a.xml": message("xml", 1)})
    data = path.read_bytes()
    start = data.find(b"PK\x01\x02")
    end = data.find(b"PK\x05\x06")
    central = data[start:end]
    twin = central.replace(b"a.xml", b"b.xml")
    eocd = bytearray(data[end:])
    struct.pack_into("<HHI", eocd, 8, 2, 2, len(central) * 2)
    path.write_bytes(data[:start] + central + twin + bytes(eocd))
    refused(check_archive(path), "overlaps")


def test_xml_member_too_large(tmp_path: Path) -> None:
    big = message("xml", 1).replace(
        b"<Omschrijving>", b"<Omschrijving>" + os.urandom(13 * 2**20).hex().encode(), 1
    )
    path = build(tmp_path / "big.zip", {"big.xml": big})
    reports = check_archive(path)
    assert reports[0].fatal
    assert any("xml file of" in m and "at most 26214400" in m for m in reasons(reports))


def test_not_a_zip_and_empty_zip(tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 10)
    refused(check_archive(fake), "not a valid zip file")
    empty = build(tmp_path / "empty.zip", {})
    refused(check_archive(empty), "no files")


def test_archive_file_size_limit(tmp_path: Path) -> None:
    path = build(tmp_path / "a.zip", {"a.xml": message("xml")})
    refused(check_archive(path, Limits(max_file_size=100)), "archive larger than 100")


def test_validate_cli_on_a_zip(tmp_path: Path) -> None:
    """Once ``resv-edi validate`` routes zips to ``check_archive`` (see docs/security.md)."""
    path = build(tmp_path / "batch.zip", {"../evil.xml": message("xml", 1)})
    result = CliRunner().invoke(cli, ["validate", "--output-format", "json", str(path)])
    codes = {i["code"] for f in json.loads(result.stdout)["files"] for i in f["issues"]}
    if "F002" in codes:
        pytest.skip("resv-edi validate does not call check_archive for zip files yet")
    assert "F010" in codes and result.exit_code == 2


def test_archive_report_folds_the_members(tmp_path: Path) -> None:
    """One report for the whole zip (what check_file returns for a zip once hooked in)."""
    bad = message("xml").replace(b"RESV0", b"XXXX0")
    path = build(tmp_path / "b.zip", {"good.ei": message("ei"), "bad.xml": bad})
    report = archive_report(path)
    assert report.file == str(path) and report.format == "zip"
    assert report.lines == 8 and report.errors >= 4 and report.exit_code == 1
    assert {i.location.file for i in report.issues} == {f"{path}!bad.xml"}
    refused_zip = build(tmp_path / "r.zip", {"../x.xml": bad})
    assert archive_report(refused_zip).exit_code == 2
