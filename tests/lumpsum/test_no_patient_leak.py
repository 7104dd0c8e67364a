"""Property: no patient value from a claim file reaches any byte of any output.

Claim files are generated with fake patients, then chosen patient values are written into
every patient field of the insured-person (02), debtor (03) and service (04) records and into
the free-text comment (98): BSNs passing the 11-test, long unusual names, birth dates, postcode
plus house number, insured-person numbers. Optionally the file is corrupted (a patient value
in an allowlisted amount field, a record of the wrong length, an unknown record type), so that
error output is covered too. Every output (lump-sum records in csv/json/ndjson/xml, a draft
declaration in xml/json/ndjson/ei, the overlap JSON) and the command's stdout and stderr are
searched for every injected value.
"""

from __future__ import annotations

import io
import random
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lumpsum_helpers import CODES, MAPPINGS, layout_json, shift_year

from resv_edi.cli.main import cli
from resv_edi.generate.claims import generate_claims
from resv_edi.identifiers.bsn import fake as fake_bsn

_LETTERS = "bcdfghjklmnpqrstvwxz"


@st.composite
def patients(draw: st.DrawFn) -> dict[str, str]:
    rng = random.Random(draw(st.integers(0, 2**32)))
    name = "Qx" + draw(st.text(_LETTERS, min_size=14, max_size=20))
    birth = draw(st.dates(date(1900, 1, 1), date(1925, 12, 31)))
    return {
        "bsn": fake_bsn(rng),
        "name": name,
        "initials": "QXZ",
        "birth": birth.strftime("%Y%m%d"),
        "birth_iso": birth.isoformat(),
        "postcode": f"{draw(st.integers(1000, 9999))}QX",
        "house": f"{draw(st.integers(10000, 99999))}",
        "number": "VZQ" + "".join(rng.choice("0123456789") for _ in range(12)),
        "debtor": "DQZ" + "".join(rng.choice("0123456789") for _ in range(8)),
    }


def _put(line: str, start: int, length: int, value: str, numeric: bool) -> str:
    text = value.rjust(length, "0") if numeric else value.ljust(length)
    return line[: start - 1] + text[:length] + line[start - 1 + length :]


def _inject(data: bytes, standard: str, p: dict[str, str]) -> bytes:
    """Write the patient values ``p`` into every patient field (and the comment text)."""
    records = {r["type"]: r for r in layout_json(standard)["records"]}
    out = []
    for line in data.decode("latin-1").split("\r\n"):
        rec = records.get(line[:2])
        for f in rec["fields"] if rec else []:
            name, numeric = f["name"], f["type"] in ("N", "amount")
            value = None
            if "BURGERSERVICENUMMER" in name:
                value = p["bsn"]
            elif "VERZEKERDENNUMMER" in name or "PATIENT" in name:
                value = p["number"]
            elif "DEBITEURNUMMER" in name:
                value = p["debtor"]
            elif "GEBOORTE" in name:
                value = p["birth"]
            elif name.startswith(("NAAM ", "STRAATNAAM", "WOONPLAATS")):
                value = p["name"]
            elif name.startswith("VOORLETTERS"):
                value = p["initials"]
            elif name.startswith("POSTCODE (HUISADRES)"):
                value = p["postcode"]
            elif name.startswith("HUISNUMMER (HUISADRES)"):
                value = p["house"]
            elif name == "VRIJE TEKST":
                value = f"{p['name']} {p['bsn']} {p['postcode']}"
            if value is not None:
                line = _put(line, f["start"], f["length"], value, numeric)
        out.append(line)
    return "\r\n".join(out).encode("latin-1")


