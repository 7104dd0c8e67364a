"""The lump-sum engine's column path (``ClaimColumns``) against its exact path, and its privacy.

* ``read_allowlisted`` by columns, spelled out record by record, gives exactly the facts,
  issues and counts of the one-by-one scan (``columns=False``), on generated claim files of
  every mapped standard (over a quarter, or a few days: many lines alike, counted, outside
  their code's validity, or not counted at all) and on mutations: allowlisted fields made
  unreadable (in one record or in all), records of the wrong length, unknown types, records
  out of order, patient values where an amount belongs; at small block sizes too;
* the engine gives the same records, issues and file summaries either way, also under an
  issue cap;
* a ``ClaimColumns`` holds nothing but the mapping's allowlisted fields of an allowlisted
  record type: no patient field, and no injected patient value anywhere in it.
"""

from __future__ import annotations

import functools
import io
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lumpsum_helpers import CODES, MAPPINGS, shift_year
from test_no_patient_leak import _corrupt, _inject, _needles, patients

import resv_edi.lumpsum.engine as engine
import resv_edi.vektis.framing as framing
from resv_edi.generate.claims import generate_claims
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.lumpsum import load_mapping, read_allowlisted
from resv_edi.lumpsum.claims import ClaimColumns, FileSummary
from resv_edi.vektis import load_layout


def _claims(standard: str, n: int, seed: int, days: int = 0) -> bytes:
    """Generated claims of 2027; ``days``: all dated in the first few days of it (so that
    many lines share their code, date, insurer and provider)."""
    buf = io.BytesIO()
    rng, codes = random.Random(seed), CODES[standard]
    if days:
        period = (date(2027, 1, 1), date(2027, 1, days))
        generate_claims(standard, n, buf, rng=rng, codes=codes, period=period)
        return buf.getvalue()
    generate_claims(standard, n, buf, rng=rng, codes=codes)
    return shift_year(buf.getvalue(), standard)


def _spelled(items: Any) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(item.facts() if isinstance(item, ClaimColumns) else [item])
    return out


def _read_both(path: Path, standard: str, limits: Limits = DEFAULT_LIMITS) -> list[Any]:
    mapping = load_mapping(MAPPINGS[standard])
    by_columns, exact = FileSummary(str(path)), FileSummary(str(path))
    found = list(read_allowlisted(path, mapping, summary=by_columns, limits=limits))
    one_by_one = list(read_allowlisted(path, mapping, summary=exact, limits=limits, columns=False))
    assert _spelled(found) == one_by_one
    assert by_columns == exact
    return found


def _engine_both(path: Path, standard: str, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> None:
    mapping = load_mapping(MAPPINGS[standard])
    engine_columns = engine.LumpSumEngine(mapping, **kw)
    found = engine_columns.feed_all([path])
    records = engine_columns.records()
    with monkeypatch.context() as patch:
        exact_read = functools.partial(read_allowlisted, columns=False)
        patch.setattr(engine, "read_allowlisted", exact_read)
        engine_exact = engine.LumpSumEngine(mapping, **kw)
        assert engine_exact.feed_all([path]) == found
        assert engine_exact.records() == records
        assert engine_exact.files == engine_columns.files
        assert engine_exact.record_issues == engine_columns.record_issues


def _mutated(data: bytes, standard: str, rng: random.Random) -> bytes:
    """Allowlisted fields unreadable, broken framing or order, in a few records or all."""
    layout = load_layout(standard)
    mapping = load_mapping(MAPPINGS[standard])
    lines = data.split(b"\r\n")
    service = [i for i, line in enumerate(lines) if line[:2] == b"04"]
    choice = rng.randrange(6)
    if choice <= 1:  # an allowlisted field made unreadable (or blank) in one record or all
        spec = layout.records["04"].by_id[rng.choice(mapping.allowlist["04"])]
        piece = rng.choice([b"X", b" ", b"9", b"C"]) * spec.length
        chosen = service if choice == 1 else [rng.choice(service)]
        for i in chosen:
            line = lines[i]
            lines[i] = line[: spec.start - 1] + piece + line[spec.start - 1 + spec.length :]
    elif choice == 2:  # the wrong length
        at = rng.choice(service)
        lines[at] = lines[at][:-3]
    elif choice == 3:  # an unknown record type
        at = rng.choice(service)
        lines[at] = b"X9" + lines[at][2:]
    elif choice == 4:  # out of order
        at = rng.choice(service)
        lines[at], lines[at - 1] = lines[at - 1], lines[at]
    else:  # a record twice
        at = rng.choice(service)
        lines.insert(at, lines[at])
    return b"\r\n".join(lines)


@pytest.mark.parametrize("standard", sorted(MAPPINGS))
@pytest.mark.parametrize("seed", range(8))
def test_columns_are_the_exact_scan(
    standard: str, seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    data = _claims(standard, 40, seed, days=3 if seed % 2 else 0)
    if seed:
        for _ in range(1 + seed % 3):
            data = _mutated(data, standard, rng)
    path = tmp_path / "claims.ei"
    path.write_bytes(data)
    found = _read_both(path, standard)
    if seed == 0:
        assert any(isinstance(item, ClaimColumns) for item in found)  # the column path ran
    monkeypatch.setattr(framing, "_BATCH", 5)
    _read_both(path, standard)
    _read_both(path, standard, Limits(max_errors=2))
    _engine_both(path, standard, monkeypatch)
    _engine_both(path, standard, monkeypatch, period="month", limits=Limits(max_errors=1))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    p=patients(),
    standard=st.sampled_from(sorted(MAPPINGS)),
    corruption=st.sampled_from(["none", "amount", "length", "type"]),
    seed=st.integers(0, 10_000),
)
def test_claim_columns_hold_no_patient_data(
    tmp_path_factory: Any, p: dict[str, str], standard: str, corruption: str, seed: int
) -> None:
    data = _inject(_claims(standard, 20, seed), standard, p)
    if corruption != "none":
        data = _corrupt(data, corruption, p, standard)
    path = tmp_path_factory.mktemp("columns") / "claims.ei"
    path.write_bytes(data)
    assert p["bsn"].encode() in data and p["name"].encode() in data  # the values are there
    mapping = load_mapping(MAPPINGS[standard])
    layout = load_layout(standard)
    patient_ids = {f.id for r in layout.records.values() for f in r.fields if f.patient}
    found = list(read_allowlisted(path, mapping))
    blocks = [item for item in found if isinstance(item, ClaimColumns)]
    assert blocks or corruption != "none"  # the column path ran (a broken block: exact)
    for block in blocks:
        assert block.record_type in mapping.allowlist
        assert set(block.columns) <= set(mapping.allowlist[block.record_type])
        assert not set(block.columns) & patient_ids
    blob = repr(found).encode("utf-8")
    for needle in _needles(p):
        assert needle not in blob


def test_kinds_of_line_kept_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap on kinds of claim line kept, lines go the exact way: the same answer."""
    monkeypatch.setattr(engine, "_MAX_OUTCOMES", 2)
    path = tmp_path / "claims.ei"
    path.write_bytes(_claims("HA304", 60, 5, days=3))
    _engine_both(path, "HA304", monkeypatch)
