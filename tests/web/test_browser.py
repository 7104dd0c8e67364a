"""The page in a real browser: Debian's headless Chromium, driven by Playwright (never a
downloaded browser), against the service started with uvicorn on a free localhost port.

Set ``RESV_WEB_SCREENSHOT=docs/web-page.png`` to save the screenshot of docs/web.md.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    from resv_edi.limits import Limits
    from resv_edi.web.app import Settings, create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(Settings(Limits(max_file_size=200_000), timeout=60)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def _drop(page: object, path: Path) -> None:
    """Drop ``path`` on the drop zone as a person would (a drop event with a DataTransfer)."""
    transfer = page.evaluate_handle(
        """([name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name));
            return transfer;
        }""",
        [path.name, list(path.read_bytes())],
    )
    page.dispatch_event("#drop", "dragenter", {"dataTransfer": transfer})
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})


def test_drop_a_file_and_read_sort_and_filter_its_issues(base_url: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"

    _drop(page, FIXTURES / "invalid" / "R003_duplicate_reference.xml")
    page.wait_for_selector("#issues tbody tr")
    assert "Ongeldig" in page.inner_text("#verdict")
    assert page.locator("#issues tbody td.code").all_inner_texts() == ["R003"]
    assert page.locator("#filters").is_visible()

    # a second file replaces the first: the period rule and its consequences
    _drop(page, FIXTURES / "invalid" / "R021_period_begin_after_end.xml")
    page.wait_for_selector("#results .name:has-text('R021_period_begin_after_end.xml')")
    rows = page.locator("#issues tbody tr")
    codes = page.locator("#issues tbody td.code")
    assert sorted(codes.all_inner_texts()) == ["R007", "R007", "R007", "R021"]
    assert "buiten de declaratieperiode" in rows.nth(1).inner_text()

    page.fill("#filter", "R007")
    shown = page.locator("#issues tbody tr:not([hidden]) td.code").all_inner_texts()
    assert shown == ["R007", "R007", "R007"]
    assert page.inner_text("#shown") == "3 van 4 meldingen getoond"
    page.fill("#filter", "")
    page.select_option("#severity", "warning")
    assert page.locator("#issues tbody tr:not([hidden])").count() == 0
    page.select_option("#severity", "")

    page.click("#issues th:nth-child(1) button")
    assert page.get_attribute("#issues th:nth-child(1)", "aria-sort") == "ascending"
    assert codes.all_inner_texts() == ["R007", "R007", "R007", "R021"]
    page.keyboard.press("Enter")  # the focused heading button sorts the other way
    assert page.get_attribute("#issues th:nth-child(1)", "aria-sort") == "descending"
    assert codes.all_inner_texts() == ["R021", "R007", "R007", "R007"]
    assert errors == [], errors  # no script error and no CSP violation
    target = os.environ.get("RESV_WEB_SCREENSHOT")
    if target:
        page.screenshot(path=target, full_page=True)
    page.close()


def test_retour_download_and_english(base_url: str, browser: object, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(base_url + "/?lang=en")
    assert page.locator("#check").inner_text() == "Check"
    page.set_input_files("#file", str(FIXTURES / "invalid" / "R001_total_mismatch.xml"))
    with page.expect_download() as info:
        page.click("#retour")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "R001_total_mismatch-retour.xml"
    assert b"<Retourbericht" in saved.read_bytes()
    page.select_option("#to", "ndjson")
    page.set_input_files("#file", str(FIXTURES / "valid" / "prestatie1_credit_correction.xml"))
    with page.expect_download() as info:
        page.click("#convert")
    assert info.value.suggested_filename == "prestatie1_credit_correction.ndjson"
    with page.context.expect_page() as report:
        page.click("#report")
    report.value.wait_for_load_state()
    assert "RESV monitoring report" in report.value.title()
    page.close()


def test_narrow_screen_and_keyboard(base_url: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(base_url + "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing sticks out sideways on a phone
    reached = []
    for _ in range(12):  # every control is reached with the keyboard, in reading order
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id"))
    controls = ["file", "format", "check", "retour", "to", "convert", "report"]
    assert [r for r in reached if r in controls][: len(controls)] == controls
    page.close()


def test_too_large_a_file_is_said_in_words(base_url: str, browser: object) -> None:
    page = browser.new_page()
    page.goto(base_url + "/")
    big = {"name": "groot.xml", "mimeType": "application/xml", "buffer": b" " * 300_000}
    page.set_input_files("#file", files=[big])
    page.click("#check")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict").startswith("Dat lukte niet")
    assert page.locator("h1").count() == 1  # the message went into the page, not a second page
    page.close()


def test_the_page_works_without_javascript(base_url: str, browser: object) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/")
    page.set_input_files("#file", str(FIXTURES / "invalid" / "R001_total_mismatch.xml"))
    page.click("#check")
    page.wait_for_selector("#issues")
    assert page.locator("#issues tbody td.code").all_inner_texts() == ["R001"]
    assert page.locator("#filters").is_hidden()  # filtering needs the script
    context.close()
