"""The XML reader stays within bounds on well-formed but hostile input: memory does not grow
with the size of an element, ``--max-depth`` applies to valid documents, and no issue message
grows with the input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE

from .conftest import positioned, validate

VALID = Path(__file__).resolve().parents[2] / "fixtures" / "valid"
PRESTATIE1 = VALID / "prestatie1_credit_correction.xml"


def message(n: int = 3) -> bytes:
    out = io.BytesIO()
    get_format("xml").writer(generate_declaration(n, seed=5), out, DECLARATIE)
    return out.getvalue()


def run(target: Path, *options: str) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(cli, ["validate", "--output-format", "json", *options, str(target)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, json.loads(result.stdout)["files"][0]["issues"]


# -- depth ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("depth", "line", "path"),
    [
        (1, 3, "/Declaratiebericht/Header"),
        (2, 4, "/Declaratiebericht/Header/BerichtCode"),
        (3, 23, "/Declaratiebericht/Prestaties/Prestatie[1]/Referentienummer"),
    ],
)
def test_max_depth_applies_to_a_valid_file(depth: int, line: int, path: str) -> None:
    """The first element deeper than --max-depth: L001 at its line and XPath."""
    outcome = validate(PRESTATIE1, "--max-depth", str(depth))
    assert outcome.exit_code == 2
    assert [i["code"] for i in outcome.issues] == ["L001"]
    location = outcome.issues[0]["location"]
    assert (location["line"], location["path"]) == (line, path)
    assert f"deeper than {depth}" in outcome.issues[0]["message"]


def test_the_standard_depth_passes() -> None:
    """The standard needs four levels: --max-depth 4 accepts every valid fixture."""
    for path in sorted(VALID.glob("*.xml")):
        assert run(path, "--max-depth", "4") == (0, []), path.name


def test_depth_is_reported_at_the_deep_element(tmp_path: Path) -> None:
    target = tmp_path / "deep.xml"
    target.write_bytes(
        message().replace(
            b"<Werkgebied>",
            b"<Onbekend>" + b"<a>" * 8 + b"</a>" * 8 + b"</Onbekend><Werkgebied>",
            1,
        )
    )
    issues = validate(target, "--max-depth", "6").issues
    deep = [i for i in issues if i["code"] == "L001"]
    assert deep and deep[0]["location"]["path"].endswith("/Prestatie[1]/Onbekend/a/a/a")  # depth 7


# -- memory --------------------------------------------------------------------------------

_MEASURE = """
import resource, sys
from resv_edi.api import check_file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = check_file(sys.argv[1])
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(grown // 1024, " ".join(sorted({i.code for i in report.issues})))
"""

PLACES = {
    "in_a_line": (b"<Werkgebied>", b"{wide}<Werkgebied>"),
    "in_the_lines": (b"<Prestaties>", b"<Prestaties>{wide}"),
    "under_the_root": (b"<Prestaties>", b"{wide}<Prestaties>"),
    "in_the_header": (b"<Valuta>", b"{wide}<Valuta>"),
}


def wide_file(tmp_path: Path, place: str, children: int) -> Path:
    old, new = PLACES[place]
    wide = b"<Onbekend>" + b"<x></x>" * children + b"</Onbekend>"
    target = tmp_path / f"{place}_{children}.xml"
    target.write_bytes(message().replace(old, new.replace(b"{wide}", wide), 1))
    return target


def peak_growth(target: Path) -> tuple[int, set[str]]:
    """MiB the peak RSS grows by while ``target`` is validated (in a fresh process)."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(target)], capture_output=True, text=True, check=True
    )
    grown, *codes = done.stdout.split()
    return int(grown), set(codes)


@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_wide_unknown_element_is_refused_in_bounded_memory(place: str, tmp_path: Path) -> None:
    """200k and 400k empty children: refused (L001) at the element, and the memory does not
    grow with the number of children (it grew by about 250 bytes a child)."""
    small, small_codes = peak_growth(wide_file(tmp_path, place, 200_000))
    large, large_codes = peak_growth(wide_file(tmp_path, place, 400_000))
    assert small_codes == large_codes == {"L001"}
    assert small < 100 and large < 100, (small, large)
    assert large < small + 20, (small, large)


