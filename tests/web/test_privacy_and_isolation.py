"""Patient data from a claim file never reaches a response or a log; concurrent uploads share
no state; nothing uploaded stays behind."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import random
from pathlib import Path

import httpx
import pytest
from conftest import FIXTURES

from resv_edi.generate.claims import generate_claims
from resv_edi.limits import Limits
from resv_edi.standard.paths import mappings_dir
from resv_edi.web.app import Settings, create_app

PATIENT_FIELDS = ("BURGERSERVICENUMMER", "NAAM ", "GEBOORTEDATUM", "POSTCODE (HUISADRES)")


def _claim_file() -> tuple[bytes, list[bytes]]:
    """An HA304 claim file with fake patients, one record made too long by a patient's BSN
    (so that error output is covered too), and the patient values in it."""
    buf = io.BytesIO()
    generate_claims("HA304", 6, buf, rng=random.Random(7))
    data = buf.getvalue()
    layout = json.loads(sorted((mappings_dir() / "ei").glob("HA304_v*.json"))[-1].read_text())
    fields = {r["type"]: r["fields"] for r in layout["records"]}
    needles: set[bytes] = set()
    lines = data.split(b"\r\n")
    for line in lines:
        for f in fields.get(line[:2].decode("latin-1"), []):
            if f["name"].startswith(PATIENT_FIELDS):
                value = line[f["start"] - 1 : f["start"] - 1 + f["length"]].strip()
                if len(value) >= 6 and value.strip(b"0"):
                    needles.add(value)
    bsn = next(v for v in needles if v.isdigit() and len(v) == 9)
    service = next(i for i, line in enumerate(lines) if line.startswith(b"04"))
    lines[service] += bsn
    assert needles, "the generated file holds patient values"
    return b"\r\n".join(lines), sorted(needles)


def test_no_patient_value_in_any_response_or_log(client, caplog: pytest.LogCaptureFixture) -> None:
    data, needles = _claim_file()
    caplog.set_level(logging.DEBUG)
    answers = [
        client.post("/v1/validate", files={"file": ("claims.asc", data)}),
        client.post("/v1/retour", files={"file": ("claims.asc", data)}),
        client.post("/v1/convert?to=xml", files={"file": ("claims.asc", data)}),
        client.post("/v1/report", files={"file": ("claims.asc", data)}),
        client.post("/v1/report?output=html", files={"file": ("claims.asc", data)}),
        client.post("/", files={"file": ("claims.asc", data)}),
    ]
    report = answers[0].json()["files"][0]
    assert report["message"].startswith("HA304") and report["status"] == "invalid"  # it was read
    logged = "\n".join(r.getMessage() for r in caplog.records).encode()
    for needle in needles:
        for answer in answers:
            assert needle not in answer.content, answer.request.url
            assert all(needle not in v.encode() for v in answer.headers.values())
        assert needle not in logged


def test_concurrent_uploads_keep_their_own_results(workdir: Path) -> None:
    app = create_app(Settings(limits=Limits(), timeout=60, workers=3))
    files = sorted((FIXTURES / "invalid").glob("R0*.xml"))[:6] + sorted(
        (FIXTURES / "valid").glob("*.xml")
    )

    async def one(client: httpx.AsyncClient, path: Path) -> tuple[Path, dict]:
        response = await client.post("/v1/validate", files={"file": (path.name, path.read_bytes())})
        return path, response.json()["files"][0]

    async def all_at_once() -> list[tuple[Path, dict]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(one(client, p) for p in files * 3))

    for path, report in asyncio.run(all_at_once()):
        assert report["file"] == path.name
        expected = path.name.split("_")[0] if path.parent.name == "invalid" else None
        codes = {i["code"] for i in report["issues"]}
        assert (expected in codes) if expected else not codes, path.name
        assert all(i["location"]["file"] == path.name for i in report["issues"])
    assert list(workdir.iterdir()) == []
