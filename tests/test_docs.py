"""docs/standard.md: its generated tables are up to date and complete; its examples are valid."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

from resv_edi.api import validate
from resv_edi.model.declaratie import Header, Prestatie, Totalen
from resv_edi.model.retour import RetourHeader, RetourPrestatie, RetourTotalen

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "gen_standard_doc.py"
DOC = ROOT / "docs" / "standard.md"
DESCRIPTIONS = ROOT / "mappings" / "documentation.toml"

RECORDS = {
    "elements-declaratie-header": Header,
    "elements-declaratie-prestatie": Prestatie,
    "elements-declaratie-totalen": Totalen,
    "elements-retour-header": RetourHeader,
    "elements-retour-prestatie": RetourPrestatie,
    "elements-retour-totalen": RetourTotalen,
}
EXAMPLE = re.compile(r"^```(xml|json|ndjson)\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_standard_doc", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def block(doc: str, name: str) -> str:
    """The text between the markers of generated block ``name``."""
    match = re.search(
        rf"<!-- BEGIN generated:{re.escape(name)} -->(.*?)<!-- END generated:{re.escape(name)} -->",
        doc,
        re.DOTALL,
    )
    assert match, f"block {name} missing from docs/standard.md"
    return match.group(1)


def test_doc_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(TOOL), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, (
        "docs/standard.md is out of date or its sources disagree; run "
        f"`python tools/gen_standard_doc.py`:\n{result.stderr}"
    )


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_model_element_is_in_its_table(doc: str, name: str) -> None:
    rows = re.findall(r"^\| \d+ \| `([A-Za-z]+)` \|", block(doc, name), re.MULTILINE)
    assert rows == list(RECORDS[name].element_names)


def test_every_catalogue_code_is_in_the_doc(doc: str) -> None:
    with (ROOT / "mappings" / "rules" / "catalogue.toml").open("rb") as fh:
        codes = [c for c in tomllib.load(fh) if c != "meta"]
    table = block(doc, "catalogue")
    assert [c for c in codes if f"| `{c}` |" not in table] == []


def test_every_code_of_every_code_list_is_in_the_doc(doc: str) -> None:
    table = block(doc, "codelists")
    for path in sorted((ROOT / "mappings" / "codelists").glob("*.toml")):
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        assert f"Code list `{raw['meta']['name']}`" in table
        missing = [c["code"] for c in raw["code"] if f"| `{c['code']}` |" not in table]
        assert missing == [], f"{path.name}: {missing}"


def test_provisional_lists_are_marked(doc: str) -> None:
    table = block(doc, "codelists")
    assert "Code list `prestatiecodes` (version 0.1.0) — PROVISIONAL" in table


def test_ei_layout_section_has_its_markers(doc: str) -> None:
    assert "## EI fixed-width form" in doc
    block(doc, "ei-layout")


def _run(gen: ModuleType, *args: str) -> int:
    return int(gen.main(list(args)))


def test_check_fails_on_a_stale_table_and_a_rewrite_keeps_the_prose(
    gen: ModuleType, doc: str, tmp_path: Path
) -> None:
    stale = doc.replace("| Currency; always EUR. |", "| Currency. |")
    assert stale != doc
    path = tmp_path / "standard.md"
    path.write_text(stale + "\nHand-written closing words.\n", encoding="utf-8")
    assert _run(gen, "--check", "--doc", str(path)) == 1
    assert _run(gen, "--doc", str(path)) == 0
    assert path.read_text(encoding="utf-8") == doc + "\nHand-written closing words.\n"
    assert _run(gen, "--check", "--doc", str(path)) == 0


def test_a_missing_description_is_an_error(gen: ModuleType, tmp_path: Path) -> None:
    text = DESCRIPTIONS.read_text(encoding="utf-8")
    path = tmp_path / "descriptions.toml"
    path.write_text(re.sub(r"^Werkgebied = .*\n", "", text, flags=re.MULTILINE), "utf-8")
    assert _run(gen, "--check", "--descriptions", str(path)) == 2


def test_a_description_of_no_element_is_an_error(gen: ModuleType, tmp_path: Path) -> None:
    text = DESCRIPTIONS.read_text(encoding="utf-8")
    path = tmp_path / "descriptions.toml"
    path.write_text(
        text.replace(
            "[declaratie.Totalen.elements]\n",
            '[declaratie.Totalen.elements]\nBsn = { nl = "nee", en = "no" }\n',
        ),
        "utf-8",
    )
    assert _run(gen, "--check", "--descriptions", str(path)) == 2


def test_unknown_or_missing_blocks_are_errors(gen: ModuleType, doc: str, tmp_path: Path) -> None:
    path = tmp_path / "standard.md"
    path.write_text(doc + "\n<!-- BEGIN generated:nope -->\n<!-- END generated:nope -->\n")
    assert _run(gen, "--check", "--doc", str(path)) == 2
    path.write_text(doc.replace("<!-- END generated:catalogue -->", ""), "utf-8")
    assert _run(gen, "--check", "--doc", str(path)) == 2


def test_a_block_without_source_or_renderer_is_left_as_is(gen: ModuleType, doc: str) -> None:
    marked = doc.replace(
        "<!-- BEGIN generated:ei-layout -->\n",
        "<!-- BEGIN generated:ei-layout -->\nkept by hand\n",
    )
    descriptions = gen.load_descriptions()
    new, changed = gen.regenerate(marked, descriptions)
    if gen.blocks(descriptions)["ei-layout"].render is None:
        assert "kept by hand" in block(new, "ei-layout")
        assert "ei-layout" not in changed


def _examples(doc: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in EXAMPLE.finditer(doc)]


EXAMPLES = _examples(DOC.read_text(encoding="utf-8"))


def test_doc_has_an_example_of_each_serialisation(doc: str) -> None:
    kinds = [kind for kind, _ in _examples(doc)]
    assert {"xml", "json", "ndjson"} <= set(kinds)
    assert any("<Retourbericht" in text for _, text in _examples(doc))


@pytest.mark.parametrize(
    ("kind", "text"), EXAMPLES, ids=[f"{n}-{k}" for n, (k, _) in enumerate(EXAMPLES, 1)]
)
def test_examples_are_valid(tmp_path: Path, kind: str, text: str) -> None:
    path = tmp_path / f"example.{kind}"
    path.write_text(text, encoding="utf-8")
    assert [str(i.location) + " " + i.message for i in validate(path, kind)] == []
    if kind == "xml":
        root = etree.fromstring(text.encode())
        name = "retour" if root.tag.endswith("Retourbericht") else "declaratie"
        schema = etree.XMLSchema(etree.parse(str(ROOT / "xsd" / f"{name}.xsd")))
        schema.assertValid(root)
