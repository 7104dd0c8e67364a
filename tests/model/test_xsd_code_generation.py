"""Tried as a vendor would: ``resv-edi schema --type xsd`` output fed to xsdata.

The generated dataclasses must type every amount, count and version as ``int`` and every date
as xsdata's date type (``XmlDate``), without warnings; and they must read a message our writer
wrote, with the amounts as integers (cents).
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE
from resv_edi.pipeline import validate

xsdata = pytest.importorskip(
    "xsdata", reason="xsdata is in the test extra: pip install -e '.[test]'"
)

XS = "{http://www.w3.org/2001/XMLSchema}"
INTEGER_TYPES = {"LDT_Bedrag", "LDT_Aantal", "LDT_Versie"}
DATE_TYPES = {"LDT_Datum"}
PACKAGE = "resv_generated"


def generated(tmp: Path) -> tuple[Path, str]:
    """Export the XSDs with the CLI, run xsdata on them; the folder and xsdata's output."""
    schemas = tmp / "schemas"
    result = CliRunner().invoke(cli, ["schema", "--type", "xsd", "-o", str(schemas)])
    assert result.exit_code == 0, result.output
    run = subprocess.run(
        [sys.executable, "-m", "xsdata", "generate", str(schemas), "--package", PACKAGE],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return schemas, run.stdout + run.stderr


@pytest.fixture(scope="module")
def generation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    tmp = tmp_path_factory.mktemp("xsdata")
    schemas, output = generated(tmp)
    sys.path.insert(0, str(tmp))
    try:
        yield schemas, output
    finally:
        sys.path.remove(str(tmp))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _element_types(xsd: Path) -> dict[str, str]:
    """Element name -> local name of its basisschema type (the base of a fixed element)."""
    out: dict[str, str] = {}
    for el in etree.parse(str(xsd)).getroot().iter(f"{XS}element"):
        restriction = el.find(f"{XS}simpleType/{XS}restriction")
        named = el.get("type") or (restriction.get("base", "") if restriction is not None else "")
        out[el.get("name", "")] = named.split(":")[-1]
    return out


def _fields(module: Any) -> Iterator[tuple[str, str, Any]]:
    """(class, element name, annotation) of every element field of every generated class."""
    for cls in vars(module).values():
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            continue
        if cls.__module__ != module.__name__:
            continue
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.metadata.get("type") == "Element":
                yield cls.__name__, f.metadata.get("name", f.name), hints[f.name]


def _bare(annotation: Any) -> set[Any]:
    """The types of an annotation without ``None`` and ``list``."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is list:
        return _bare(args[0])
    if args:
        return {t for a in args for t in _bare(a)}
    return {annotation} - {type(None)}


def test_xsdata_runs_without_warnings(generation: tuple[Path, str]) -> None:
    _, output = generation
    assert "warning" not in output.lower(), output


@pytest.mark.parametrize("message", ["declaratie", "retour"])
def test_amounts_are_int_and_dates_are_dates(generation: tuple[Path, str], message: str) -> None:
    from xsdata.models.datatype import XmlDate

    schemas, _ = generation
    types = _element_types(schemas / f"{message}.xsd")
    module = importlib.import_module(f"{PACKAGE}.{message}")
    seen: dict[str, set[Any]] = {}
    for cls, name, annotation in _fields(module):
        seen[f"{cls}.{name}"] = _bare(annotation)
        if types.get(name) in INTEGER_TYPES:
            assert _bare(annotation) == {int}, f"{cls}.{name}: {annotation}"
        if types.get(name) in DATE_TYPES:
            assert _bare(annotation) == {XmlDate}, f"{cls}.{name}: {annotation}"
    integer_fields = [k for k in seen if types.get(k.split(".")[1]) in INTEGER_TYPES]
    date_fields = [k for k in seen if types.get(k.split(".")[1]) in DATE_TYPES]
    assert len(integer_fields) >= 5 and len(date_fields) >= 2


def test_generated_classes_read_our_xml_with_integer_cents(
    generation: tuple[Path, str],
) -> None:
    from xsdata.formats.dataclass.parsers import XmlParser

    records = list(generate_declaration(3, seed=2))
    out = io.BytesIO()
    get_format("xml").writer(records, out, DECLARATIE)
    module = importlib.import_module(f"{PACKAGE}.declaratie")
    message = XmlParser().from_bytes(out.getvalue(), module.Declaratiebericht)
    lines = message.prestaties.prestatie
    assert [line.bedrag for line in lines] == [r.bedrag for r in records[1:-1]]
    assert all(type(line.bedrag) is int for line in lines)
    assert message.header.dagtekening.to_date() == records[0].dagtekening
    assert message.totalen.totaal_bedrag == records[-1].totaal_bedrag


def test_xml_written_by_the_generated_classes_passes_our_reader(
    generation: tuple[Path, str], tmp_path: Path
) -> None:
    """A vendor builds the message with the generated classes and serialises it: the receiver's
    reader and every rule accept it as it is."""
    from xsdata.formats.dataclass.parsers import XmlParser
    from xsdata.formats.dataclass.serializers import XmlSerializer

    records = list(generate_declaration(3, seed=4))
    out = io.BytesIO()
    get_format("xml").writer(records, out, DECLARATIE)
    module = importlib.import_module(f"{PACKAGE}.declaratie")
    message = XmlParser().from_bytes(out.getvalue(), module.Declaratiebericht)
    path = tmp_path / "vendor.xml"
    path.write_text(XmlSerializer().render(message), encoding="utf-8")
    assert [f"{i.code} {i.message}" for i in validate(path)] == []
