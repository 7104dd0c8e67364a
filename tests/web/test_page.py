"""The page: Dutch first with an English switch, server-rendered verdict and issues table,
no inline script or style and nothing from elsewhere."""

from __future__ import annotations

import io
import re
import zipfile

from conftest import FIXTURES

from resv_edi.standard.catalogue import render_data

R001 = FIXTURES / "invalid" / "R001_total_mismatch.xml"


def _r001(client) -> dict:
    """The R001 issue of the fixture, as the API reports it."""
    answer = client.post("/v1/validate", files={"file": (R001.name, R001.read_bytes())})
    (found,) = answer.json()["files"][0]["issues"]
    assert found["code"] == "R001"
    return found


def test_page_is_dutch_with_an_english_switch(client) -> None:
    dutch = client.get("/")
    assert dutch.status_code == 200 and '<html lang="nl">' in dutch.text
    assert "Controleren" in dutch.text and 'href="/?lang=en"' in dutch.text
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text and ">Check<" in english.text
    assert client.get("/?lang=xx").text == dutch.text


def test_page_has_no_inline_code_and_no_external_resources(client) -> None:
    html = client.get("/").text
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>']
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son\w+=", html)  # no event-handler attributes
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    for asset, kind in (("/static/app.js", "javascript"), ("/static/style.css", "text/css")):
        response = client.get(asset)
        assert response.status_code == 200 and kind in response.headers["content-type"]
        assert "http://" not in response.text and "https://" not in response.text


def test_every_control_has_a_label(client) -> None:
    html = client.get("/").text
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert ids and all(f'for="{i}"' in html for i in ids)


def test_checking_renders_verdict_and_issues_in_dutch(client) -> None:
    response = client.post("/", files={"file": (R001.name, R001.read_bytes())})
    html = response.text
    assert response.status_code == 200 and response.headers["x-resv-exit-code"] == "1"
    assert 'class="verdict invalid"' in html and "Ongeldig: 1 fout(en)" in html
    row = re.search(r'<tr data-severity="error">(.*?)</tr>', html).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == "R001" and cells[1] == "fout"
    found = _r001(client)
    where = found["location"]
    assert cells[2] == f"{where['line']}:{where['column']} · {where['path']} · TotaalBedrag"
    assert cells[3] == render_data(found, "nl")
    assert cells[3].startswith("Totaalbedrag €") and "is niet gelijk aan de som" in cells[3]
    assert cells[4].startswith("Tel de regelbedragen opnieuw op")


def test_fragment_in_english_and_escaped_names(client) -> None:
    response = client.post(
        "/?lang=en",
        files={"file": ("<img src=x>.xml", R001.read_bytes())},
        data={"lang": "en"},
        headers={"X-Resv-Fragment": "1"},
    )
    html = response.text
    assert html.startswith("<h2>Result for") and "<html" not in html
    assert "<img" not in html and f"<td>{_r001(client)['message']}</td>" in html
    assert "Add up the line amounts again" in html


def test_valid_and_unreadable_files(client) -> None:
    valid = client.post(
        "/",
        files={
            "file": ("v.xml", (FIXTURES / "valid/prestatie1_credit_correction.xml").read_bytes())
        },
    )
    assert "Geldig: geen fouten gevonden." in valid.text and 'id="no-issues"' in valid.text
    unreadable = client.post("/", files={"file": ("t.txt", b"hello")})
    assert unreadable.status_code == 200 and 'class="verdict unreadable"' in unreadable.text
    assert "F002" in unreadable.text


def test_problems_are_shown_on_the_page(client) -> None:
    response = client.post("/", files={"file": ("big.xml", b" " * 70_000)})
    assert response.status_code == 413 and "<html" in response.text
    assert "Dat lukte niet" in response.text
    fragment = client.post(
        "/?lang=en", files={"file": ("big.xml", b" " * 70_000)}, headers={"X-Resv-Fragment": "1"}
    )
    assert fragment.text.startswith('<p id="verdict"') and "That did not work" in fragment.text


def test_an_archive_names_the_member_of_each_issue(client) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.write(R001, R001.name)
        archive.write(FIXTURES / "valid/prestatie1_credit_correction.xml", "ok.xml")
    response = client.post("/", files={"file": ("batch.zip", buf.getvalue())})
    assert "Formaat ZIP" in response.text
    place = re.search(r'<td class="place"[^>]*>(.*?)</td>', response.text).group(1)
    where = _r001(client)["location"]
    assert place == (
        f"{R001.name} · {where['line']}:{where['column']} · {where['path']} · TotaalBedrag"
    )


def test_the_service_can_start_in_english(workdir) -> None:
    from conftest import TestClient

    from resv_edi.web.app import Settings, create_app

    with TestClient(create_app(Settings(lang="en"))) as c:
        assert '<html lang="en">' in c.get("/").text
        assert '<html lang="nl">' in c.get("/?lang=nl").text
