"""The inspect command, layout detection, and the conversion script."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from ei_helpers import generate, join, split

from resv_edi.cli.inspect import command
from resv_edi.vektis import find_layout, load_layout
from resv_edi.vektis.layout import layouts_dir

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared" / "vektis"


def test_inspect_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.asc"
    good.write_bytes(generate("PM304", 5)[0])
    bad = tmp_path / "bad.asc"
    bad.write_bytes(join(split(generate("PM304", 5)[0])[:-1]))
    runner = CliRunner()
    result = runner.invoke(command, [str(good), "--output-format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["standard"] == "PM304"
    assert runner.invoke(command, [str(good), str(bad)]).exit_code == 1
    assert runner.invoke(command, [str(tmp_path / "missing.asc")]).exit_code == 2


def test_find_layout_nearest_version() -> None:
    assert find_layout(112, 4, 2) is load_layout("HA304", "4.2")
    assert find_layout(112, 4, 9) is load_layout("HA304", "4.2")
    assert find_layout(187, 1, 4) is load_layout("AW319", "1.4")
    assert find_layout(428, 1, 4) is load_layout("AW319", "1.4")
    assert find_layout(999, 1, 0) is None


@pytest.mark.skipif(not SHARED.is_dir(), reason="vektis source data not available")
def test_conversion_reproduces_committed_files() -> None:
    """The committed layouts are what the tool makes from Vektis' files (AW319 from the xlsx;
    the text digest without openpyxl truncates names, so it cannot reproduce them)."""
    pytest.importorskip("openpyxl")
    script = REPO / "tools" / "convert_vektis_layouts.py"
    spec = importlib.util.spec_from_file_location("conv", script)
    assert spec and spec.loader
    conv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conv)
    produced = conv.convert(SHARED)
    committed = {
        p.name: p.read_text(encoding="utf-8")
        for p in layouts_dir().glob("*.json")
        if not p.name.startswith("RESV")
    }
    assert produced == committed
