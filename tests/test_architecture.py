"""The architecture keeps its shape: the import layers hold, and the readers stay readable."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "resv_edi"
#: the modules that read bytes into records: no function longer than this without a reason
READERS = [
    *sorted((PACKAGE / "formats").rglob("*.py")),
    *sorted((PACKAGE / "vektis").rglob("*.py")),
    PACKAGE / "lumpsum" / "engine.py",
    PACKAGE / "lumpsum" / "claims.py",
    PACKAGE / "transport" / "archive.py",
]
MAX_LINES = 80
REASON = "# long:"


def test_import_layers_hold() -> None:
    """``lint-imports`` (pyproject.toml ``[tool.importlinter]``): every import runs downward,
    nothing inside imports resv_edi.api, no cycles."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-logo", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and " KEPT" in result.stdout


def _long_functions(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        above = lines[max(0, first - 4) : first - 1]
        if length > MAX_LINES and not any(line.strip().startswith(REASON) for line in above):
            found.append(f"{path.name}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_reader_functions_are_short_or_say_why() -> None:
    long = [item for path in READERS for item in _long_functions(path)]
    assert not long, f"over {MAX_LINES} lines without a '{REASON}' comment above: {long}"


def test_the_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    source = tmp_path / "m.py"
    source.write_text(f"def f() -> None:\n{body}\n\n\ndef g() -> None:\n    pass\n")
    assert _long_functions(source) == [f"m.py:1 f ({MAX_LINES + 1} lines)"]
    source.write_text(f"{REASON} one state machine\ndef f() -> None:\n{body}\n")
    assert _long_functions(source) == []
