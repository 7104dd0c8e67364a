"""A format without a block check (CSV) goes through the same driver as the others
(``pipeline.checker_for`` -> :class:`~resv_edi.rules.block_check.ExactCheck`): ``check_file``
gives exactly the issues of the exact path ``pipeline.validate``, and ``convert`` writes what
the same message converts to from XML, or nothing when the message has an error."""

from __future__ import annotations

from pathlib import Path

import pytest

import resv_edi.pipeline as pipeline
from resv_edi.limits import Limits
from resv_edi.model.messages import Entry
from resv_edi.rules.block_check import ExactCheck, exact_check

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "fixtures/valid").glob("*.xml"))


def _csv_of(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / f"{source.stem}.csv"
    assert pipeline.convert(source, target, "csv").written
    return target


def _mutations(text: str) -> list[str]:
    """Broken variants of a CSV message: a wrong amount, a wrong date, a lost row, a row
    repeated (a duplicate reference), a stray column, an empty file."""
    rows = text.splitlines(keepends=True)
    out = [
        "".join(rows[:-2] + rows[-1:]),
        "".join(rows[:3] + rows[2:]),
        "".join([*rows[:2], rows[2].rstrip("\r\n") + ",x\r\n", *rows[3:]]),
        "",
    ]
    for old, new in (("2027-", "2027-13-"), (",1", ",x1")):
        if old in text:
            out.append(text.replace(old, new, 1))
    return out


def test_csv_has_no_block_check_but_the_same_driver() -> None:
    assert pipeline.blocks_for("csv") is None
    made = pipeline.checker_for("csv")("x.csv", None)
    assert isinstance(made, ExactCheck) and made.fmt == "csv"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_check_file_is_the_exact_path(source: Path, tmp_path: Path) -> None:
    path = _csv_of(source, tmp_path)
    variants = [path.read_text(encoding="utf-8"), *_mutations(path.read_text(encoding="utf-8"))]
    seen_errors = False
    for number, text in enumerate(variants):
        variant = tmp_path / f"v{number}.csv"
        variant.write_text(text, encoding="utf-8")
        exact = list(pipeline.validate(variant, "csv"))
        report = pipeline.check_file(variant, "csv")
        assert report.issues == exact and report.format == "csv"
        read = pipeline.read(variant, "csv")
        assert report.lines == sum(isinstance(e, Entry) and e.part == "line" for e in read)
        seen_errors = seen_errors or report.errors > 0
        for limits in (Limits(max_errors=2), Limits(max_records=2)):
            checked = list(exact_check("csv")(variant, None, limits))
            assert checked == list(pipeline.validate(variant, "csv", limits=limits))
    assert seen_errors  # the mutations are caught


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_convert_writes_what_xml_converts_to(source: Path, tmp_path: Path) -> None:
    path = _csv_of(source, tmp_path)
    for to in ("xml", "ei"):
        ours = pipeline.convert(path, tmp_path / f"ours.{to}", to)
        theirs = pipeline.convert(source, tmp_path / f"theirs.{to}", to)
        assert ours.written and theirs.written and ours.lines == theirs.lines
        assert (tmp_path / f"ours.{to}").read_bytes() == (tmp_path / f"theirs.{to}").read_bytes()
    broken = tmp_path / "broken.csv"
    broken.write_text(_mutations(path.read_text(encoding="utf-8"))[1], encoding="utf-8")
    result = pipeline.convert(broken, tmp_path / "broken.xml", "xml")
    assert not result.written and result.issues
    assert not (tmp_path / "broken.xml").exists()
    assert [i.code for i in result.issues] == [
        i.code for i in pipeline.validate(broken, "csv") if i.is_error
    ][: len(result.issues)]