def test_a_wide_element_is_located(tmp_path: Path) -> None:
    outcome = validate(wide_file(tmp_path, "in_a_line", 200_000))
    assert [i["code"] for i in outcome.issues] == ["L001"]
    location = outcome.issues[0]["location"]
    assert location["line"] == 29
    assert location["path"] == "/Declaratiebericht/Prestaties/Prestatie[1]/Onbekend"
    assert all(positioned(i) for i in outcome.issues)


def test_many_misplaced_records_are_refused(tmp_path: Path) -> None:
    """Records inside an unknown element give events but are never freed: refused too."""
    doc = message()
    line = doc[doc.index(b"<Prestatie>") : doc.index(b"</Prestatie>") + 12]
    target = tmp_path / "misplaced.xml"
    target.write_bytes(
        doc.replace(b"<Prestaties>", b"<Prestaties><Onbekend>" + line * 3000 + b"</Onbekend>", 1)
    )
    outcome = validate(target, "--max-errors", "0")
    assert outcome.issues[-1]["code"] == "L001" and outcome.exit_code == 2
    assert len(outcome.issues) < 3000


def test_lines_outside_their_container_are_still_read(tmp_path: Path) -> None:
    """A message without <Prestaties> is refused with X004/X005, not as a limit, at any size:
    the root's children are checked and freed as they come."""
    doc = message(2500)
    target = tmp_path / "nowrapper.xml"
    target.write_bytes(doc.replace(b"<Prestaties>", b"", 1).replace(b"</Prestaties>", b"", 1))
    assert target.stat().st_size > 1024 * 1024
    codes = [i["code"] for i in validate(target, "--max-errors", "0").issues]
    assert "L001" not in codes
    assert codes.count("X004") == 2 * 2500 and "X005" in codes


def test_a_large_valid_message_is_not_limited(tmp_path: Path) -> None:
    target = tmp_path / "large.xml"
    target.write_bytes(message(2500))
    assert target.stat().st_size > 1024 * 1024
    assert run(target) == (0, [])


# -- message size --------------------------------------------------------------------------


def test_an_attribute_list_is_capped(tmp_path: Path) -> None:
    """20,000 attributes: the issue names the first few and counts the rest."""
    attributes = b" ".join(b'a%d="1"' % i for i in range(20_000))
    target = tmp_path / "attributes.xml"
    target.write_bytes(message().replace(b"<Werkgebied>", b"<Werkgebied " + attributes + b">", 1))
    issues = validate(target).issues
    x004 = [i for i in issues if i["code"] == "X004"]
    assert len(x004) == 1
    assert "a0 a1 a2 a3 a4 and 19995 more" in x004[0]["message"]
    assert max(len(i["message"]) for i in issues) < 300


def test_a_huge_attribute_list_is_a_limit(tmp_path: Path) -> None:
    attributes = b" ".join(b'a%d="1"' % i for i in range(300_000))
    target = tmp_path / "attributes.xml"
    target.write_bytes(message().replace(b"<Werkgebied>", b"<Werkgebied " + attributes + b">", 1))
    outcome = validate(target)
    assert [i["code"] for i in outcome.issues] == ["L001"]
    assert outcome.issues[0]["location"]["line"] == 29
    assert len(outcome.issues[0]["message"]) < 300


def test_a_long_element_name_is_cut(tmp_path: Path) -> None:
    target = tmp_path / "name.xml"
    target.write_bytes(
        message().replace(b"<Werkgebied>", b"<" + b"N" * 40_000 + b"/><Werkgebied>", 1)
    )
    issues = validate(target).issues
    assert (
        issues
        and max(len(i["message"]) + len(i["location"].get("path") or "") for i in issues) < 600
    )
