"""Cross-line checks at scale: 1 M lines shaped to stress them against 1 M plain lines.

``python benchmarks/bench_references.py [LINES]`` (default 1 000 000; not part of the test
run) writes four NDJSON declarations of LINES lines each and validates each with
``check_file`` (reader, schema, every rule, the reference index of R003/R004/R025), in this
process, one after the other:

* ``plain``: distinct references, all debits (the baseline);
* ``credits``: one debit and LINES-1 full credits of it (R025 on all but the first);
* ``one_reference``: every line carries the same Referentienummer (R003 on each but the first);
* ``pairs``: LINES/2 distinct debits, each credited once (many distinct references).

It prints the seconds and the ratio to ``plain`` (target: within 3x). The counted-work test
at small sizes is ``tests/security/test_scaling.py``.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.limits import DEFAULT_LIMITS
from resv_edi.model.messages import DECLARATIE
from resv_edi.pipeline import check_file


def _template() -> tuple[bytes, dict[str, Any]]:
    """The header line and one line of a generated declaration (valid for the standard
    release of this version), as NDJSON."""
    out = io.BytesIO()
    get_format("ndjson").writer(generate_declaration(1, seed=1), out, DECLARATIE)
    first, line = out.getvalue().splitlines()[:2]
    data = orjson.loads(line)["Prestatie"]
    data.pop("VorigReferentienummer", None)
    return first + b"\n", data


Shape = Callable[[int], tuple[str, str | None, int, str]]


def plain(i: int) -> tuple[str, str | None, int, str]:
    return f"R{i:014d}", None, 100, "D"


def credits(i: int) -> tuple[str, str | None, int, str]:
    """One debit and every other line a full credit of it (R025 from the second credit)."""
    if i == 1:
        return "D00000000000000", None, 100, "D"
    return f"C{i:014d}", "D00000000000000", 100, "C"


def one_reference(i: int) -> tuple[str, str | None, int, str]:
    return "S00000000000000", None, 100, "D"


def pairs(i: int) -> tuple[str, str | None, int, str]:
    return (f"R{i:014d}", None, 100, "D") if i % 2 else (f"X{i:014d}", f"R{i - 1:014d}", 100, "C")


def write(path: Path, shape: Shape, n: int) -> Path:
    header, template = _template()
    debit = credit = 0
    with path.open("wb") as out:
        out.write(header)
        for i in range(1, n + 1):
            ref, prev, amount, dc = shape(i)
            if dc == "D":
                debit += amount
            else:
                credit += amount
            line = {**template, "Referentienummer": ref, "Bedrag": amount, "DebetCredit": dc}
            if prev:
                line["VorigReferentienummer"] = prev
            out.write(orjson.dumps({"Prestatie": line}) + b"\n")
        net = debit - credit
        totals = {
            "AantalPrestaties": n,
            "TotaalBedrag": abs(net),
            "DebetCredit": "C" if net < 0 else "D",
        }
        out.write(orjson.dumps({"Totalen": totals}) + b"\n")
    return path


def main(n: int) -> None:
    limits = DEFAULT_LIMITS.updated(max_errors=10)
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for shape in (plain, credits, one_reference, pairs):
            path = write(Path(folder) / f"{shape.__name__}.ndjson", shape, n)
            started = time.perf_counter()
            report = check_file(path, limits=limits)
            times[shape.__name__] = time.perf_counter() - started
            path.unlink()
            ratio = times[shape.__name__] / times["plain"]
            print(
                f"{shape.__name__:14} {n:>9,} lines {times[shape.__name__]:8.1f} s  "
                f"{ratio:5.2f}x plain  ({report.errors:,} errors)",
                flush=True,
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
