"""Claim files for the lump-sum tests: generated with fake patients, moved into the experiment.

``generate_claims`` dates its files in 2026; the RESV experiment runs 2027-2031. ``shift_year``
moves the service and declaration dates of header and service records (never those of the
insured-person record) by whole years, keeping the trailer valid.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from resv_edi.generate.claims import generate_claims
from resv_edi.standard.paths import mappings_dir

CODES = {
    "HA304": ["39901", "39902", "39903", "39904", "12000", "13001"],
    "AW319": ["CC901", "CC902", "V1001", "H1002"],
    "PM304": ["NW1001", "NW1002", "100001", "200002"],
}
MAPPINGS = {"HA304": "ha304_oi", "AW319": "aw319_coordination", "PM304": "pm304_network"}


def layout_json(standard: str) -> dict[str, Any]:
    """The layout JSON of ``standard`` (latest version), read directly: no engine code."""
    paths = sorted((mappings_dir() / "ei").glob(f"{standard}_v*.json"))
    return json.loads(paths[-1].read_text(encoding="utf-8"))


def shift_year(data: bytes, standard: str, years: int = 1) -> bytes:
    """``data`` with the dates of non-patient records (not 02/03) moved by ``years``."""
    layout = layout_json(standard)
    dates = {
        r["type"]: [(f["start"] - 1, f["start"] + 7) for f in r["fields"] if f["type"] == "date"]
        for r in layout["records"]
        if r.get("role") not in ("insured", "debtor")
    }
    out = []
    for line in data.split(b"\r\n"):
        spans = dates.get(line[:2].decode("latin-1"), [])
        buf = bytearray(line)
        for a, b in spans:
            raw = bytes(buf[a:b])
            if raw.isdigit() and raw != b"00000000":
                buf[a : a + 4] = f"{int(raw[:4]) + years:04d}".encode()
        out.append(bytes(buf))
    return b"\r\n".join(out)


def write_claims(
    path: Path, standard: str, n_lines: int, *, seed: int = 0, shift: int = 1, **kw: Any
) -> dict[str, Any]:
    """Write a generated ``standard`` claim file (dates moved ``shift`` years) to ``path``."""
    import io

    buf = io.BytesIO()
    kw.setdefault("codes", CODES[standard])
    summary = generate_claims(standard, n_lines, buf, rng=random.Random(seed), **kw)
    path.write_bytes(shift_year(buf.getvalue(), standard, shift) if shift else buf.getvalue())
    return summary
