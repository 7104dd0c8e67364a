"""A writer process for the fault tests: ``python ledger_writer.py URL [--hold GO] FILE...``.

Adds each FILE to the ledger at URL and prints one JSON line per file. With ``--hold GO`` it
prints ``loaded N`` after the first batch of lines is in the open transaction and then waits
until the file GO exists (or is killed meanwhile), so a test can act at a known point.
"""

from __future__ import annotations

import json
import os
import sys
import time

from resv_edi.ledger import open_ledger


def main(argv: list[str]) -> None:
    url, rest = argv[0], argv[1:]
    go = None
    if rest[:1] == ["--hold"]:
        go, rest = rest[1], rest[2:]
    held = False

    def hold(loaded: int) -> None:
        nonlocal held
        if go is None or held:
            return
        held = True
        print(f"loaded {loaded}", flush=True)
        while not os.path.exists(go):
            time.sleep(0.01)

    with open_ledger(url) as ledger:
        for path in rest:
            result = ledger.add_declaration(path, on_batch=hold)
            print(json.dumps({"file": path, "status": result.status, "lines": result.lines}))
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
