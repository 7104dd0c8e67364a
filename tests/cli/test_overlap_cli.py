"""``resv-edi overlap`` on the command line: several files per option, unreadable input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("overlap")
    runner = CliRunner()
    made = {}
    for name, args in {
        "d1": ["--records", "20", "--seed", "1"],
        "d2": ["--records", "20", "--seed", "2", "--format", "ndjson"],
        "ha": ["--standard", "HA304", "--mapping", "ha304_oi", "--records", "30"],
        "aw": ["--standard", "AW319", "--records", "30"],
    }.items():
        suffix = ".ndjson" if "ndjson" in args else (".asc" if "--standard" in args else ".xml")
        made[name] = folder / f"{name}{suffix}"
        result = runner.invoke(cli, ["generate", *args, "-o", str(made[name])])
        assert result.exit_code == 0, result.output
    return made


def _overlap(*args: str) -> object:
    return CliRunner().invoke(cli, ["overlap", *args])


def test_several_files_per_option_equal_repeated_options(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    d1, d2, ha, aw = (str(inputs[k]) for k in ("d1", "d2", "ha", "aw"))
    spread = tmp_path / "spread.json"
    repeated = tmp_path / "repeated.json"
    a = _overlap("--declarations", d1, d2, "--claims", ha, aw, "-o", str(spread))
    b = _overlap("--declarations", d1, "--claims", ha, "--declarations", d2, "--claims=" + aw,
                 "-o", str(repeated))  # fmt: skip
    assert a.exit_code == b.exit_code and a.exit_code in (0, 1), a.output
    assert json.loads(spread.read_bytes()) == json.loads(repeated.read_bytes())
    assert json.loads(spread.read_bytes())["rows"]


def test_an_unreadable_declaration_writes_nothing(inputs: dict[str, Path], tmp_path: Path) -> None:
    """An unsafe or unreadable declaration is not "no overlap": exit 2, no output."""
    out = tmp_path / "o.json"
    unsafe = ROOT / "fixtures" / "invalid" / "X002_doctype_entity.xml"
    result = _overlap("--declarations", str(unsafe), "--claims", str(inputs["ha"]), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "X002" in result.output and not out.exists()
    missing = tmp_path / "missing.xml"
    result = _overlap("--declarations", str(missing), "--claims", str(inputs["ha"]), "-o", str(out))
    assert result.exit_code == 2 and not out.exists()


def test_an_unreadable_claim_file_writes_nothing(inputs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    missing = tmp_path / "nosuch.asc"
    result = _overlap("--declarations", str(inputs["d1"]), "--claims", str(missing), "-o", str(out))
    assert result.exit_code == 2 and "cannot be read" in result.output and not out.exists()
