"""Generated inputs with injected faults for the batch tests."""

from __future__ import annotations

import re
from pathlib import Path

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE

_REF = re.compile(rb"R\d{14}")


def write(path: Path, n: int, fmt: str, seed: int = 1) -> Path:
    with path.open("wb") as fh:
        get_format(fmt).writer(generate_declaration(n, seed=seed), fh, DECLARATIE)
    return path


def nth(data: bytes, pattern: bytes, n: int, replacement: bytes) -> bytes:
    """``data`` with the ``n``-th (0-based) match of ``pattern`` replaced."""
    matches = list(re.finditer(pattern, data))
    m = matches[n]
    return data[: m.start()] + replacement + data[m.end() :]


def references(data: bytes) -> list[bytes]:
    """The lines' own references, in line order (first occurrences)."""
    seen: dict[bytes, None] = {}
    for m in _REF.finditer(data):
        seen.setdefault(m.group(), None)
    return list(seen)


def with_faults(path: Path, fmt: str) -> Path:
    """Line-level faults (model, rules, references across chunks, totals), no structural ones."""
    data = path.read_bytes()
    refs = references(data)
    late = len(refs) * 3 // 4
    # a duplicate reference far from its first use (R003 across chunks)
    data = data.replace(refs[late], refs[5], 1)
    if fmt == "ndjson":
        data = nth(data, rb'"Bedrag":\d+', 40, b'"Bedrag":"12"')
        data = nth(data, rb'"Hoofdtaak":"\d"', len(refs) // 2, b'"Hoofdtaak":"9"')
        data = nth(data, rb'"TotaalBedrag":\d+', 0, b'"TotaalBedrag":1')
        lines = data.split(b"\n")
        lines[len(lines) // 3] = b'{"Prestatie": '  # a broken line (J002)
        data = b"\n".join(lines)
    elif fmt == "xml":
        data = nth(data, rb"<Bedrag>\d+</Bedrag>", 40, b"<Bedrag>12x</Bedrag>")
        data = nth(data, rb"<Hoofdtaak>\d</Hoofdtaak>", len(refs) // 2, b"<Hoofdtaak>9</Hoofdtaak>")
        data = nth(data, rb"<TotaalBedrag>\d+", 0, b"<TotaalBedrag>1")
    else:
        lines = data.split(b"\r\n")
        for k in (40, len(lines) // 2):
            lines[k] = re.sub(rb"2027\d{4}", b"20271399", lines[k], count=1)
        data = b"\r\n".join(lines)
    path.write_bytes(data)
    return path


def with_structure_fault(path: Path, fmt: str) -> Path:
    """A fault a chunk cannot judge alone (the split falls back to one piece)."""
    data = path.read_bytes()
    if fmt == "ndjson":
        lines = data.split(b"\n")
        lines.insert(len(lines) // 2, lines[0])  # a second header in the middle
        data = b"\n".join(lines)
    elif fmt == "xml":
        data = nth(data, rb"</Prestatie>", 1000, b"<Vreemd/></Prestatie>")
    else:
        lines = data.split(b"\r\n")
        lines.insert(len(lines) // 2, b"77" + b" " * (len(lines[1]) - 2))
        data = b"\r\n".join(lines)
    path.write_bytes(data)
    return path
