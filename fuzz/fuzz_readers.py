"""atheris harness: every reader, and ``check_file`` with the rules, on arbitrary bytes.

    python fuzz/fuzz_readers.py fuzz/corpus -max_total_time=600 -rss_limit_mb=2048

Any exception escaping a reader or the validator is a crash (a bug): readers must turn every
input into entries and coded issues. atheris is not a test dependency (``pip install
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
    from resv_edi.api import check_file
    from resv_edi.errors import Issue
    from resv_edi.formats.registry import get_format
    from resv_edi.limits import Limits
    from resv_edi.model.messages import Entry

LIMITS = Limits(max_file_size=1 << 20, max_records=2000, max_errors=200)
FORMATS = ("xml", "json", "ndjson", "ei", "csv")
_SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None
_FD, PATH = tempfile.mkstemp(prefix="resv-fuzz-", dir=_SHM)
os.close(_FD)


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


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    try:
        atheris.Fuzz()
    finally:
        os.unlink(PATH)


if __name__ == "__main__":
    main()
