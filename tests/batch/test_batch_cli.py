"""Batches through the CLI: 100 files, one invalid and one unreadable, resumable."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from batch_helpers import nth, write
from click.testing import CliRunner

from resv_edi.batch.plan import PlanError, expand, plan_outputs
from resv_edi.batch.progress import should_show
from resv_edi.cli.main import cli

N_FILES = 100


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """98 valid declarations, one with a wrong total (invalid), one broken symlink."""
    folder = tmp_path_factory.mktemp("inbox")
    first = write(folder / "decl_000.xml", 20, "xml", seed=0)
    for i in range(1, N_FILES - 1):
        sub = folder / ("north" if i % 2 else "south")
        sub.mkdir(exist_ok=True)
        shutil.copyfile(first, sub / f"decl_{i:03d}.xml")
    bad = folder / "south" / "decl_002.xml"
    bad.write_bytes(nth(bad.read_bytes(), rb"<TotaalBedrag>\d+", 0, b"<TotaalBedrag>1"))
    (folder / "north" / "decl_099.xml").symlink_to(folder / "gone.xml")
    return folder


def outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_plan_keeps_relative_paths(inbox: Path, tmp_path: Path) -> None:
    inputs = expand([str(inbox)])
    assert len(inputs) == N_FILES
    assert [i.relative for i in inputs] == sorted(i.relative for i in inputs)
    pairs = plan_outputs(inputs, str(tmp_path), ".json")
    assert pairs[1][1] == str(tmp_path / "north" / "decl_001.json")
    (tmp_path / "a.xml").write_text("x")
    (tmp_path / "a.ndjson").write_text("x")
    with pytest.raises(PlanError, match="clash"):
        plan_outputs(expand([str(tmp_path / "a.*")]), str(tmp_path / "o"), ".json")


def test_globs_and_missing_patterns(inbox: Path) -> None:
    assert len(expand([str(inbox / "*" / "decl_0[0-4]*.xml")])) == 49
    assert [i.path for i in expand([str(inbox / "nothing*.xml")])] == [str(inbox / "nothing*.xml")]


def test_convert_batch_with_two_jobs(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("convert", str(inbox), "-o", str(out), "--to", "json", "--jobs", "2",
                 "--output-format", "json")  # fmt: skip
    assert result.exit_code == 1  # files were read; one invalid, one unreadable (its own code: 2)
    payload = json.loads(result.stdout)
    summary = payload["summary"]
    assert (summary["files"], summary["ok"], summary["invalid"], summary["failed"]) == (
        100, 98, 1, 1,
    )  # fmt: skip
    written = outputs(out)
    assert len(written) == 98 and not [p for p in out.rglob("*.part")]
    assert all(json.loads(p.read_bytes())["Declaratiebericht"] for p in written)
    failures = {f["file"]: f for f in payload["files"] if f["status"] != "ok"}
    invalid = failures[str(inbox / "south" / "decl_002.xml")]
    assert invalid["exit_code"] == 1 and invalid["issues"][0]["code"] == "R001"
    broken = failures[str(inbox / "north" / "decl_099.xml")]
    assert broken["exit_code"] == 2 and broken["issues"][0]["code"] == "F001"
    assert "No such file" in broken["issues"][0]["message"]


def test_skip_existing_resumes(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("convert", str(inbox), "-o", str(out), "--to", "ndjson", "-j", "2").exit_code == 1
    kept = outputs(out)
    for p in kept[:10]:  # an interrupted run: ten outputs missing
        p.unlink()
    stamps = {p: p.stat().st_mtime_ns for p in kept[10:]}
    result = run("convert", str(inbox), "-o", str(out), "--to", "ndjson", "-j", "2",
                 "--skip-existing", "--output-format", "json")  # fmt: skip
    summary = json.loads(result.stdout)["summary"]
    assert summary["ok"] == 10 and summary["skipped"] == 88 and summary["failed"] == 1
    assert outputs(out) == kept
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())


def test_validate_batch_text_and_json(inbox: Path) -> None:
    text = run("validate", str(inbox), "-j", "2")
    assert text.exit_code == 1
    assert "R001" in text.stdout and "F001" in text.stdout
    assert "100 files: 98 valid, 1 invalid, 1 unreadable" in text.stderr
    data = json.loads(run("validate", str(inbox), "--output-format", "json", "-j", "1").stdout)
    assert [f["file"] for f in data["files"]] == [i.path for i in expand([str(inbox)])]
    assert data["summary"]["lines"] == 99 * 20 and data["exit_code"] == 1


def test_batch_exit_code_is_two_only_when_nothing_was_read(tmp_path: Path) -> None:
    """Exit 2 says "nothing was checked": every file failed; one readable file makes it 1."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("a.xml", "b.xml"):
        (inbox / name).write_bytes(b"\x00\x01 not a declaration")
    data = json.loads(run("validate", str(inbox), "--output-format", "json").stdout)
    assert data["summary"]["failed"] == 2 and data["exit_code"] == 2
    assert run("validate", str(inbox)).exit_code == 2
    write(inbox / "c.xml", 3, "xml")
    assert run("validate", str(inbox)).exit_code == 1
    (inbox / "a.xml").unlink()
    (inbox / "b.xml").unlink()
    assert run("validate", str(inbox)).exit_code == 0


def test_summary_exit_code_rule() -> None:
    """2 only when files failed and none was read (skipped ones were not read either)."""
    from resv_edi.batch.results import FileConversion, Status
    from resv_edi.batch.summary import Summary

    def code(*statuses: Status) -> int:
        summary = Summary()
        for status in statuses:
            summary.add(FileConversion("f", "o", "xml", status, 0, False, 0, 0, 0.0, (), (), ""))
        return summary.exit_code

    assert code("ok", "skipped") == 0
    assert code("failed", "skipped") == 2 and code("failed") == 2
    assert code("failed", "ok") == 1 and code("invalid", "skipped") == 1


def test_single_file_output_unchanged(inbox: Path) -> None:
    """One file: no batch summary, the JSON document as before."""
    result = run("validate", "--output-format", "json", str(inbox / "decl_000.xml"))
    assert set(json.loads(result.stdout)) == {"files", "exit_code"}
    text = run("validate", str(inbox / "decl_000.xml"))
    assert text.stderr.count("\n") == 1 and "files:" not in text.stderr


def test_progress_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert should_show(False, Tty())
    assert not should_show(True, Tty())
    assert not should_show(False, io.StringIO())


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a pty")
def test_progress_bar_on_a_pty(inbox: Path, tmp_path: Path) -> None:
    """Run under a pseudo-terminal: the bar (files, lines/s, ETA) is drawn on stderr."""
    exe = Path(sys.executable).with_name("resv-edi")
    command = f"{exe} convert {inbox} -o {tmp_path / 'o'} --to ndjson -j 2"
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    shown = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True,
                           env=env, timeout=120)  # fmt: skip
    screen = shown.stdout.decode(errors="replace")
    assert "100/100 files" in screen and "lines/s" in screen and "ETA" in screen
    quiet = subprocess.run(["script", "-qec", command + " --quiet", "/dev/null"],
                           capture_output=True, env=env, timeout=120)  # fmt: skip
    assert "100/100 files" not in quiet.stdout.decode(errors="replace")
    assert quiet.returncode == shown.returncode == 1


def test_usage_errors(tmp_path: Path) -> None:
    assert run("validate", "x.xml", "--scheduler", "tcp://h:1").exit_code == 2
    target = tmp_path / "file.json"
    target.write_text("{}")
    assert run("convert", str(tmp_path), "-o", str(target), "--to", "json").exit_code == 2
