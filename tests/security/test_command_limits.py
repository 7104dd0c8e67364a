"""Issue 15, points 5, 8 and 1 for the commands that came last: reconcile, report, overlap
and lumpsum honour ``--max-errors``; report caps its facts and its page with a warning;
``overlap --rules`` fails closed; lumpsum, overlap and generate write to FIFOs as streams
and refuse an output under a file with exit 2."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from resv_edi.cli.main import cli
from resv_edi.report.aggregate import OTHER, aggregate

ROOT = Path(__file__).resolve().parents[2]
XML = ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.xml"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result.exit_code, result.output  # stdout and stderr


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    made = {
        "decl": folder / "d.ndjson",
        "claims": folder / "ha.asc",
    }
    assert (
        _run("generate", "--records", "60", "--format", "ndjson", "-o", str(made["decl"]))[0] == 0
    )
    code, out = _run(
        "generate", "--standard", "HA304", "--records", "30", "-o", str(made["claims"])
    )
    assert code == 0, out
    return made


def _broken_lines(source: Path, target: Path) -> Path:
    """Every line of an NDJSON message with an amount that is no number: one error per
    line (S002)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        data = json.loads(line)
        line_data = data.get("Prestatie")
        if line_data is not None:
            key = "Bedrag" if "Bedrag" in line_data else "IngediendBedrag"
            line_data[key] = "veel"
        out.append(json.dumps(data))
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return target


def test_reconcile_honours_max_errors(inputs: dict[str, Path], tmp_path: Path) -> None:
    retour = tmp_path / "r.ndjson"
    assert _run("retour", str(inputs["decl"]), "-o", str(retour), "--to", "ndjson")[0] in (0, 1)
    broken = _broken_lines(retour, tmp_path / "broken.ndjson")
    _, out = _run(
        "reconcile", str(inputs["decl"]), str(broken), "--output-format", "json",
        "--max-errors", "5",
    )  # fmt: skip
    issues = json.loads(out[: out.rindex("}") + 1])["issues"]
    assert [i["code"] for i in issues].count("S002") == 5 and issues[-1]["code"] == "L002"


def test_overlap_honours_max_errors(inputs: dict[str, Path], tmp_path: Path) -> None:
    broken = _broken_lines(inputs["decl"], tmp_path / "broken.ndjson")
    _, out = _run(
        "overlap", "--declarations", str(broken), "--claims", str(inputs["claims"]),
        "-o", str(tmp_path / "o.json"), "--max-errors", "4",
    )  # fmt: skip
    assert out.count("S002") == 4 and "L002" in out, out


def test_report_honours_max_errors_and_caps_its_facts(tmp_path: Path) -> None:
    broken = _broken_lines(ROOT / "fixtures" / "valid" / "prestatie1_credit_correction.ndjson",
                           tmp_path / "broken.ndjson")  # fmt: skip
    code, out = _run("report", str(broken), "-o", str(tmp_path / "r1"), "--max-errors", "3")
    assert code == 1 and out.count("S002") == 3, out
    agg = aggregate([XML], max_facts=2)
    assert agg.folded_lines > 0 and len(agg.facts) <= 2 + 70
    assert any(key[3] == OTHER for key in agg.facts)
    assert agg.total.lines == aggregate([XML]).total.lines  # nothing is lost, only grouped
    code, out = _run("report", str(XML), "-o", str(tmp_path / "r2"), "--max-facts", "2",
                     "--page-size", "1")  # fmt: skip
    assert code == 0 and "--max-facts" in out and "--page-size" in out, out
    assert "rows shown" in (tmp_path / "r2" / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("content", [None, "", "this is [not toml", "[[rule]]\nnl = 'x'\n"])
def test_overlap_rules_fail_closed(
    inputs: dict[str, Path], tmp_path: Path, content: str | None
) -> None:
    rules = tmp_path / "rules.toml"
    if content is not None:
        rules.write_text(content, encoding="utf-8")
    out_file = tmp_path / "o.json"
    code, out = _run(
        "overlap", "--declarations", str(inputs["decl"]), "--claims", str(inputs["claims"]),
        "-o", str(out_file), "--rules", str(rules),
    )  # fmt: skip
    assert code == 2 and "--rules" in out, out
    assert not out_file.exists()


def _drain(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _commands(inputs: dict[str, Path], target: str) -> dict[str, list[str]]:
    return {
        "lumpsum": ["lumpsum", str(inputs["claims"]), "--mapping", "ha304_oi", "-o", target,
                    "--to", "csv"],
        "overlap": ["overlap", "--declarations", str(inputs["decl"]), "--claims",
                    str(inputs["claims"]), "-o", target, "--to", "csv"],
        "generate": ["generate", "--records", "3", "--format", "xml", "-o", target],
    }  # fmt: skip


@pytest.mark.parametrize("command", ["lumpsum", "overlap", "generate"])
def test_fifo_outputs_stream(inputs: dict[str, Path], tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    code, out = _run(*_commands(inputs, str(fifo))[command])
    reader.join(10)
    assert code in (0, 1), out
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and got and got[0]


@pytest.mark.parametrize("command", ["lumpsum", "overlap", "generate"])
def test_output_under_a_file(inputs: dict[str, Path], tmp_path: Path, command: str) -> None:
    blocker = tmp_path / "plain.txt"
    blocker.write_text("x")
    code, out = _run(*_commands(inputs, str(blocker / "out.csv"))[command])
    assert code == 2 and "plain.txt" in out, out
