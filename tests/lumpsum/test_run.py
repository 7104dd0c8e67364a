"""The lumpsum, overlap and generate commands as library calls with frozen results."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lumpsum_helpers import MAPPINGS, write_claims

from resv_edi.errors import ExitCode
from resv_edi.generate.files import (
    ClaimFile,
    GenerateError,
    write_claim_file,
    write_declaration_file,
)
from resv_edi.lumpsum.mapping import load_mapping
from resv_edi.lumpsum.run import run_lumpsum, run_overlap, save_lumpsum


def test_run_lumpsum_is_a_frozen_result_and_saves(tmp_path: Path) -> None:
    claims = tmp_path / "ha.ei"
    summary = write_claims(claims, "HA304", 30, seed=3)
    run = run_lumpsum([claims], load_mapping(MAPPINGS["HA304"]))
    assert run.exit_code is ExitCode.OK and not run.failed and not run.issues
    assert run.lines == summary["lines"] and 0 < run.counted <= run.lines
    assert sum(r.aantal_regels for r in run.records) == run.counted
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.records = ()  # type: ignore[misc]
    out = tmp_path / "sums.csv"
    saved = save_lumpsum(run, out, "csv")
    assert saved.description == f"{len(run.records)} lump-sum records"
    assert out.read_text(encoding="utf-8").count("\n") == len(run.records) + 1


def test_run_lumpsum_with_a_broken_file_fails(tmp_path: Path) -> None:
    claims = tmp_path / "ha.ei"
    write_claims(claims, "HA304", 10, seed=3)
    claims.write_bytes(claims.read_bytes().replace(b"\r\n", b"\n", 1))  # E002 on line 1
    run = run_lumpsum([claims], load_mapping(MAPPINGS["HA304"]))
    assert run.failed and run.exit_code is ExitCode.INVALID
    assert [i.code for i in run.issues] == ["E002"] and run.issues[0].location.line == 1


def test_run_overlap_refuses_an_unreadable_claim_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.ei"
    run = run_overlap([], [missing], [load_mapping(MAPPINGS["HA304"])])
    assert run.unreadable == (str(missing),) and run.result is None
    assert run.exit_code is ExitCode.USAGE


def test_write_claim_file_and_declaration_file(tmp_path: Path) -> None:
    claims = write_claim_file(tmp_path / "aw.ei", "AW319", 12, seed=2, year=2028)
    assert isinstance(claims, ClaimFile) and claims.standard == "AW319" and claims.lines == 12
    assert (tmp_path / "aw.ei").read_bytes().startswith(b"01")
    assert "AW319" in claims.text() and sum(claims.records.values()) > claims.lines
    declaration = write_declaration_file(tmp_path / "d.json", "json", 5, seed=1)
    assert declaration.lines == 5 and (tmp_path / "d.json").stat().st_size > 0
    with pytest.raises(GenerateError, match="not a claim file"):
        write_claim_file(tmp_path / "x.ei", "RESV901", 3)
    with pytest.raises(GenerateError, match="no EI layout"):
        write_claim_file(tmp_path / "x.ei", "ZZ999", 3)
    assert not (tmp_path / "x.ei").exists()