def _corrupt(data: bytes, how: str, p: dict[str, str], standard: str) -> bytes:
    lines = data.split(b"\r\n")
    service = next(i for i, line in enumerate(lines) if line.startswith(b"04"))
    insured = next(i for i, line in enumerate(lines) if line.startswith(b"02"))
    if how == "amount":  # a patient value in an allowlisted field
        fields = {f["id"]: f for r in layout_json(standard)["records"] for f in r["fields"]}
        amount = fields[{"HA304": "0418", "AW319": "0429", "PM304": "0432"}[standard]]
        start = amount["start"] - 1
        line = lines[service]
        lines[service] = line[:start] + p["name"][:8].encode() + line[start + 8 :]
    elif how == "length":  # records of the wrong length
        lines[service] += p["bsn"].encode()
        lines[insured] = lines[insured][:-12]
    elif how == "type":  # an unknown record type
        lines[insured] = b"X9" + lines[insured][2:]
    return b"\r\n".join(lines)


def _needles(p: dict[str, str]) -> list[bytes]:
    values = [p["bsn"], p["name"], p["birth"], p["birth_iso"], p["postcode"], p["number"]]
    values += [p["debtor"], f"{p['postcode']}{p['house']}", p["name"][:12]]
    return [v.encode("utf-8") for v in values]


def _assert_clean(blob: bytes, needles: list[bytes], where: str) -> None:
    for needle in needles:
        assert needle not in blob, f"patient value leaked into {where}"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    p=patients(),
    standard=st.sampled_from(sorted(MAPPINGS)),
    corruption=st.sampled_from(["none", "none", "amount", "length", "type", "standard"]),
    seed=st.integers(0, 10_000),
)
def test_no_patient_value_in_any_output(
    tmp_path_factory: Any, p: dict[str, str], standard: str, corruption: str, seed: int
) -> None:
    tmp = tmp_path_factory.mktemp("leak")
    buf = io.BytesIO()
    generate_claims(standard, 12, buf, rng=random.Random(seed), codes=CODES[standard][:2])
    data = _inject(shift_year(buf.getvalue(), standard), standard, p)
    if corruption in ("amount", "length", "type"):
        data = _corrupt(data, corruption, p, standard)
    claims = tmp / "claims.ei"
    claims.write_bytes(data)
    assert p["bsn"].encode() in data and p["name"].encode() in data  # the values are there
    mapping = MAPPINGS[standard]
    if corruption == "standard":  # the file does not fit the mapping
        mapping = next(m for s, m in MAPPINGS.items() if s != standard)
    needles = _needles(p)
    runner = CliRunner()
    outputs: list[Path] = []

    def run(*args: str) -> int:
        result = runner.invoke(cli, list(args))
        assert result.exception is None or isinstance(result.exception, SystemExit)
        _assert_clean(result.stdout_bytes + result.stderr_bytes, needles, f"output of {args}")
        return result.exit_code

    expect = 0 if corruption == "none" else 1
    for to in ("csv", "json", "ndjson", "xml"):
        out = tmp / f"records.{to}"
        assert (
            run("lumpsum", str(claims), "--mapping", mapping, "-o", str(out), "--to", to) == expect
        )
        outputs.append(out)
    for to in ("xml", "json", "ndjson", "ei"):
        out = tmp / f"draft.{to}"
        code = run(
            "lumpsum", str(claims), "--mapping", mapping, "-o", str(out), "--to", to,
            "--draft-declaration", "--sender", "98000001", "--date", "2027-06-01",
        )  # fmt: skip
        assert code == expect
        outputs.append(out)
    if corruption == "none":
        out = tmp / "overlap.json"
        run(
            "overlap",
            "--declarations",
            str(tmp / "draft.xml"),
            "--claims",
            str(claims),
            "-o",
            str(out),
        )
        outputs.append(out)
    written = [o for o in outputs if o.exists()]
    assert len(written) == (9 if corruption == "none" else 0)  # errors: nothing written
    for out in written:
        _assert_clean(out.read_bytes(), needles, out.name)
    for leftover in tmp.iterdir():  # no temporary file left behind either
        assert not leftover.name.endswith(".part")
