"""The shipped mappings' totals equal an independent recomputation.

The test parses the claim files itself, by plain slicing at the positions of the layout JSON
and with the code list read by tomllib: it shares no code with the engine.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from lumpsum_helpers import MAPPINGS, layout_json, write_claims

from resv_edi.lumpsum import MappingError, load_mapping, lump_sums
from resv_edi.standard.paths import mappings_dir


def _spec(standard: str, record: str, field_id: str) -> tuple[int, int]:
    for r in layout_json(standard)["records"]:
        if r["type"] == record:
            for f in r["fields"]:
                if f["id"] == field_id:
                    return f["start"] - 1, f["start"] - 1 + f["length"]
    raise KeyError(field_id)


def _recompute(paths: list[Path], standard: str, granularity: str) -> dict[tuple, list[int]]:
    """(provider, insurer, period begin, hoofdtaak) -> [debit, credit, lines]."""
    mapping = tomllib.loads((mappings_dir() / "lumpsum" / f"{MAPPINGS[standard]}.toml").read_text())
    codes_file = mappings_dir() / "codelists" / f"{mapping['codes']['codelist']}.toml"
    codes = {c["code"]: c for c in tomllib.loads(codes_file.read_text())["code"]}
    f = mapping["fields"]
    s = {k: _spec(standard, "04", f[k]) for k in ("code", "date", "amount", "debit_credit")}
    insurer = _spec(standard, "04", f["insurer"][0])
    provider = _spec(standard, "01", f["provider"][0])
    out: dict[tuple, list[int]] = {}
    for path in paths:
        agb = ""
        for line in path.read_bytes().decode("latin-1").split("\r\n"):
            if line.startswith("01"):
                agb = line[slice(*provider)]
            if not line.startswith("04"):
                continue
            code = line[slice(*s["code"])].strip()
            raw = line[slice(*s["date"])]
            day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
            entry = codes.get(code)
            if entry is None or day < entry["valid_from"]:
                continue
            if "valid_to" in entry and day > entry["valid_to"]:
                continue
            if granularity == "year":
                begin = date(day.year, 1, 1)
            elif granularity == "month":
                begin = date(day.year, day.month, 1)
            else:
                begin = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            key = (agb, line[slice(*insurer)], begin, entry["hoofdtaak"])
            sums = out.setdefault(key, [0, 0, 0])
            amount = int(line[slice(*s["amount"])])
            sums[1 if line[slice(*s["debit_credit"])] == "C" else 0] += amount
            sums[2] += 1
    return out


@pytest.fixture(scope="module")
def claim_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Three files per standard: different seeds, providers, insurers and years."""
    base = tmp_path_factory.mktemp("claims")
    files: dict[str, list[Path]] = {}
    for standard in MAPPINGS:
        for i in range(3):
            path = base / f"{standard}_{i}.ei"
            write_claims(path, standard, 120 + 40 * i, seed=10 * i + 7, shift=1 + i % 2)
            files.setdefault(standard, []).append(path)
    return files


@pytest.mark.parametrize("standard", sorted(MAPPINGS))
@pytest.mark.parametrize("granularity", ["month", "quarter", "year"])
def test_totals_equal_recomputation(
    claim_files: dict[str, list[Path]], standard: str, granularity: str
) -> None:
    paths = claim_files[standard]
    records, issues = lump_sums(paths, load_mapping(MAPPINGS[standard]), granularity)
    assert issues == []
    expected = _recompute(paths, standard, granularity)
    got = {
        (r.zorgaanbieder, r.zorgverzekeraar, r.periode_begin, r.hoofdtaak): [
            r.debet,
            r.credit,
            r.aantal_regels,
        ]
        for r in records
    }
    assert got == expected
    assert all(r.saldo == r.debet - r.credit for r in records)
    assert sum(v[2] for v in expected.values()) > 0


def test_code_outside_validity_is_not_counted(tmp_path: Path) -> None:
    """39904 ends 2026-12-31: counted in 2026 files, not in 2027 files."""
    path = tmp_path / "ha.ei"
    write_claims(path, "HA304", 60, seed=1, shift=0, codes=["39904"])
    records, _ = lump_sums([path], load_mapping("ha304_oi"))
    assert sum(r.aantal_regels for r in records) == 60
    write_claims(path, "HA304", 60, seed=1, shift=1, codes=["39904"])
    records, _ = lump_sums([path], load_mapping("ha304_oi"))
    assert records == []


def _mapping_text(allow_04: str, extra: str = "") -> str:
    text = (mappings_dir() / "lumpsum" / "ha304_oi.toml").read_text()
    text = text.replace('"04" = ["0404",', f'"04" = [{allow_04}"0404",')
    return text.replace("[fields]", f"{extra}\n[fields]")


@pytest.mark.parametrize(
    ("allow_04", "extra"),
    [
        ('"0403", ', ""),  # BSN in the service record
        ('"0405", ', ""),  # insured-person number
        ("", '"02" = ["0204"]'),  # any field of the insured-person record
        ('"0406", ', ""),  # machtigingsnummer: refused by name
    ],
)
def test_mapping_refuses_patient_fields(tmp_path: Path, allow_04: str, extra: str) -> None:
    path = tmp_path / "bad.toml"
    text = _mapping_text(allow_04)
    if extra:
        text = text.replace('"99" = [', f'{extra}\n"99" = [')
    path.write_text(text)
    with pytest.raises(MappingError):
        load_mapping(str(path))


def test_new_standard_needs_no_code(tmp_path: Path) -> None:
    """A mapping file with inline codes for another version/standard loads and runs."""
    text = (mappings_dir() / "lumpsum" / "pm304_network.toml").read_text()
    text = text.replace('codelist = "lumpsum_pm304_network"', "")
    text += '\n[[code]]\ncode = "NW1001"\nhoofdtaak = "5"\nvalid_from = 2020-01-01\n'
    path = tmp_path / "custom.toml"
    path.write_text(text)
    claims = tmp_path / "pm.ei"
    write_claims(claims, "PM304", 80, seed=4)
    records, issues = lump_sums([claims], load_mapping(str(path)))
    assert issues == [] and {r.hoofdtaak for r in records} == {"5"}
