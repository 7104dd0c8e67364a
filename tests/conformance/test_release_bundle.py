"""The release bundle: reproducible (byte-identical when built twice) and complete (every
artefact there, every file in the manifest, every checksum right)."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi import __version__
from resv_edi.cli.main import cli
from resv_edi.conformance.release import build_release, release_name, verify_release
from resv_edi.standard.facts import facts
from resv_edi.standard.paths import mappings_dir, scenarios_dir, xsd_dir


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_release(tmp_path_factory.mktemp("release"))


def test_built_twice_it_is_byte_identical(bundle: Path, tmp_path: Path) -> None:
    again = build_release(tmp_path)
    assert again.name == bundle.name == f"resv-standaard-{facts().version}.zip"
    assert again.read_bytes() == bundle.read_bytes()


def test_source_date_epoch_sets_the_date_and_stays_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830297600")  # 2028-01-01T00:00:00Z
    first = build_release(tmp_path / "a")
    second = build_release(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        manifest = json.loads(archive.read(f"{release_name()}/MANIFEST.json"))
        assert {i.date_time for i in archive.infolist()} == {(2028, 1, 1, 0, 0, 0)}
    assert manifest["date"] == "2028-01-01"


def _members(bundle: Path) -> dict[str, bytes]:
    prefix = release_name() + "/"
    with zipfile.ZipFile(bundle) as archive:
        infos = archive.infolist()
        assert all(i.filename.startswith(prefix) for i in infos)
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.external_attr >> 16 for i in infos} == {0o644}
        return {i.filename[len(prefix) :]: archive.read(i) for i in infos}


def test_every_file_is_in_the_manifest_with_its_checksum(bundle: Path) -> None:
    members = _members(bundle)
    manifest = json.loads(members.pop("MANIFEST.json"))
    assert manifest["standard"] == facts().version
    assert manifest["package"] == f"resv-edi {__version__}"
    assert manifest["date"] == facts().release_date.isoformat()
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(members)
    for name, data in members.items():
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert listed[name]["size"] == len(data), name
    assert verify_release(bundle) == []


def test_it_holds_every_artefact_of_the_standard(bundle: Path) -> None:
    members = _members(bundle)
    for path in xsd_dir().iterdir():
        if path.suffix in (".xsd", ".json"):
            assert members[f"xsd/{path.name}"] == path.read_bytes()
    for path in (mappings_dir() / "codelists").glob("*.toml"):
        assert members[f"codelists/{path.name}"] == path.read_bytes()
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        as_json = json.loads(members[f"codelists/{path.stem}.json"])
        assert [c["code"] for c in as_json["codes"]] == [c["code"] for c in raw["code"]]
        rows = members[f"codelists/{path.stem}.csv"].decode().splitlines()
        assert rows[0].startswith("code,valid_from,valid_to")
        assert [r.split(",")[0] for r in rows[1:]] == [str(c["code"]) for c in raw["code"]]
        assert "['" not in members[f"codelists/{path.stem}.csv"].decode()  # lists as words
    assert members["rules/catalogue.toml"] == (mappings_dir() / "rules/catalogue.toml").read_bytes()
    assert {n for n in members if n.startswith("ei/")} == {
        f"ei/{p.name}" for p in (mappings_dir() / "ei").glob("RESV*.json")
    }
    for path in scenarios_dir().rglob("*"):
        if path.is_file():
            rel = path.relative_to(scenarios_dir()).as_posix()
            assert members[f"scenarios/{rel}"] == path.read_bytes()


def test_the_changelog_is_there_as_html(bundle: Path) -> None:
    html = _members(bundle)["docs/changelog.html"].decode()
    assert html.startswith("<!DOCTYPE html>") and f"Standard {facts().release}" in html


def test_the_standard_as_html_has_its_tables_and_working_links(bundle: Path) -> None:
    html = _members(bundle)["docs/standard.html"].decode()
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html
    assert "<script" not in html
    ids = set(re.findall(r' id="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    assert links and links <= ids, sorted(links - ids)


def test_verify_finds_a_changed_and_an_unlisted_file(bundle: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed.zip"
    prefix = release_name() + "/"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(changed, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == prefix + "rules/catalogue.toml":
                data += b"\n# edited\n"
            out.writestr(info, data)
        out.writestr(prefix + "extra.txt", b"x")
    assert verify_release(changed) == [
        "rules/catalogue.toml: checksum or size differs",
        "extra.txt: not in the manifest",
    ]


def test_cli_release_and_verify(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["release", "-o", str(tmp_path)])
    assert made.exit_code == 0, made.output
    path = Path(made.stdout.strip())
    assert path.is_file()
    assert runner.invoke(cli, ["release", "--verify", str(path)]).exit_code == 0
    assert runner.invoke(cli, ["release"]).exit_code == 2
    not_zip = tmp_path / "not.zip"
    not_zip.write_text("x")
    assert runner.invoke(cli, ["release", "--verify", str(not_zip)]).exit_code == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert runner.invoke(cli, ["release", "-o", str(blocker / "out")]).exit_code == 2


def test_the_kit_runs_on_the_scenarios_of_an_unpacked_bundle(bundle: Path, tmp_path: Path) -> None:
    """A vendor who pinned a release runs the kit against its scenarios."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "unpacked")
    scenarios = tmp_path / "unpacked" / release_name() / "scenarios"
    answers = tmp_path / "answers"
    answers.mkdir()
    for folder in sorted(scenarios.iterdir()):
        (answers / f"{folder.name}.xml").write_bytes((folder / "retour.xml").read_bytes())
    args = ["conformance", "check-answered", str(answers), "--scenarios", str(scenarios)]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report" / "check-answered.json").read_text())
    assert report["counts"]["pass"] == len(list(scenarios.iterdir()))


def test_a_wheel_carries_what_the_bundle_reads() -> None:
    """Scenarios and docs/standard.md are package data (read via standard/paths.py), so a
    non-editable install builds the same bundle as a source checkout."""
    root = Path(__file__).resolve().parents[2]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for source in ("mappings", "xsd", "conformance", "docs/standard.md", "CHANGELOG.md"):
        assert shipped[source] == f"resv_edi/_data/{source}"
        assert (root / source).exists()
    deps = pyproject["project"]["dependencies"]
    assert any(d.startswith("markdown-it-py") for d in deps)
