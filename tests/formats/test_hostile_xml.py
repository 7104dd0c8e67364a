"""Hostile XML through ``resv-edi validate``: refused with a coded issue, fast, no traceback.

Nothing here may read a local file, open a network connection or expand entities.
"""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE

SECRET = "TOPSECRET-4f1d9c"
NS = DECLARATIE.namespace
DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def valid_xml(n: int = 2) -> bytes:
    """A small valid message."""
    out = io.BytesIO()
    get_format("xml").writer(generate_declaration(n, seed=5), out, DECLARATIE)
    return out.getvalue()


def with_doctype(doctype: str, body_edit: Callable[[bytes], bytes] = lambda b: b) -> bytes:
    """The valid message with ``doctype`` after the declaration."""
    doc = body_edit(valid_xml())
    return doc.replace(DECL, DECL + doctype.encode() + b"\n", 1)


def in_werkgebied(ref: str) -> Callable[[bytes], bytes]:
    """Put an entity reference into the first Werkgebied."""
    return lambda doc: doc.replace(b"<Werkgebied>", f"<Werkgebied>{ref}".encode(), 1)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Fail any attempt to open a socket while these tests run."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts
    assert attempts == []


def _xxe_file(secret_file: Path) -> bytes:
    return with_doctype(
        f'<!DOCTYPE Declaratiebericht [<!ENTITY xxe SYSTEM "file://{secret_file}">]>',
        in_werkgebied("&xxe;"),
    )


def _deep(depth: int) -> bytes:
    inner = b"<a>" * depth + b"x" + b"</a>" * depth
    doc = valid_xml()
    return doc.replace(b"<Werkgebied>", b"<Werkgebied>" + inner, 1)


def _huge_text(size: int) -> bytes:
    return valid_xml().replace(b"<Omschrijving>", b"<Omschrijving>" + b"A" * size, 1)


LAUGHS = (
    '<!DOCTYPE Declaratiebericht [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)

HOSTILE: dict[str, Callable[[Path], bytes]] = {
    "xxe_file": _xxe_file,
    "xxe_http": lambda _p: with_doctype(
        '<!DOCTYPE Declaratiebericht [<!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>',
        in_werkgebied("&net;"),
    ),
    "billion_laughs": lambda _p: with_doctype(LAUGHS, in_werkgebied("&lol9;")),
    "external_dtd": lambda _p: with_doctype(
        '<!DOCTYPE Declaratiebericht SYSTEM "http://127.0.0.1:9/evil.dtd">'
    ),
    "parameter_entities": lambda p: with_doctype(
        f'<!DOCTYPE Declaratiebericht [<!ENTITY % file SYSTEM "file://{p}">'
        '<!ENTITY % dtd SYSTEM "http://127.0.0.1:9/x.dtd">%dtd;]>'
    ),
    "doctype_after_comment": lambda p: valid_xml().replace(
        DECL,
        DECL + f'<!-- x --><!DOCTYPE Declaratiebericht [<!ENTITY x SYSTEM "file://{p}">]>'.encode(),
        1,
    ),
    "xinclude": lambda p: valid_xml().replace(
        b"<Werkgebied>",
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{p}"'
        ' parse="text"/><Werkgebied>'.encode(),
        1,
    ),
    "deep_nesting_10000": lambda _p: _deep(10_000),
    "text_node_20mb": lambda _p: _huge_text(20 * 1024 * 1024),
    "utf16_bom": lambda _p: (
        valid_xml().replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
    ),
    "utf16_no_bom": lambda _p: (
        valid_xml().replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16-le")
    ),
    "latin1_declared": lambda _p: valid_xml().replace(
        b'encoding="UTF-8"', b'encoding="ISO-8859-1"'
    ),
    "truncated": lambda _p: valid_xml()[:300],
    "empty": lambda _p: b"",
    "only_whitespace": lambda _p: b"  \n\t\n",
    "nul_bytes": lambda _p: valid_xml().replace(b"<Werkgebied>", b"<Werkgebied>\x00\x00", 1),
    "nul_at_start": lambda _p: b"\x00\x00\x00<" + valid_xml(),
    "garbage_bytes": lambda _p: bytes(range(256)) * 16,
    "garbage_after_lt": lambda _p: b"<\xff\xfe\x80\x81garbage",
    "invalid_utf8_in_text": lambda _p: valid_xml().replace(b"<Werkgebied>", b"<Werkgebied>\xff", 1),
    "second_root": lambda _p: valid_xml() + b"<Declaratiebericht/>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_document_is_refused(name: str, tmp_path: Path) -> None:
    """Exit code 1 or 2 with a coded issue, no traceback, the secret never echoed, fast."""
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET, encoding="utf-8")
    target = tmp_path / f"{name}.xml"
    target.write_bytes(HOSTILE[name](secret_file))

    start = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["validate", "--output-format", "json", str(target)], catch_exceptions=True
    )
    elapsed = time.perf_counter() - start

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert SECRET not in result.output
    assert SECRET not in (result.stderr_bytes or b"").decode("utf-8", "replace")
    payload = json.loads(result.stdout)
    issues = payload["files"][0]["issues"]
    assert issues, payload
    assert all(i["code"][:1] in "FXSJLR" and len(i["code"]) == 4 for i in issues)
    assert SECRET not in json.dumps(issues)
    assert elapsed < 5, f"{name} took {elapsed:.1f}s"


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("xxe_file", {"X002"}),
        ("xxe_http", {"X002"}),
        ("billion_laughs", {"X002"}),
        ("external_dtd", {"X002"}),
        ("parameter_entities", {"X002"}),
        ("doctype_after_comment", {"X002"}),
        ("xinclude", {"X004"}),
        ("utf16_bom", {"F004"}),
        ("latin1_declared", {"F004"}),
        ("truncated", {"X001"}),
        ("empty", {"F002", "F003"}),
        ("nul_bytes", {"X001"}),
        ("invalid_utf8_in_text", {"X001"}),
        ("second_root", {"X001"}),
    ],
)
def test_hostile_document_code(name: str, codes: set[str], tmp_path: Path) -> None:
    """The specific code for each kind of hostile input."""
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET, encoding="utf-8")
    target = tmp_path / "doc.xml"
    target.write_bytes(HOSTILE[name](secret_file))
    result = CliRunner().invoke(cli, ["validate", "--output-format", "json", str(target)])
    found = {i["code"] for i in json.loads(result.stdout)["files"][0]["issues"]}
    assert found & codes, found


def test_depth_and_size_are_refused_as_limits(tmp_path: Path) -> None:
    """Deep nesting and a huge text node end with a fatal issue (exit code 2)."""
    for name in ("deep_nesting_10000", "text_node_20mb"):
        target = tmp_path / f"{name}.xml"
        target.write_bytes(HOSTILE[name](tmp_path))
        result = CliRunner().invoke(cli, ["validate", "--output-format", "json", str(target)])
        codes = {i["code"] for i in json.loads(result.stdout)["files"][0]["issues"]}
        assert result.exit_code == 2, (name, codes)


def test_max_depth_option_is_applied_to_xml(tmp_path: Path) -> None:
    """Nesting beyond --max-depth is refused as a limit (L001), as it is for JSON."""
    target = tmp_path / "deep.xml"
    target.write_bytes(_deep(100))
    result = CliRunner().invoke(
        cli, ["validate", "--output-format", "json", "--max-depth", "32", str(target)]
    )
    codes = {i["code"] for i in json.loads(result.stdout)["files"][0]["issues"]}
    assert "L001" in codes
    assert result.exit_code == 2
