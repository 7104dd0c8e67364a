"""``resv-edi report`` on generated declarations: tables reconcile, HTML has its charts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner
from lxml import html as lxml_html

from resv_edi.cli.main import cli
from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE


def _write(path: Path, fmt: str, n: int, seed: int, soort: str, year: int) -> list[Prestatie]:
    records = list(generate_declaration(n, seed=seed, prestatiesoort=soort, year=year))
    with path.open("wb") as out:
        get_format(fmt).writer(records, out, DECLARATIE)
    return [r for r in records if isinstance(r, Prestatie)]


def test_report_tables_and_html(tmp_path: Path) -> None:
    lines: list[Prestatie] = []
    for i, (fmt, soort, year) in enumerate(
        [("xml", "1", 2027), ("json", "2", 2028), ("ndjson", "1", 2029), ("ei", "2", 2027)]
    ):
        lines += _write(tmp_path / f"d{i}.{fmt}", fmt, 40, i + 1, soort, year)
    bad = tmp_path / "bad.xml"
    bad.write_text("<Declaratiebericht/>")
    out = tmp_path / "report"
    files = [str(p) for p in sorted(tmp_path.glob("d*"))]
    result = CliRunner().invoke(cli, ["report", *files, str(bad), "-o", str(out)])
    assert result.exit_code == 2, result.output  # the unreadable file is left out: exit 2
    data = json.loads((out / "report.json").read_text())
    net = sum(line.signed_amount for line in lines)
    assert data["meta"]["net"] == net
    assert data["meta"]["excluded"] == {str(bad): data["meta"]["excluded"][str(bad)]}
    for table in ("by_hoofdtaak", "by_prestatiesoort", "by_resv", "by_insurer", "by_region"):
        rows = data["tables"][table]
        assert sum(r["net"] for r in rows) == net
        with (out / f"{table}.csv").open() as fh:
            assert sum(int(r["net"]) for r in csv.DictReader(fh)) == net
    by_year = {r["year"]: r["net"] for r in data["tables"]["by_year"]}
    assert set(by_year) == {2027, 2028, 2029}
    credits = sum(line.bedrag for line in lines if line.debet_credit == "C")
    assert credits > 0 and data["meta"]["credit"] == credits
    page = lxml_html.fromstring((out / "report.html").read_bytes())
    svgs = page.xpath("//*[local-name()='svg' and contains(@class, 'chart')]")
    assert len(svgs) == 6  # hoofdtaak, prestatiesoort, resv, insurer, region, year
    hoofdtaak_chart = page.xpath("//*[@id='chart-by_hoofdtaak']")[0]
    assert len(hoofdtaak_chart.xpath(".//*[local-name()='rect']")) == len(
        data["tables"]["by_hoofdtaak"]
    )
    assert not page.xpath("//script") and b"http://" not in _non_svg_ns(out / "report.html")
    assert not page.xpath("//link[@href]") and not page.xpath("//img[@src]")


def _non_svg_ns(path: Path) -> bytes:
    return path.read_bytes().replace(b'xmlns="http://www.w3.org/2000/svg"', b"")


def test_prestatie_2_counts_for_the_commissioning_resv(tmp_path: Path) -> None:
    """Prestatie 2 is billed by the executing provider (the header's sender) to the RESV
    (the commissioning provider): the report files it under that RESV."""
    records = list(generate_declaration(30, seed=5, prestatiesoort="2"))
    lines = [r for r in records if isinstance(r, Prestatie)]
    with (tmp_path / "p2.xml").open("wb") as out:
        get_format("xml").writer(records, out, DECLARATIE)
    out_dir = tmp_path / "report"
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "p2.xml"), "-o", str(out_dir)])
    assert result.exit_code == 0, result.output
    rows = json.loads((out_dir / "report.json").read_text())["tables"]["by_resv"]
    expected: dict[str, int] = {}
    for line in lines:
        assert line.opdrachtgevende_zorgaanbieder
        key = line.opdrachtgevende_zorgaanbieder
        expected[key] = expected.get(key, 0) + line.signed_amount
    assert {r["resv"]: r["net"] for r in rows} == expected
    assert records[0].afzender not in expected
