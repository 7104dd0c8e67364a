"""atheris harness: every reader, ``check_file`` with the rules, and every block check against
the exact path, on arbitrary bytes.

    python fuzz/fuzz_readers.py fuzz/corpus -max_total_time=600 -rss_limit_mb=2048

Any exception escaping a reader or the validator is a crash (a bug): readers must turn every
input into entries and coded issues. A block check (``pipeline.BLOCK_CHECKS``, run with small
blocks so that block edges fall inside small inputs) that answers otherwise than the exact path
(``pipeline.validate``) is a crash too. atheris is not a test dependency (``pip install
atheris``). See fuzz/README.md.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import traceback

import atheris

with atheris.instrument_imports(include=["resv_edi"]):
    import resv_edi.formats.xml.line_scan as xml_blocks
    import resv_edi.rules.ei_blocks as ei_blocks
    import resv_edi.rules.json_blocks as json_blocks
    import resv_edi.rules.ndjson_blocks as ndjson_blocks
    from resv_edi.api import check_file
    from resv_edi.errors import Issue
    from resv_edi.formats.registry import get_format
    from resv_edi.limits import Limits
    from resv_edi.model.messages import Entry
    from resv_edi.pipeline import BLOCK_CHECKS, blocks_for, validate

LIMITS = Limits(max_file_size=1 << 20, max_records=2000, max_errors=200)
FORMATS = ("xml", "json", "ndjson", "ei", "csv")
_SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None
_FD, PATH = tempfile.mkstemp(prefix="resv-fuzz-", dir=_SHM)
os.close(_FD)


# small blocks: a fuzz input of a few lines still crosses block edges (as the differential tests)
ndjson_blocks.BLOCK = 3
ei_blocks.BLOCK, ei_blocks.MIN_RUN = 3, 1
json_blocks.BLOCK, json_blocks.SMALL, json_blocks.DENSE = 3, 2, 6
xml_blocks.BLOCK, xml_blocks.SMALL = 3, 1

#: crashes already reported and not yet fixed, as (file, function) of the raising frame; the
#: run goes on past them to find others. Empty this list once they are fixed.
KNOWN: set[tuple[str, str]] = set()


def test_one_input(data: bytes) -> None:
    """Read ``data`` with every reader and validate it; known crashes are passed over."""
    try:
        _read_everything(data)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        if not any(frame.filename.endswith(f) and frame.name == fn for f, fn in KNOWN):
            raise


def _read_everything(data: bytes) -> None:
    for fmt in FORMATS:
        for item in get_format(fmt).reader(io.BytesIO(data), None, file="fuzz", limits=LIMITS):
            if not isinstance(item, Entry | Issue):
                raise TypeError(f"{fmt} reader yielded {type(item).__name__}")
    with open(PATH, "wb") as fh:
        fh.write(data)
    report = check_file(PATH, limits=LIMITS)
    for found in report.issues:
        if not (isinstance(found, Issue) and len(found.code) == 4):
            raise TypeError(f"bad issue {found!r}")
    for fmt in BLOCK_CHECKS:
        check = blocks_for(fmt)
        assert check is not None
        exact = list(validate(PATH, fmt, limits=LIMITS))
        blocks = list(check(PATH, None, LIMITS))
        if blocks != exact:
            raise AssertionError(f"{fmt} block check differs from the exact path")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    try:
        atheris.Fuzz()
    finally:
        os.unlink(PATH)


if __name__ == "__main__":
    main()
