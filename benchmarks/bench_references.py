"""Cross-line checks at scale: 1 M lines shaped to stress them against 1 M plain lines.

``python benchmarks/bench_references.py [LINES]`` (default 1 000 000; not part of the test
run) writes four NDJSON declarations of LINES lines each and validates each with
``check_file`` (reader, schema, every rule, the reference index of R003/R004/R025), in this
process, one after the other:

* ``plain``: distinct references, all debits (the baseline);
* ``credits``: one debit and LINES-1 credits of it;
* ``one_reference``: every line carries the same Referentienummer (R003 on each but the first);
* ``pairs``: LINES/2 distinct debits, each credited once (many distinct references).

It prints the seconds and the ratio to ``plain`` (target: within 3x). The counted-work test
at small sizes is ``tests/security/test_scaling.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from resv_edi.limits import DEFAULT_LIMITS
from resv_edi.pipeline import check_file

HEADER = (
    '{"Bericht":"Declaratiebericht","Header":{"BerichtCode":"901","BerichtVersie":1,'
    '"BerichtSubversie":0,"XsdVersie":"1.0.0","SoortBericht":"P","Afzender":"98885441",'
    '"OntvangerUzovi":"7854","BerichtIdentificatie":"BENCH-1","Dagtekening":"2027-10-05",'
    '"Declaratienummer":"B-1","DeclaratieperiodeBegin":"2027-01-01",'
    '"DeclaratieperiodeEinde":"2027-12-31","Valuta":"EUR"}}\n'
)
LINE = (
    '{{"Prestatie":{{"Referentienummer":"{ref}",{prev}"Prestatiesoort":"1",'
    '"Prestatiecode":"RESV01","Hoofdtaak":"2","Overeenkomst":"OVK-7854-2027",'
    '"ResvPlan":"PLAN-98249524","Zorgverzekeraar":"7854","Werkgebied":"UTRECHT-W",'
    '"Begindatum":"2027-09-01","Einddatum":"2027-09-30","Bedrag":{amount},'
    '"DebetCredit":"{dc}"}}}}\n'
)
Shape = Callable[[int], tuple[str, str | None, int, str]]


def plain(i: int) -> tuple[str, str | None, int, str]:
    return f"R{i:014d}", None, 100, "D"


def credits(i: int) -> tuple[str, str | None, int, str]:
    return (
        ("D00000000000000", None, 10**10, "D")
        if i == 1
        else (f"C{i:014d}", "D00000000000000", 1, "C")
    )


def one_reference(i: int) -> tuple[str, str | None, int, str]:
    return "S00000000000000", None, 100, "D"


def pairs(i: int) -> tuple[str, str | None, int, str]:
    return (f"R{i:014d}", None, 100, "D") if i % 2 else (f"X{i:014d}", f"R{i - 1:014d}", 100, "C")


def write(path: Path, shape: Shape, n: int) -> Path:
    debit = credit = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(1, n + 1):
            ref, prev, amount, dc = shape(i)
            if dc == "D":
                debit += amount
            else:
                credit += amount
            previous = f'"VorigReferentienummer":"{prev}",' if prev else ""
            out.write(LINE.format(ref=ref, prev=previous, amount=amount, dc=dc))
        net = debit - credit
        dc = "D" if net >= 0 else "C"
        out.write(
            f'{{"Totalen":{{"AantalPrestaties":{n},"TotaalBedrag":{abs(net)},"DebetCredit":"{dc}"}}}}\n'
        )
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
