"""Start-up stays light: ``--help`` and ``validate`` of a plain XML file import only what
they use (the modules imported are asserted, never the time they take)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
XML = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.xml"

#: modules a command on a plain XML file (or ``--help``) has no use for
NOT_FOR_XML = (
    "resv_edi.formats.ei.resv",  # the EI codec
    "resv_edi.vektis.layout",
    "resv_edi.formats.csv.codec",
    "resv_edi.formats.json.document",
    "resv_edi.formats.json.ndjson",
    "resv_edi.rules.ndjson_blocks",
    "resv_edi.transport.archive",  # the zip reader
    "resv_edi.ledger",  # only with --db
)

#: packages (with their submodules) that start-up no longer loads (issue 14, point 6; the
#: figures are in docs/performance.md): what they cost, and when they are still loaded
NOT_AT_START_UP = (
    "stdnum",  # ~40 ms (ssl, pydoc, its IBAN registry): a VAT number or a foreign IBAN only
    "ssl",
    "pydoc",
    "sqlite3",  # the SQLite reference index; the partitioned index answers without it
    "concurrent.futures",  # the process pool: more than one file and --jobs > 1
    "logging",  # concurrent.futures and the Dask cluster
    "orjson",  # JSON output only
    "json",
    "resv_edi.batch.split",  # --split only
    "resv_edi.model.retour",  # the retour's records: a retour message only
)


def loaded(names: set[str], packages: tuple[str, ...]) -> list[str]:
    """The names in ``names`` that are one of ``packages`` or a submodule of one."""
    return sorted(n for n in names if any(n == p or n.startswith(p + ".") for p in packages))


def imported(*args: str) -> set[str]:
    """The modules ``resv-edi args`` imports: those ``python -X importtime`` lists, and those
    in ``sys.modules`` at exit (``importlib.import_module``, used for lazy loading, is not
    timed by ``-X importtime``)."""
    code = (
        "import sys\nfrom resv_edi.cli.main import cli\n"
        "try:\n    cli(prog_name='resv-edi')\n"
        "finally:\n    sys.stderr.write('MODULES ' + ' '.join(sys.modules) + '\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    names = {line.rsplit("|", 1)[1].strip() for line in lines[1:]}  # [0] is the header
    loaded = [line for line in done.stderr.splitlines() if line.startswith("MODULES ")]
    names.update(loaded[-1].split()[1:])
    assert "resv_edi.cli.main" in names
    return names


@pytest.mark.parametrize(
    "args",
    [("--help",), ("validate", str(XML))],
    ids=["help", "validate-xml"],
)
def test_start_up_imports_only_what_the_command_needs(args: tuple[str, ...]) -> None:
    names = imported(*args)
    assert sorted(names.intersection(NOT_FOR_XML)) == []
    assert loaded(names, NOT_AT_START_UP) == []


def test_help_loads_no_command_and_no_model() -> None:
    names = imported("--help")
    heavy = ("resv_edi.model", "resv_edi.formats", "pydantic")
    assert sorted(name for name in names if name.startswith(heavy)) == []
    commands = {name for name in names if name.startswith("resv_edi.cli.")}
    assert commands == {"resv_edi.cli.main"}


def test_validate_xml_loads_the_xml_reader() -> None:
    """The negative checks above mean something: the codec that is used does load."""
    names = imported("validate", str(XML))
    assert "resv_edi.formats.xml.reader" in names


def test_python_m_resv_edi_is_the_command() -> None:
    """``python -m resv_edi`` runs the same command group as the ``resv-edi`` script."""
    done = subprocess.run(
        [sys.executable, "-m", "resv_edi", "validate", str(XML)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.startswith(f"{XML}: valid ("), done.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "resv_edi", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert shown.returncode == 0
    assert shown.stdout.startswith("Usage: resv-edi ")
    assert "validate" in shown.stdout
