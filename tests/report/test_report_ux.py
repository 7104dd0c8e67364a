"""report counts a message given twice once (with a warning); chart labels never stop mid-word."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from resv_edi.report import aggregate
from resv_edi.report.html import bar_chart, shortened

VALID = Path(__file__).resolve().parents[2] / "fixtures" / "valid"


def test_a_message_given_twice_is_counted_once(tmp_path: Path) -> None:
    xml = VALID / "prestatie1_credit_correction.xml"
    copy = tmp_path / "again.xml"
    shutil.copy(xml, copy)
    once = aggregate([xml])
    twice = aggregate([xml, copy, VALID / "prestatie1_credit_correction.json"])
    assert twice.total == once.total
    assert [i.code for i in twice.issues] == ["W001", "W001"]
    assert twice.duplicates == {
        str(copy): str(xml),
        str(VALID / "prestatie1_credit_correction.json"): str(xml),
    }


def test_the_same_message_id_with_other_content_is_counted_and_warned(tmp_path: Path) -> None:
    xml = VALID / "prestatie1_credit_correction.xml"
    other = tmp_path / "other.xml"
    text = xml.read_text(encoding="utf-8")
    second = [m.start(1) for m in re.finditer(r"<Hoofdtaak>([^<]*)</Hoofdtaak>", text)][1]
    other.write_text(text[:second] + "5" + text[second + 1 :], encoding="utf-8")  # line 2's taak
    both = aggregate([xml, other])
    assert [i.code for i in both.issues] == ["W002"]
    assert both.total.lines == 2 * aggregate([xml]).total.lines


def test_chart_labels_are_never_cut_mid_word() -> None:
    label = "4a Hecht wijkverband: aanspreekbaar zijn om samenwerkingsafspraken te maken"
    for limit in range(8, len(label) + 2):
        short = shortened(label, limit)
        assert len(short) <= limit
        if short != label:
            head = short.removesuffix("…")
            assert label.startswith(head) and label[len(head)] in " :"
    svg = bar_chart("t", [(label, 100)], "c")
    shown = re.search(r"</title>([^<]*)</text>", svg)
    assert shown is not None and shown.group(1) == shortened(label, 27)
    assert f"<title>{label}</title>" in svg
