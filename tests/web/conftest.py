"""Fixtures of the web tests: an app with small limits and a test client for it."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra (resv-edi[web]) is not installed")

with warnings.catch_warnings():  # starlette's notice about a future httpx successor
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from resv_edi.limits import Limits
from resv_edi.web.app import Settings, create_app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary directory the service's workspaces go to (empty again after a request)."""
    where = tmp_path / "server-tmp"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


def make_client(**limits: int) -> TestClient:
    return TestClient(create_app(Settings(limits=Limits().updated(**limits), timeout=60)))


@pytest.fixture
def client(workdir: Path) -> Iterator[TestClient]:
    with make_client(max_file_size=64 * 1024) as c:
        yield c
    assert list(workdir.iterdir()) == [], "a request left files behind"
