"""Issue 15, point 1: outputs never clobber what they should not. A FIFO, a device or ``-``
is written as a stream, never replaced; ``schema -o`` is atomic and does not follow planted
links; batch ``convert`` never writes outside its output directory; ``--skip-existing``
accepts only a complete, valid earlier output; an output under an existing file is exit 2."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.xml"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result.exit_code, result.output + result.stderr


def _drain(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_convert_to_a_fifo_streams_into_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    code, out = _run("convert", str(SOURCE), "-o", str(fifo), "--to", "json")
    reader.join(10)
    assert code == 0, out
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert got and got[0].startswith(b'{"Declaratiebericht"')
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_link_to_an_open_descriptor_is_written_through(tmp_path: Path) -> None:
    """What ``/dev/stdout`` is: a link to ``/proc/self/fd/N``; the link stays a link."""
    read_end, write_end = os.pipe()
    link = tmp_path / "stdout"
    link.symlink_to(f"/proc/self/fd/{write_end}")
    chunks: list[bytes] = []

    def drain() -> None:
        with os.fdopen(read_end, "rb") as fh:
            chunks.append(fh.read())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        code, out = _run("convert", str(SOURCE), "-o", str(link), "--to", "ndjson")
    finally:
        os.close(write_end)
    reader.join(10)
    assert code == 0, out
    assert link.is_symlink()
    assert chunks and b'"Bericht"' in chunks[0]


def test_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["convert", str(SOURCE), "-o", "-", "--to", "ndjson"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('{"Bericht"')
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["convert", str(SOURCE), "--to", "json", "-o", "{file}/out.json"],
        ["retour", str(SOURCE), "-o", "{file}/retour.xml"],
        ["report", str(SOURCE), "-o", "{file}/report"],
        ["schema", "-o", "{file}/schemas"],
        ["schema", "--type", "json", "-o", "{file}/deeper/schemas"],
    ],
    ids=["convert", "retour", "report", "schema-xsd", "schema-json"],
)
def test_an_output_under_a_file_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    blocker = tmp_path / "plain.txt"
    blocker.write_text("I am a file")
    code, out = _run(*(a.replace("{file}", str(blocker)) for a in args))
    assert code == 2, out
    assert "plain.txt" in out and ("is a file" in out or "Not a directory" in out), out
    assert blocker.read_text() == "I am a file"


def test_schema_does_not_follow_planted_links(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "schemas"
    out.mkdir()
    (out / "declaratie.xsd").symlink_to(victim)
    (out / "declaratie.schema.json").symlink_to(victim)
    for kind in ("xsd", "json"):
        code, text = _run("schema", "--type", kind, "-o", str(out))
        assert code == 0, text
    assert victim.read_text() == "precious"
    assert not (out / "declaratie.xsd").is_symlink()
    assert (out / "declaratie.xsd").read_bytes().startswith(b"<?xml")


def test_batch_glob_with_dotdot_does_not_write_outside(tmp_path: Path) -> None:
    inbox = tmp_path / "in" / "a"
    inbox.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.xml").write_bytes(SOURCE.read_bytes())
    pattern = str(tmp_path / "in" / "*" / ".." / ".." / "outside" / "*.xml")
    out = tmp_path / "out"
    code, text = _run("convert", pattern, "-o", str(out), "--to", "json", "-j", "1")
    assert code == 2 and "outside the output directory" in text, text
    assert sorted(p.name for p in outside.iterdir()) == ["x.xml"]
    assert not (tmp_path / "outside.json").exists() and not list(tmp_path.glob("*.json"))


def test_batch_does_not_follow_a_symlinked_subdirectory(tmp_path: Path) -> None:
    inbox = tmp_path / "in" / "north"
    inbox.mkdir(parents=True)
    (inbox / "d.xml").write_bytes(SOURCE.read_bytes())
    (tmp_path / "in" / "e.xml").write_bytes(SOURCE.read_bytes())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "north").symlink_to(elsewhere)
    code, text = _run("convert", str(tmp_path / "in"), "-o", str(out), "--to", "json", "-j", "1")
    assert code == 2 and "outside the output directory" in text, text
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("earlier", ["empty", "half", "folder"])
def test_skip_existing_needs_a_complete_valid_output(tmp_path: Path, earlier: str) -> None:
    good = tmp_path / "good.json"
    assert _run("convert", str(SOURCE), "-o", str(good), "--to", "json")[0] == 0
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    (inbox / "m.xml").write_bytes(SOURCE.read_bytes())
    single, batch = tmp_path / "single.json", out / "m.json"
    for target in (single, batch):
        if earlier == "folder":
            target.mkdir()
        else:
            target.write_bytes(b"" if earlier == "empty" else good.read_bytes()[:300])
    code, text = _run("convert", str(SOURCE), "-o", str(single), "--to", "json", "--skip-existing")
    assert "skipped" not in text
    result = CliRunner().invoke(
        cli,
        ["convert", str(inbox), "-o", str(out), "--to", "json", "--skip-existing", "-j", "1",
         "--output-format", "json"],
    )  # fmt: skip
    (converted,) = json.loads(result.stdout)["files"]
    assert converted["status"] != "skipped"
    if earlier == "folder":
        assert code == 2 and converted["status"] == "failed"
    else:
        assert code == 0 and converted["status"] == "ok"
        assert single.read_bytes() == batch.read_bytes() == good.read_bytes()


def test_skip_existing_skips_a_complete_output(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert _run("convert", str(SOURCE), "-o", str(target), "--to", "json")[0] == 0
    before = target.stat().st_mtime_ns
    code, out = _run("convert", str(SOURCE), "-o", str(target), "--to", "json", "--skip-existing")
    assert code == 0 and "skipped" in out
    assert target.stat().st_mtime_ns == before


def test_dev_stdout_redirected_to_a_file_is_written_through(tmp_path: Path) -> None:
    """``-o /dev/stdout`` with standard output redirected to a regular file: the output goes
    into that file; /dev/stdout is never replaced (as root a rename would replace it)."""
    import subprocess
    import sys

    before = os.readlink("/dev/stdout")
    captured = tmp_path / "captured.ndjson"
    with captured.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "resv_edi.cli.main", "convert", str(SOURCE), "-o",
             "/dev/stdout", "--to", "ndjson"],
            stdout=out, stderr=subprocess.PIPE, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert os.path.islink("/dev/stdout") and os.readlink("/dev/stdout") == before
    assert captured.read_bytes().startswith(b'{"Bericht"')
