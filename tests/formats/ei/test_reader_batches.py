"""The EI reader's batches (records framed right on bytes, read by columns) give exactly
what it gives record by record: the same records and issues, in the same order, on claim
files of every standard, RESV files, and mutated ones (field values, framing, order,
character set, trailer), also where the issue cap cuts the list, at small batch sizes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from ei_helpers import generate, join, read_both, split

import resv_edi.vektis.framing as framing
from resv_edi.limits import Limits
from resv_edi.vektis import all_layouts
from resv_edi.vektis.framing import NOT_CONTROL

ROOT = Path(__file__).resolve().parents[3]
STANDARDS = sorted(
    {layout.standard for layout in all_layouts() if layout.carries_patient_data}
)  # the claim standards (generate_claims makes those)


def test_control_bytes_agree() -> None:
    """The byte screen and the scanner's expression call the same bytes control characters."""
    for b in range(256):
        assert (framing._CONTROL.search(bytes([b])) is not None) == (b not in NOT_CONTROL)


@pytest.mark.parametrize("standard", STANDARDS)
def test_generated_claims(standard: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = generate(standard, 40, seed=3)
    found = read_both(data, monkeypatch)
    assert len(found) >= 40
    read_both(data, monkeypatch, batch=1024)


def _mutations(lines: list[bytes], rng: random.Random) -> list[bytes]:
    lines = list(lines)
    at = rng.randrange(1, len(lines) - 1)
    line = lines[at]
    col = rng.randrange(2, len(line))
    choice = rng.randrange(12)
    if choice == 0:
        lines[at] = line[:col] + b"X" + line[col + 1 :]  # a letter where digits may be
    elif choice == 1:
        lines[at] = line[:col] + b" " + line[col + 1 :]
    elif choice == 2:
        lines[at] = line[:col] + b"\t" + line[col + 1 :]
    elif choice == 3:
        lines[at] = line + b"X"
    elif choice == 4:
        lines[at] = line[:-1]
    elif choice == 5:
        lines[at] = b"77" + line[2:]
    elif choice == 6:
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
    elif choice == 7:
        lines.insert(at, lines[at])
    elif choice == 8:
        lines[at] = line[:col] + "\xe9".encode() + line[col + 2 :]  # UTF-8 in a record
    elif choice == 9:
        lines[at] = line[:col] + b"9" + line[col + 1 :]
    elif choice == 10:
        del lines[at]
    else:
        lines.insert(at, lines[-1])  # a trailer too early
    return lines


@pytest.mark.parametrize("seed", range(24))
def test_mutated_claims(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    standard = STANDARDS[seed % len(STANDARDS)]
    data, _ = generate(standard, 30, seed=seed)
    lines = split(data)
    for _ in range(1 + seed % 3):
        lines = _mutations(lines, rng)
    mutated = join(lines)
    read_both(mutated, monkeypatch)
    read_both(mutated, monkeypatch, batch=5, limits=Limits(max_errors=2))
    read_both(mutated, monkeypatch, batch=4, limits=Limits(max_records=10))
    read_both(mutated.replace(b"\r\n", b"\n", 3), monkeypatch)
    read_both(mutated[: len(mutated) // 2], monkeypatch)


@pytest.mark.parametrize(
    "path", sorted(ROOT.glob("conformance/scenarios/*/*.asc")), ids=lambda p: p.parent.name
)
def test_resv_files(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read_both(path.read_bytes(), monkeypatch, batch=2)
