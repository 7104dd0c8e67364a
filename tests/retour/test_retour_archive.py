"""The retour of a zip archive: refused by VECOZO's rules (0001 and the reason, no lines), one
accepted member answered as that declaration, several members refused (F002)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.model.retour import RetourHeader, RetourPrestatie, RetourTotalen
from resv_edi.retour.answer import answer_records
from resv_edi.retour.builder import RetourSummary

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.xml"


def _zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def test_one_accepted_member_is_answered_as_the_declaration(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", [("declaratie.xml", VALID.read_bytes())])
    from_zip = [r.to_data() for r in answer_records(archive)]
    plain = [r.to_data() for r in answer_records(VALID)]
    assert from_zip == plain


def test_a_refused_archive_is_rejected_whole_with_the_reason(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", [("../declaratie.xml", VALID.read_bytes())])
    summary = RetourSummary()
    records = list(answer_records(archive, summary=summary))
    header, totals = records
    assert isinstance(header, RetourHeader) and isinstance(totals, RetourTotalen)
    assert header.retourcodes == ["0001"]
    assert header.toelichting and header.toelichting.startswith("F010")
    assert totals.aantal_prestaties == 0 and totals.totaal_toegekend_bedrag == 0
    assert summary.unreadable and summary.message_codes == ["0001"]
    assert not any(isinstance(r, RetourPrestatie) for r in records)


def test_an_archive_of_several_declarations_gets_no_single_answer(tmp_path: Path) -> None:
    data = VALID.read_bytes()
    archive = _zip(tmp_path / "a.zip", [("a.xml", data), ("b.xml", data)])
    header = next(iter(answer_records(archive)))
    assert isinstance(header, RetourHeader) and header.retourcodes == ["0001"]
    assert header.toelichting and header.toelichting.startswith("F002")


def test_cli_retour_of_a_refused_archive_exits_2_and_writes_the_retour(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", [("x.zip", b"PK\x03\x04nested")])
    out = tmp_path / "retour.xml"
    result = CliRunner().invoke(cli, ["retour", str(archive), "-o", str(out)])
    assert result.exit_code == 2
    assert b"<Retourcode>0001</Retourcode>" in out.read_bytes()
