"""The TOML cache of the standard's files answers exactly what tomllib parses, never more."""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path

import pytest

from resv_edi.standard import toml_cache
from resv_edi.standard.paths import mappings_dir
from resv_edi.standard.toml_cache import cache_dir, load_toml


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, parsing fails: what is still answered came from the cache."""

    def refuse(text: str) -> dict[str, object]:
        raise AssertionError("parsed again")

    monkeypatch.setattr(tomllib, "loads", refuse)


def test_every_file_of_the_standard_is_read_back_as_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = sorted(mappings_dir().rglob("*.toml"))
    assert len(files) > 10
    parsed = {path: _tomllib_load(path) for path in files}
    assert [load_toml(path) for path in files] == list(parsed.values())  # parsed and kept
    assert len(list(cache_dir().glob("*.marshal"))) == len(set(map(Path.read_bytes, files)))
    no_parsing(monkeypatch)
    again = [load_toml(path) for path in files]
    assert again == list(parsed.values())
    # the same types, dates included, and the same key order
    assert [list(a) for a in again] == [list(p) for p in parsed.values()]
    facts = load_toml(mappings_dir() / "standard.toml")
    assert any(isinstance(v, date) for v in _leaves(facts))


def _tomllib_load(path: Path) -> dict[str, object]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "list.toml"
    path.write_text('name = "a"\nfrom = 2027-01-01\n', encoding="utf-8")
    assert load_toml(path) == {"name": "a", "from": date(2027, 1, 1)}
    path.write_text('name = "b"\nfrom = 2027-01-02\n', encoding="utf-8")  # same size
    assert load_toml(path) == {"name": "b", "from": date(2027, 1, 2)}


def test_a_cached_file_others_may_write_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "list.toml"
    path.write_text("[[code]]\ncode = 1\n", encoding="utf-8")
    load_toml(path)
    (cached,) = cache_dir().glob("*.marshal")
    assert cached.stat().st_mode & 0o777 == 0o600
    assert cache_dir().stat().st_mode & 0o777 == 0o700
    os.chmod(cached, 0o622)
    no_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed again"):
        load_toml(path)


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\xe9\x00\x00"])
def test_a_damaged_cache_file_is_parsed_over(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "list.toml"
    path.write_text("a = [1, 2]\nb = { c = true, d = 1.5 }\n", encoding="utf-8")
    load_toml(path)
    (cached,) = cache_dir().glob("*.marshal")
    cached.write_bytes(content)
    assert load_toml(path) == {"a": [1, 2], "b": {"c": True, "d": 1.5}}


def test_without_a_writable_cache_the_file_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = tmp_path / "list.toml"
    path.write_text("a = 2027-01-01\n", encoding="utf-8")
    assert load_toml(path) == {"a": date(2027, 1, 1)}
    assert load_toml(path) == {"a": date(2027, 1, 1)}


def test_times_are_not_cached_and_errors_are_tomllibs(tmp_path: Path) -> None:
    path = tmp_path / "times.toml"
    path.write_text("at = 2027-01-01T10:00:00\n", encoding="utf-8")
    assert load_toml(path) == tomllib.loads(path.read_text(encoding="utf-8"))
    assert not cache_dir().exists() or not list(cache_dir().glob("*.marshal"))
    broken = tmp_path / "broken.toml"
    broken.write_text("a = \n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        load_toml(broken)


def test_the_cache_folder_follows_xdg_cache_home(tmp_path: Path) -> None:
    assert cache_dir() == tmp_path / "cache" / "resv-edi" / "toml"
    assert toml_cache.cache_dir().parent.name == "resv-edi"
