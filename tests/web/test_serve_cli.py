"""``resv-edi serve``: registered, documented, and a clear exit 2 without the web extra."""

from __future__ import annotations

import importlib.util
import socket

import pytest
from click.testing import CliRunner

from resv_edi.cli import serve
from resv_edi.cli.main import cli


def test_serve_is_listed_and_documented() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--timeout", "--workers", "--max-file-size"):
        assert option in result.output
    assert "serve" in CliRunner().invoke(cli, ["--help"]).output


def test_missing_extra_exits_2_with_instructions(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        serve.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "fastapi" else real(name, *a),
    )
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'resv-edi[web]'" in result.stderr
    assert "De webdienst" in result.stderr and "Traceback" not in result.output


def test_address_in_use_exits_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert "De dienst kon niet starten" in result.stderr
