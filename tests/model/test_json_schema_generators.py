"""Tried as a vendor would: ``resv-edi schema --type json`` output fed to jsonschema (Draft
2020-12 with format checking), ajv (strict mode, ajv-formats) and datamodel-code-generator.

Titles are the element names as spelled, descriptions come from the documentation source
(never a docstring), amounts are integers described as cents, ``$defs`` and generated classes
have readable names, and the generated models read our JSON with integer cents and dates.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.base import Record
from resv_edi.model.messages import DECLARATIE, KINDS
from resv_edi.pipeline import validate
from resv_edi.standard.documentation import documentation
from resv_edi.standard.schema_types import element_types

ROOT = Path(__file__).resolve().parents[2]
AJV_CHECK = ROOT / ".ci" / "ajv_check.cjs"
NAME = re.compile(r"^[A-Z][A-Za-z]*$")
FILES = [f"{k}.{s}" for k in KINDS for s in ("schema.json", "ndjson.schema.json")]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``resv-edi schema --type json -o DIR`` gives a vendor."""
    out = tmp_path_factory.mktemp("json-schemas")
    result = CliRunner().invoke(cli, ["schema", "--type", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    return out


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A declaration of 4 lines as JSON and as NDJSON, written by the library."""
    out = tmp_path_factory.mktemp("documents")
    records = list(generate_declaration(4, seed=3))
    paths = {}
    for fmt in ("json", "ndjson"):
        buffer = io.BytesIO()
        get_format(fmt).writer(records, buffer, DECLARATIE)
        paths[fmt] = out / f"declaratie.{fmt}"
        paths[fmt].write_bytes(buffer.getvalue())
    return paths


def _schema(exported: Path, name: str) -> dict[str, Any]:
    return json.loads((exported / name).read_text(encoding="utf-8"))


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(owner $defs name, key, property schema) of every object property in ``$defs``."""
    for owner, body in schema["$defs"].items():
        for key, prop in body.get("properties", {}).items():
            yield owner, key, prop


# -- jsonschema --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_schemas_are_valid_draft_2020_12_with_formats(exported: Path, name: str) -> None:
    schema = _schema(exported, name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.Draft202012Validator
    validator.check_schema(schema, format_checker=validator.FORMAT_CHECKER)


def test_our_documents_are_valid_with_format_checking(
    exported: Path, documents: dict[str, Path]
) -> None:
    checker = jsonschema.FormatChecker()
    doc = jsonschema.Draft202012Validator(
        _schema(exported, "declaratie.schema.json"), format_checker=checker
    )
    doc.validate(json.loads(documents["json"].read_text(encoding="utf-8")))
    line = jsonschema.Draft202012Validator(
        _schema(exported, "declaratie.ndjson.schema.json"), format_checker=checker
    )
    for text in documents["ndjson"].read_text(encoding="utf-8").splitlines():
        line.validate(json.loads(text))
    bad = json.loads(documents["json"].read_text(encoding="utf-8"))
    bad["Declaratiebericht"]["Header"]["Dagtekening"] = "2027-02-30"
    assert not doc.is_valid(bad), "format checking refuses a date that does not exist"


# -- titles, descriptions, names -----------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_titles_are_spelled_as_the_elements(exported: Path, name: str) -> None:
    schema = _schema(exported, name)
    found = list(_properties(schema))
    assert found
    for owner, key, prop in found:
        assert prop["title"] == key, f"{owner}.{key}: title {prop['title']!r}"
    assert "BtwBedrag" in {k for _, k, _ in found} or name.startswith("retour")


def _docstrings() -> set[str]:
    classes = set()
    for kind in KINDS.values():
        classes |= {kind.header, kind.line, kind.totals, kind.document}
    return {" ".join(c.__doc__.split()) for c in classes if c.__doc__} | {
        " ".join((Record.__doc__ or "").split())
    }


@pytest.mark.parametrize("name", FILES)
def test_descriptions_come_from_the_documentation_source(exported: Path, name: str) -> None:
    """Every property is described by its element's Dutch text; no docstring leaks."""
    message = name.split(".")[0]
    schema = _schema(exported, name)
    doc = documentation()
    docstrings = _docstrings()
    types = {"Header", "Prestatie", "Totalen", "Root"}
    for owner, key, prop in _properties(schema):
        if owner.endswith("Regel"):
            continue  # NDJSON wrappers: checked below
        ctype = next(t for t in types if owner.endswith(t) or owner == KINDS[message].root)
        ctype = "Root" if owner == KINDS[message].root else ctype
        assert prop["description"] == doc.element(message, ctype, key).nl, f"{owner}.{key}"
    texts = json.dumps(schema, ensure_ascii=False)
    assert not [d for d in docstrings if d and d in texts]


@pytest.mark.parametrize("name", FILES)
def test_amounts_are_integers_described_as_cents(exported: Path, name: str) -> None:
    message = name.split(".")[0]
    amounts = {el for (_, el), t in element_types(message).items() if t == "LDT_Bedrag"}
    seen = 0
    for owner, key, prop in _properties(_schema(exported, name)):
        if key in amounts:
            seen += 1
            scalar = next(b for b in prop.get("anyOf", [prop]) if b.get("type") != "null")
            assert scalar["type"] == "integer", f"{owner}.{key}"
            assert "eurocent" in prop["description"], f"{owner}.{key}"
    assert seen >= 2


@pytest.mark.parametrize("name", FILES)
def test_defs_have_readable_names(exported: Path, name: str) -> None:
    schema = _schema(exported, name)
    assert NAME.match(schema["title"])
    for key, body in schema["$defs"].items():
        assert NAME.match(key), key
        assert body["title"] == key
        assert body["description"]
    if name.startswith("declaratie"):
        assert {"DebetCredit", "Hoofdtaak", "Prestatiesoort", "Header"} <= set(schema["$defs"])


# -- ajv ---------------------------------------------------------------------------------------


def _ajv_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (CI installs it; see .ci/run)"
    if not (ROOT / ".ci" / "node_modules" / "ajv").is_dir():
        return "ajv is not installed: run `npm ci --prefix .ci` (.ci/run does)"
    return None


@pytest.mark.skipif(_ajv_missing() is not None, reason=str(_ajv_missing()))
@pytest.mark.parametrize("name", FILES)
def test_ajv_strict_compiles_and_validates(
    exported: Path, documents: dict[str, Path], name: str
) -> None:
    """ajv 8 (draft 2020-12) with ``strict: true`` and ajv-formats: no error, no warning."""
    args = ["node", str(AJV_CHECK), str(exported / name)]
    if name.startswith("declaratie"):
        args.append(str(documents["ndjson" if "ndjson" in name else "json"]))
    run = subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "", run.stdout


# -- datamodel-code-generator ------------------------------------------------------------------

pytest.importorskip(
    "datamodel_code_generator", reason="in the test extra (pip install -e '.[test]')"
)


def _generate(schema: Path, out: Path) -> subprocess.Popen[str]:
    """Start datamodel-code-generator as a Python vendor would run it (snake_case fields with
    the element names as aliases)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(schema),
            "--input-file-type",
            "jsonschema",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--snake-case-field",
            "--formatters",
            "ruff-format",
            "--output",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def generated(
    exported: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """datamodel-code-generator run once on each exported schema: the module and the run."""
    out = tmp_path_factory.mktemp("models")
    started = {}
    for name in FILES:  # side by side: each run spends most of its time starting up
        module = out / (name.split(".schema")[0].replace(".", "_") + "_models.py")
        started[name] = (module, _generate(exported / name, module))
    runs = {}
    for name, (module, process) in started.items():
        stdout, stderr = process.communicate(timeout=300)
        runs[name] = (
            module,
            subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr),
        )
    return runs


@pytest.mark.parametrize("name", FILES)
def test_datamodel_code_generator_makes_readable_classes(
    generated: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], name: str
) -> None:
    out, run = generated[name]
    assert run.returncode == 0, run.stderr
    assert "warn" not in run.stderr.lower(), run.stderr
    source = out.read_text(encoding="utf-8")
    classes = re.findall(r"^class (\w+)\(", source, re.MULTILINE)
    assert classes
    assert [c for c in classes if not NAME.match(c)] == [], "names with digits or underscores"
    fields = re.findall(r"^    (\w+): ", source, re.MULTILINE)
    assert [f for f in fields if re.search(r"_\d+$", f)] == [], "numbered field names"
    root = KINDS[name.split(".")[0]].root
    expected = f"{root}Regel" if "ndjson" in name else f"{root}Document"
    assert expected in classes


def test_generated_models_read_our_json_with_integer_cents_and_dates(
    generated: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
    documents: dict[str, Path],
) -> None:
    out, run = generated["declaratie.schema.json"]
    assert run.returncode == 0, run.stderr
    spec = importlib.util.spec_from_file_location("declaratie_models", out)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        text = documents["json"].read_text(encoding="utf-8")
        message = module.DeclaratieberichtDocument.model_validate_json(text).declaratiebericht
    finally:
        del sys.modules[spec.name]
    raw = json.loads(text)["Declaratiebericht"]
    assert [p.bedrag for p in message.prestaties] == [p["Bedrag"] for p in raw["Prestaties"]]
    assert all(type(p.bedrag) is int for p in message.prestaties)
    assert message.header.dagtekening == date.fromisoformat(raw["Header"]["Dagtekening"])
    assert type(message.header.dagtekening) is date


def test_json_written_by_the_generated_models_passes_our_reader(
    generated: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
    documents: dict[str, Path],
    tmp_path: Path,
) -> None:
    """A vendor fills the generated models and dumps them by alias: the receiver's reader and
    every rule accept the document as it is (keys in the order the schema lists them)."""
    out, _ = generated["declaratie.schema.json"]
    spec = importlib.util.spec_from_file_location("declaratie_models_out", out)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        text = documents["json"].read_text(encoding="utf-8")
        message = module.DeclaratieberichtDocument.model_validate_json(text)
        dumped = message.model_dump_json(by_alias=True, exclude_none=True)
    finally:
        del sys.modules[spec.name]
    path = tmp_path / "vendor.json"
    path.write_text(dumped, encoding="utf-8")
    assert [f"{i.code} {i.message}" for i in validate(path)] == []
