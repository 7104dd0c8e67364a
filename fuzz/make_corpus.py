"""(Re)create the seed corpus of fuzz/: the valid fixtures and a few small generated files.

python fuzz/make_corpus.py
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "corpus"


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for fixture in sorted((ROOT / "fixtures" / "valid").iterdir()):
        shutil.copy(fixture, CORPUS / fixture.name)
    for fmt in ("ei", "xml", "json", "ndjson", "csv"):
        for n, seed in ((1, 1), (3, 2), (12, 3)):
            out = io.BytesIO()
            get_format(fmt).writer(generate_declaration(n, seed=seed), out, DECLARATIE)
            (CORPUS / f"generated_{n}.{fmt}").write_bytes(out.getvalue())


if __name__ == "__main__":
    main()
