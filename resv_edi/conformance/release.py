"""The release bundle: every artefact of one version of the standard in one reproducible zip.

``resv-standaard-<version>.zip`` holds, under ``resv-standaard-<version>/``: the XSDs and JSON
Schemas, the code lists (TOML as published, and CSV and JSON made from it), the rule
catalogue, the EI layouts of the RESV messages, the facts and policies the validator reads,
``docs/standard.md`` and ``CHANGELOG.md`` rendered to HTML, the conformance scenarios, and
``MANIFEST.json`` (standard and package version, date, SHA-256 and size per file).

Reproducible: built twice, the zip is byte-identical. Members are sorted, every timestamp is
the release date (``SOURCE_DATE_EPOCH`` when set, else ``release_date`` in
``mappings/standard.toml``), permissions are fixed and nothing depends on the machine. All
data is read from the package's data location, so a non-editable install builds the same
bundle as a source checkout.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tomllib
import zipfile
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import Any

import orjson
from markdown_it import MarkdownIt

from resv_edi import __version__
from resv_edi.source import atomic_output
from resv_edi.standard.facts import facts
from resv_edi.standard.paths import data_root, docs_dir, mappings_dir, scenarios_dir, xsd_dir

MANIFEST = "MANIFEST.json"
#: files of mappings/ that belong to the standard (beside the code lists and RESV layouts)
STANDARD_FILES = (
    "standard.toml",
    "rules/catalogue.toml",
    "retour/policy.toml",
    "transport/vecozo.toml",
    "conformance/compare.toml",
)
_MODE = 0o644 << 16
_JSON = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def release_name() -> str:
    return f"resv-standaard-{facts().version}"


def release_date() -> date:
    """``SOURCE_DATE_EPOCH`` (UTC) when set, else the standard's release date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    day = facts().release_date
    if day is None:
        raise ValueError("mappings/standard.toml has no release_date; set SOURCE_DATE_EPOCH")
    return day


def bundle_files() -> dict[str, bytes]:
    """Path inside the bundle -> content, for every file but the manifest."""
    files: dict[str, bytes] = {}
    for path in sorted(xsd_dir().iterdir()):
        if path.suffix in (".xsd", ".json"):
            files[f"xsd/{path.name}"] = path.read_bytes()
    for path in sorted((mappings_dir() / "codelists").glob("*.toml")):
        files.update(codelist_files(path))
    for name in STANDARD_FILES:
        files[name] = (mappings_dir() / name).read_bytes()
    for path in sorted((mappings_dir() / "ei").glob("RESV*.json")):
        files[f"ei/{path.name}"] = path.read_bytes()
    for name, source in (("standard", docs_dir() / "standard.md"), ("changelog", changelog())):
        text = source.read_text(encoding="utf-8")
        files[f"docs/{name}.html"] = render_markdown(text).encode("utf-8")
    root = scenarios_dir()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            files[f"scenarios/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return files


def changelog() -> Path:
    """``CHANGELOG.md``: what changed from one version of the standard to the next."""
    return data_root() / "CHANGELOG.md"


def codelist_files(path: Path) -> dict[str, bytes]:
    """A code list as published (TOML) and as CSV and JSON made from it."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    codes: list[dict[str, Any]] = raw.get("code", [])
    columns = ["code", "valid_from", "valid_to"]
    columns += sorted({k for c in codes for k in c} - set(columns))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    for entry in codes:
        writer.writerow([_cell(entry.get(col)) for col in columns])
    data = {"meta": raw.get("meta", {}), "codes": codes}
    stem = f"codelists/{path.stem}"
    return {
        f"{stem}.toml": path.read_bytes(),
        f"{stem}.csv": text.getvalue().encode("utf-8"),
        f"{stem}.json": orjson.dumps(data, option=_JSON) + b"\n",
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return " ".join(_cell(v) for v in value)  # e.g. a region's municipality codes
    return str(value)


def render_markdown(text: str) -> str:
    """A Markdown document as one self-contained HTML page (headings get GitHub-style ids,
    so the document's own links work)."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    tokens = md.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", _slug(tokens[i + 1].content))
    body = md.renderer.render(tokens, md.options, {})
    title = next((t.content for t in tokens if t.type == "inline"), "RESV")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
        "code{background:#f4f4f4}pre{background:#f4f4f4;padding:.5em;overflow:auto}"
        f"</style></head><body>\n{body}</body></html>\n"
    )


def _slug(heading: str) -> str:
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def manifest(files: dict[str, bytes], day: date) -> bytes:
    std = facts()
    data = {
        "name": release_name(),
        "standard": std.version,
        "package": f"resv-edi {__version__}",
        "date": day.isoformat(),
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files.items())
        ],
    }
    return orjson.dumps(data, option=_JSON) + b"\n"


def build_release(output_dir: str | os.PathLike[str]) -> Path:
    """Write ``resv-standaard-<version>.zip`` into ``output_dir`` (atomically); its path."""
    day = release_date()
    files = bundle_files()
    files[MANIFEST] = manifest(files, day)
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    target = Path(output_dir) / f"{release_name()}.zip"
    with atomic_output(target) as out, zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{release_name()}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _MODE
            info.create_system = 3  # unix, whatever the build machine
            archive.writestr(info, files[name], compresslevel=9)
    umask = os.umask(0)
    os.umask(umask)
    target.chmod(0o666 & ~umask)  # a file to publish, not a private temporary one
    return target


def verify_release(path: str | os.PathLike[str]) -> list[str]:
    """What is wrong with the bundle at ``path`` (empty when every file of the manifest is
    there with the right checksum and size, and nothing else is)."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        prefix = names[0].split("/", 1)[0] + "/" if names else ""
        try:
            listed = orjson.loads(archive.read(prefix + MANIFEST))["files"]
        except KeyError:
            return [f"{MANIFEST} missing"]
        seen = {prefix + MANIFEST}
        for entry in listed:
            name = prefix + entry["path"]
            seen.add(name)
            if name not in names:
                problems.append(f"{entry['path']}: listed but missing")
                continue
            data = archive.read(name)
            if hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
                problems.append(f"{entry['path']}: checksum or size differs")
        problems += [f"{n[len(prefix) :]}: not in the manifest" for n in names if n not in seen]
    return problems
