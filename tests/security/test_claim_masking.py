"""Issue 15, point 6: trailer counts and totals of claim files, return-code fields of Vektis
return files and zip member names are masked like every other claim-file value."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from resv_edi.api import check_file
from resv_edi.cli.main import cli
from resv_edi.formats.ei.inspect import inspect_file
from resv_edi.generate.claims import generate_claims
from resv_edi.vektis.layout import load_layout

#: values a shifted record could put in a trailer or code field: digits of a birth date or
#: a BSN, letters of a name
SECRET_COUNT = "190385"
SECRET_TOTAL = "00019850317"
SECRET_CODE = "JAN"
MASK = "***"  # how a claim-file value is shown


def _claim(standard: str, lines: int = 4) -> list[bytes]:
    buf = io.BytesIO()
    generate_claims(standard, lines, buf, seed=3)
    return buf.getvalue().split(b"\r\n")[:-1]


def _put(records: list[bytes], index: int, standard: str, field_id: str, text: str) -> None:
    line = records[index]
    f = load_layout(standard).records[line[:2].decode()].by_id[field_id]
    assert len(text) == f.length
    records[index] = line[: f.start - 1] + text.encode("latin-1") + line[f.start - 1 + f.length :]


def _write(path: Path, records: list[bytes]) -> Path:
    path.write_bytes(b"".join(r + b"\r\n" for r in records))
    return path


def _everything(path: Path) -> str:
    """All that validate (text and JSON) and inspect (text and JSON) print for ``path``."""
    runner = CliRunner()
    out = []
    for args in (
        ["validate", str(path)],
        ["validate", "--output-format", "json", str(path)],
        ["inspect", str(path)],
        ["inspect", "--output-format", "json", str(path)],
    ):
        result = runner.invoke(cli, args)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        out.append(result.output + result.stderr)
    return "\n".join(out)


def test_trailer_count_and_total_of_a_claim_file_are_masked(tmp_path: Path) -> None:
    records = _claim("HA304")
    _put(records, -1, "HA304", "9902", SECRET_COUNT)
    _put(records, -1, "HA304", "9907", SECRET_TOTAL)
    path = _write(tmp_path / "claim.asc", records)
    report = check_file(path)
    codes = {i.code for i in report.issues}
    assert {"E009", "E010"} <= codes, codes
    for item in report.issues:
        if item.code in ("E009", "E010"):
            assert MASK in item.message
    shown = _everything(path)
    assert SECRET_COUNT not in shown and SECRET_TOTAL.lstrip("0") not in shown
    totals = inspect_file(path)["totals"]
    assert all(t["trailer"]["amount"] == MASK for t in totals.values())


def test_agreeing_trailer_total_is_still_shown(tmp_path: Path) -> None:
    path = _write(tmp_path / "claim.asc", _claim("HA304"))
    for total in inspect_file(path)["totals"].values():
        assert total["trailer"]["amount"] == total["computed"]["amount"]


def test_return_code_fields_of_a_vektis_return_file_are_masked(tmp_path: Path) -> None:
    records = _claim("HA305")
    index = next(i for i, r in enumerate(records) if r[:2] == b"04")
    _put(records, index, "HA305", "0491", SECRET_CODE)
    path = _write(tmp_path / "return.asc", records)
    summary = inspect_file(path)
    assert SECRET_CODE not in summary["return_codes"] and MASK in summary["return_codes"]
    assert SECRET_CODE not in _everything(path)


def test_claim_file_member_names_are_masked(tmp_path: Path) -> None:
    records = _claim("HA304")
    _put(records, -1, "HA304", "9902", SECRET_COUNT)
    archive = tmp_path / "in.zip"
    secret_name = "de_vries_1985-03-17.asc"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(secret_name, b"".join(r + b"\r\n" for r in records))
    report = check_file(archive)
    assert report.errors and all(i.location.file == f"{archive}!#1" for i in report.issues)
    result = CliRunner().invoke(cli, ["validate", "--output-format", "json", str(archive)])
    assert "de_vries" not in result.output and "#1" in result.output
    payload = json.loads(result.output)
    assert payload["files"][0]["issues"]
