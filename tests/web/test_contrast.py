"""The page's colours meet WCAG 2 AA contrast (4.5:1 for text) on the backgrounds they use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "resv_edi/web/static/style.css").read_text()
VARS = dict(re.findall(r"--(\w+):\s*(#[0-9a-fA-F]{6})", CSS))

#: (text colour, background) pairs as the style sheet combines them
PAIRS = [
    ("ink", "paper"),
    ("ink", "soft"),
    ("muted", "paper"),
    ("muted", "soft"),
    ("accent", "paper"),
    ("accent", "soft"),
    ("#ffffff", "accent"),
    ("bad", "paper"),
    ("warn", "paper"),
    ("ok", "#e9f5ec"),
    ("bad", "#fbeaea"),
    ("ink", "#dbe8f5"),  # the drop zone while a file is dragged over it
]


def _luminance(colour: str) -> float:
    value = VARS.get(colour, colour).lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_text_contrast_is_at_least_aa(fg: str, bg: str) -> None:
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (fg, bg)


def test_the_pairs_are_the_sheets_colours() -> None:
    used = {c for pair in PAIRS for c in pair if not c.startswith("#")}
    assert used <= set(VARS)
    for literal in ("#e9f5ec", "#fbeaea", "#dbe8f5"):
        assert literal in CSS
