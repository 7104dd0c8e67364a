"""The Dask engine gives the same outputs as local processes on the same batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_helpers import nth, with_faults, write
from click.testing import CliRunner

from resv_edi.api import check_file
from resv_edi.batch import split, validate_batch
from resv_edi.cli.main import cli

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> object:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_dask_outputs_equal_local(cluster: object, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(12):
        write(inbox / f"d{i:02d}.xml", 20, "xml", seed=i)
    bad = inbox / "d03.xml"
    bad.write_bytes(nth(bad.read_bytes(), rb"<TotaalBedrag>\d+", 0, b"<TotaalBedrag>1"))
    (inbox / "d99.xml").symlink_to(tmp_path / "gone.xml")
    codes = {}
    for engine in ("local", "dask"):
        args = ["convert", str(inbox), "-o", str(tmp_path / engine), "--to", "ei", "-j", "2"]
        if engine == "dask":
            args += ["--engine", "dask", "--scheduler", cluster.scheduler_address]  # type: ignore[attr-defined]
        codes[engine] = CliRunner().invoke(cli, args).exit_code
    assert codes == {"local": 1, "dask": 1}
    local = {
        p.relative_to(tmp_path / "local"): p.read_bytes() for p in (tmp_path / "local").iterdir()
    }
    remote = {
        p.relative_to(tmp_path / "dask"): p.read_bytes() for p in (tmp_path / "dask").iterdir()
    }
    assert len(local) == 11 and local == remote


def test_dask_chunks_equal_check_file(
    cluster: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(split, "MIN_CHUNK", 4096)
    monkeypatch.setattr(split, "SPLIT_FROM", dict.fromkeys(split.SPLIT_FORMATS, 0))
    path = with_faults(write(tmp_path / "d.ndjson", 1500, "ndjson"), "ndjson")
    results, summary = validate_batch(
        [str(path)],
        engine="dask",
        scheduler=cluster.scheduler_address,
        split=3,  # type: ignore[attr-defined]
    )
    assert results[0].report == check_file(str(path)).as_dict()
    assert summary.exit_code == 1


def test_without_dask_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else real(name, *a),
    )
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--engine", "dask"])
    assert result.exit_code == 2 and "dask" in result.output
