"""The API: the same answers as the CLI, HTTP statuses for the exit codes, limits, cleanup."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, TestClient, make_client

from resv_edi.cli.main import cli
from resv_edi.formats.registry import format_names
from resv_edi.report import aggregate, write_report
from resv_edi.web import service
from resv_edi.web.app import Settings, create_app

VALID = FIXTURES / "valid" / "prestatie1_credit_correction.xml"
R001 = FIXTURES / "invalid" / "R001_total_mismatch.xml"


def upload(path: Path, name: str | None = None) -> dict[str, tuple[str, bytes]]:
    return {"file": (name or path.name, path.read_bytes())}


@pytest.mark.parametrize(
    "fixture",
    [
        "valid/prestatie1_credit_correction.xml",
        "valid/prestatie2_credit_correction.ndjson",
        "invalid/R001_total_mismatch.xml",
        "invalid/R003_duplicate_reference.ndjson",
        "invalid/S002_bedrag_as_string.json",
        "invalid/X001_truncated.xml",
    ],
)
def test_validate_answers_what_the_cli_prints(
    client, fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FIXTURES / fixture
    local = tmp_path / "cli"
    local.mkdir()
    shutil.copy(source, local / source.name)
    monkeypatch.chdir(local)
    printed = CliRunner().invoke(cli, ["validate", source.name, "--output-format", "json"])
    response = client.post("/v1/validate", files=upload(source))
    assert response.json() == json.loads(printed.stdout)
    assert response.headers["x-resv-exit-code"] == str(printed.exit_code)
    assert response.status_code == (200 if printed.exit_code < 2 else 422)


def test_raw_body_and_status_codes(client) -> None:
    raw = client.post("/v1/validate", content=R001.read_bytes())
    assert raw.status_code == 200
    report = raw.json()["files"][0]
    assert report["file"] == "upload" and report["status"] == "invalid"
    assert [i["code"] for i in report["issues"]] == ["R001"]
    named = client.post("/v1/validate", content=R001.read_bytes(), headers={"X-File-Name": "a.xml"})
    assert named.json()["files"][0]["file"] == "a.xml"
    for fixture, status, code in (
        ("F002_plain_text.txt", 415, "F002"),
        ("F003_empty.xml", 400, "F003"),
        ("X002_doctype_entity.xml", 422, "X002"),
    ):
        response = client.post("/v1/validate", files=upload(FIXTURES / "invalid" / fixture))
        assert response.status_code == status, fixture
        assert response.json()["exit_code"] == 2
        assert response.json()["files"][0]["issues"][0]["code"] == code


def test_bad_requests(client) -> None:
    assert client.post("/v1/validate?format=pdf", content=b"x").status_code == 422
    no_file = client.post("/v1/validate", data={"other": "x"}, files={"x": ("a", b"1")})
    assert no_file.status_code == 400 and no_file.json()["error"] == "no_file"
    boundary_missing = client.post(
        "/v1/validate", content=b"--x", headers={"Content-Type": "multipart/form-data"}
    )
    assert boundary_missing.status_code == 400
    no_target = client.post("/v1/convert", files=upload(VALID))
    assert no_target.status_code == 400 and no_target.json()["error"] == "no_target"
    bad_field = client.post("/v1/convert", files=upload(VALID), data={"to": "pdf"})
    assert bad_field.status_code == 400


def test_size_limit_gives_413_declared_or_streamed(client) -> None:
    big = b"<x>" + b" " * (70 * 1024) + b"</x>"
    declared = client.post("/v1/validate", content=big)
    assert declared.status_code == 413 and declared.json()["error"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams
        for _ in range(100):
            yield b" " * 1024

    streamed = client.post("/v1/validate", content=chunks())
    assert streamed.status_code == 413
    form = client.post("/v1/validate", files={"file": ("big.xml", big)})
    assert form.status_code == 413


def test_record_and_depth_limits_of_the_cli_apply(workdir: Path) -> None:
    with make_client(max_records=2) as c:
        many = c.post(
            "/v1/validate", files=upload(FIXTURES / "valid/prestatie1_credit_correction.ndjson")
        )
    assert many.status_code == 413
    assert many.json()["files"][0]["issues"][-1]["code"] == "L001"
    deep = b'{"Declaratiebericht":' + b'{"a":' * 50 + b"1" + b"}" * 51
    with make_client(max_depth=8) as c:
        nested = c.post("/v1/validate", files={"file": ("deep.json", deep)})
    assert nested.status_code == 413
    assert list(workdir.iterdir()) == []


def test_retour_is_the_cli_retour(client, tmp_path: Path) -> None:
    out = tmp_path / "retour.json"
    run = CliRunner().invoke(cli, ["retour", str(R001), "-o", str(out), "--to", "json"])
    response = client.post("/v1/retour?to=json", files=upload(R001, "mijn bericht.xml"))
    assert response.status_code == 200 and run.exit_code == 1
    assert response.headers["x-resv-exit-code"] == "1"
    assert "mijn%20bericht-retour.json" in response.headers["content-disposition"]
    ours, theirs = response.json(), json.loads(out.read_text())
    for doc in (ours, theirs):  # the date is the day's own (a run may cross midnight)
        doc["Retourbericht"]["Header"].pop("Dagtekening")
    assert ours == theirs
    page_form = client.post("/v1/retour", files=upload(R001), data={"to": "ndjson"})
    assert page_form.content.startswith(b"<?xml")  # the page's conversion target is not used
    unreadable = client.post("/v1/retour", files=upload(FIXTURES / "invalid/F002_plain_text.txt"))
    assert unreadable.status_code == 422 and b"0001" in unreadable.content


def test_convert_writes_what_the_library_writes(client, tmp_path: Path) -> None:
    out = tmp_path / "out.asc"
    CliRunner().invoke(cli, ["convert", str(VALID), "-o", str(out), "--to", "ei"])
    response = client.post("/v1/convert?to=ei", files=upload(VALID))
    assert response.status_code == 200
    assert response.content == out.read_bytes()
    assert 'filename="prestatie1_credit_correction.asc"' in response.headers["content-disposition"]
    form_field = client.post("/v1/convert", files=upload(VALID), data={"to": "ndjson"})
    assert form_field.status_code == 200 and form_field.headers["content-type"].startswith(
        "application/x-ndjson"
    )
    refused = client.post("/v1/convert?to=xml", files=upload(R001))
    assert refused.status_code == 422
    assert [i["code"] for i in refused.json()["issues"]] == ["R001"]
    assert refused.json()["file"] == R001.name


def test_report_tables_and_page(client, tmp_path: Path) -> None:
    local = tmp_path / "in"
    local.mkdir()
    shutil.copy(VALID, local / VALID.name)
    write_report(aggregate([local / VALID.name]), tmp_path / "report")
    expected = json.loads((tmp_path / "report" / "report.json").read_text())
    response = client.post("/v1/report", files=upload(VALID))
    assert response.status_code == 200
    document = response.json()
    assert document["tables"] == expected["tables"] and document["meta"] == expected["meta"]
    page = client.post("/v1/report?output=html", files=upload(VALID))
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>")
    assert page.text == (tmp_path / "report" / "report.html").read_text()
    policy = page.headers["content-security-policy"]
    assert "'sha256-" in policy and "unsafe-inline" not in policy and "script-src" not in policy
    left_out = client.post("/v1/report", files=upload(R001))
    assert left_out.status_code == 200 and left_out.json()["meta"]["excluded"] == {R001.name: 1}


def test_standard_and_openapi(client) -> None:
    standard = client.get("/v1/standard").json()
    assert standard["version"] and "R001" in standard["issue_codes"]
    assert "0200" in {c["code"] for c in standard["codelists"]["retourcodes"]["codes"]}
    spec = client.get("/openapi.json").json()
    for path in ("/v1/validate", "/v1/retour", "/v1/convert", "/v1/report", "/v1/standard"):
        assert path in spec["paths"]
    body = spec["paths"]["/v1/validate"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in body and "application/octet-stream" in body
    assert client.get("/docs").status_code == 404  # its scripts would come from a CDN


def test_security_headers_everywhere(client) -> None:
    for response in (
        client.get("/"),
        client.get("/static/app.js"),
        client.get("/v1/standard"),
        client.post("/v1/validate", files=upload(R001)),
        client.post("/v1/validate", content=b"x" * 70_000),
    ):
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


def test_client_file_names_never_reach_the_file_system(client, workdir: Path) -> None:
    evil = "../../../../tmp/evil<script>.xml"
    response = client.post("/v1/validate", files=upload(R001, evil))
    assert response.json()["files"][0]["file"] == "evil_script_.xml"
    assert not Path("/tmp/evil<script>.xml").exists()
    retour = client.post("/v1/retour", files=upload(R001, 'a"\r\nX-Evil: 1.xml'))
    assert "x-evil" not in retour.headers
    assert str(workdir) not in response.text


def test_time_limit_gives_503_and_cleans_up_after_the_work(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = service.validate_upload

    def slow(*args: object) -> object:
        release.wait(10)
        return real(*args)

    monkeypatch.setattr(service, "validate_upload", slow)
    with TestClient(create_app(Settings(timeout=0.2))) as c:
        response = c.post("/v1/validate", files=upload(R001))
        assert response.status_code == 503 and response.json()["error"] == "timeout"
        assert len(list(workdir.iterdir())) == 1  # the work still reads its upload
        release.set()
        deadline = time.monotonic() + 10
        while list(workdir.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.02)
    assert list(workdir.iterdir()) == []


def test_formats_are_the_registry_formats() -> None:
    assert sorted(service.WRITE_FORMATS) == format_names() == sorted(service.MEDIA_TYPES)
    assert ("auto", *service.WRITE_FORMATS) == service.READ_FORMATS


def test_answers_match_the_published_schemas(client) -> None:
    spec = client.get("/openapi.json").json()
    validate = spec["paths"]["/v1/validate"]["post"]["responses"]
    convert = spec["paths"]["/v1/convert"]["post"]["responses"]

    def check(response, responses) -> None:
        schema = responses[str(response.status_code)]["content"]["application/json"]["schema"]
        jsonschema.Draft202012Validator(schema).validate(response.json())

    for path in [*sorted((FIXTURES / "invalid").iterdir()), VALID]:
        check(client.post("/v1/validate", files=upload(path)), validate)
    check(client.post("/v1/validate", content=b"x" * 70_000), validate)  # a problem
    check(client.post("/v1/convert?to=ei", files=upload(R001)), convert)
    check(
        client.post("/v1/convert?to=ei", files=upload(FIXTURES / "invalid/F003_empty.xml")), convert
    )
    with pytest.raises(jsonschema.ValidationError):  # the schemas do say something
        jsonschema.validate(
            {"files": [{"file": "x"}], "exit_code": 1},
            validate["200"]["content"]["application/json"]["schema"],
        )


def test_slow_upload_gives_408(workdir: Path) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        yield b"<Declaratiebericht>"
        await asyncio.sleep(0.6)
        yield b"</Declaratiebericht>"

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(Settings(timeout=0.2)))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/v1/validate", content=trickle())

    response = asyncio.run(post())
    assert response.status_code == 408 and response.json()["error"] == "timeout"
    assert list(workdir.iterdir()) == []


def test_a_failure_inside_says_only_its_type(
    client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> object:
        raise ValueError("BSN 111222333 of Qxtestpatient")

    monkeypatch.setattr(service, "validate_upload", broken)
    response = client.post("/v1/validate", files=upload(R001))
    assert response.status_code == 500 and response.json()["error"] == "internal"
    assert "111222333" not in response.text and "111222333" not in caplog.text
    assert "ValueError" in caplog.text
