"""The split's reference data goes through files in a private folder of the run, in bounded
records: the merged report is unchanged, and the folder is gone after every run (merged,
fallen back, or stopped by an error)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import with_faults, with_structure_fault, write

from resv_edi.api import check_file
from resv_edi.batch import chunk_refs, split, validate_batch
from resv_edi.limits import DEFAULT_LIMITS


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_CHUNK", 4096)
    monkeypatch.setattr(split, "SPLIT_FROM", dict.fromkeys(split.SPLIT_FORMATS, 0))
    monkeypatch.setattr(chunk_refs, "RECORD_LINES", 64)  # several records a chunk


@pytest.fixture()
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the run's private folder is made in (empty)."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


class Spy:
    """Wraps ``split.validate_chunk`` (in this process: ``jobs=1``) and keeps what each chunk
    wrote: its folder, and whether its reference file existed when it returned."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folders: set[str | None] = set()
        self.files: list[tuple[str | None, bool]] = []
        original = split.validate_chunk

        def spied(spec: split.ChunkSpec) -> split.ChunkResult:
            result = original(spec)
            self.folders.add(spec.folder)
            name = result.refs_file
            self.files.append((name, name is not None and os.path.isfile(name)))
            return result

        monkeypatch.setattr(split, "validate_chunk", spied)


def record_lines(name: str) -> list[list[int]]:
    """The lines of each item of each record in the file ``name``."""
    with open(name, "rb") as fh:
        return [
            [len(added) if isinstance(added, list) else added.size for added, _ in record]
            for record in chunk_refs.records(fh)
        ]


def bounded(records: list[list[int]]) -> bool:
    """Each record is written once it holds RECORD_LINES lines (the last: the rest)."""
    bound = chunk_refs.RECORD_LINES
    return all(sum(r[:-1]) < bound for r in records) and all(sum(r) >= bound for r in records[:-1])


@pytest.mark.parametrize("fmt", ["ndjson", "xml", "ei"])
def test_chunks_write_bounded_records_to_the_folder(tmp_path: Path, fmt: str) -> None:
    """Each chunk's references lie in its own file of the folder, in several records; the
    merge reads them back into the report ``check_file`` gives and removes the files."""
    path = with_faults(write(tmp_path / f"d.{fmt}", 2000, fmt), fmt)
    folder = tmp_path / "run"
    folder.mkdir()
    specs = split.plan_chunks(str(path), "auto", 3, DEFAULT_LIMITS)
    assert specs is not None
    results = [split.validate_chunk(split.in_folder(s, str(folder))) for s in specs]
    assert all(r.fallback is None and r.refs == b"" for r in results)
    files = [r.refs_file for r in results]
    assert all(name is not None and Path(name).parent == folder for name in files)
    written = [record_lines(name) for name in files if name]
    assert all(bounded(records) for records in written)
    assert max(len(records) for records in written) > 2
    report = split.merge(specs, results)
    assert report is not None and report.as_dict() == check_file(str(path)).as_dict()
    assert list(folder.iterdir()) == []


def test_records_in_memory_equal_the_files(tmp_path: Path) -> None:
    """Without a folder (one process) the same records are kept as bytes in the result."""
    path = with_faults(write(tmp_path / "d.ndjson", 1500, "ndjson"), "ndjson")
    specs = split.plan_chunks(str(path), "auto", 2, DEFAULT_LIMITS)
    assert specs is not None
    folder = tmp_path / "run"
    folder.mkdir()
    for spec in specs:
        in_memory = split.validate_chunk(spec)
        on_disk = split.validate_chunk(split.in_folder(spec, str(folder)))
        assert in_memory.refs_file is None and on_disk.refs_file is not None
        written = Path(on_disk.refs_file)
        assert written.read_bytes() == in_memory.refs
        split.discard([on_disk])
        assert not written.exists() and on_disk.refs_file is None
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("fmt", ["ndjson", "ei"])
def test_a_worker_without_the_folder_sends_its_records(tmp_path: Path, fmt: str) -> None:
    """A worker on another machine (Dask) cannot see the parent's folder: its chunk keeps the
    records as bytes in the result, and the merge is still ``check_file``'s report."""
    path = with_faults(write(tmp_path / f"d.{fmt}", 1500, fmt), fmt)
    specs = split.plan_chunks(str(path), "auto", 2, DEFAULT_LIMITS)
    assert specs is not None
    elsewhere = str(tmp_path / "not-on-this-machine")
    results = [split.validate_chunk(split.in_folder(s, elsewhere)) for s in specs]
    assert all(r.fallback is None and r.refs_file is None and r.refs for r in results)
    report = split.merge(specs, results)
    assert report is not None and report.as_dict() == check_file(str(path)).as_dict()
    assert not os.path.exists(elsewhere)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_folder_is_gone_after_a_merged_run(
    tmp_path: Path, temp: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    path = with_faults(write(tmp_path / "d.ndjson", 2000, "ndjson"), "ndjson")
    spy = Spy(monkeypatch)
    batch, summary = validate_batch([str(path)], jobs=jobs, split=3)
    assert batch[0].report == check_file(str(path)).as_dict()
    assert summary.exit_code == 1
    if jobs == 1:  # the chunks ran here: they wrote their files in the run's folder
        (folder,) = spy.folders
        assert folder is not None and Path(folder).parent == temp
        assert len(spy.files) == 3 and all(existed for _, existed in spy.files)
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_folder_is_gone_after_a_fallback(
    tmp_path: Path, temp: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """A chunk that cannot judge its part: the file is validated in one piece, and the
    files the other chunks wrote go with the folder."""
    path = with_structure_fault(write(tmp_path / "d.xml", 2000, "xml"), "xml")
    spy = Spy(monkeypatch)
    batch, _ = validate_batch([str(path)], jobs=jobs, split=4)
    assert batch[0].report == check_file(str(path)).as_dict()
    if jobs == 1:
        assert any(name is None for name, _ in spy.files)  # the chunk that fell back
        assert any(existed for _, existed in spy.files)  # the others wrote theirs
    assert list(temp.iterdir()) == []


def test_the_folder_is_gone_when_the_merge_fails(
    tmp_path: Path, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in the merge: the file is validated in one piece; nothing is left."""
    path = with_faults(write(tmp_path / "d.ei", 2000, "ei"), "ei")
    spy = Spy(monkeypatch)

    def broken(specs: Any, results: Any) -> None:
        raise RuntimeError("merge failed")

    monkeypatch.setattr(split, "merge", broken)
    batch, _ = validate_batch([str(path)], jobs=1, split=3)
    assert batch[0].report == check_file(str(path)).as_dict()
    assert spy.files and all(existed for _, existed in spy.files)
    assert all(not os.path.exists(name or "") for name, _ in spy.files)
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_folder_is_gone_when_the_run_stops_on_an_error(
    tmp_path: Path, temp: Path, jobs: int
) -> None:
    """An error raised while results come in (here by the caller's ``on_result``) stops the
    run; the folder goes with it."""
    paths = [str(write(tmp_path / f"d{n}.ndjson", 2000, "ndjson", seed=n)) for n in (1, 2)]
    seen: list[Path] = []

    def stop(result: Any) -> None:
        seen.extend(temp.iterdir())
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped") as caught:
        validate_batch(paths, jobs=jobs, split=3, on_result=stop)
    assert caught.tb is not None  # the run's frames are still held: it was closed, not freed
    assert len(seen) == 1 and seen[0].name.startswith("resv-edi-split-")  # it was there
    assert list(temp.iterdir()) == []
