"""A mapping cannot bind a role to a client-linked or ill-fitting field, and a value that the
lump-sum record cannot hold is a coded issue at its line and field, never an exception, and
never repeated in any output.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from lumpsum_helpers import layout_json, write_claims

from resv_edi.cli.main import cli
from resv_edi.lumpsum import LumpSumEngine, Mapping, MappingError, load_mapping, lump_sums
from resv_edi.standard.paths import mappings_dir

#: the loader's words for a field it refuses (the layout marks it patient data, or its name
#: says it leads back to a client)
REFUSED = "client-linked|identifies a person"
#: a client-linked number (INDICATIEBESLUITNUMMER) written into every AW319 service record
SECRET = "555000002"


def _aw319_mapping(tmp_path: Path, allow: str = "", **roles: str) -> Path:
    """The shipped AW319 mapping with extra fields allowlisted in 04 and roles rebound."""
    text = (mappings_dir() / "lumpsum" / "aw319_coordination.toml").read_text()
    text = text.replace('"04" = ["0404",', f'"04" = [{allow}"0404",')
    for role, value in roles.items():
        lines = text.splitlines()
        lines = [f"{role} = {value}" if ln.startswith(f"{role} ") else ln for ln in lines]
        text = "\n".join(lines) + "\n"
    path = tmp_path / "custom_aw319.toml"
    path.write_text(text)
    return path


def _field(standard: str, field_id: str) -> dict[str, Any]:
    return next(
        f for r in layout_json(standard)["records"] for f in r["fields"] if f["id"] == field_id
    )


def _claims_with(tmp_path: Path, field_id: str, value: str) -> Path:
    """A generated AW319 file with ``value`` in ``field_id`` of every service record."""
    path = tmp_path / "aw.ei"
    write_claims(path, "AW319", 30, seed=3)
    spec = _field("AW319", field_id)
    start, length = spec["start"] - 1, spec["length"]
    lines = path.read_bytes().split(b"\r\n")
    for i, line in enumerate(lines):
        if line.startswith(b"04"):
            lines[i] = line[:start] + value.encode().rjust(length, b"0") + line[start + length :]
    path.write_bytes(b"\r\n".join(lines))
    assert value.encode() in path.read_bytes()
    return path


def _unchecked(tmp_path: Path, **roles: tuple[str, ...]) -> Mapping:
    """The AW319 mapping with roles rebound *without* the loader's checks: what a mapping that
    slipped past them (or a future loader bug) would hand the engine."""
    m = load_mapping("aw319_coordination")
    extra = tuple(f for ids in roles.values() for f in ids if f not in m.allowlist["04"])
    allowlist = {**m.allowlist, "04": extra + m.allowlist["04"]}
    return dataclasses.replace(
        m, allowlist=allowlist, fields={**m.fields, **roles}, path=tmp_path / "unchecked.toml"
    )


def _clean(result: Result, *needles: str) -> str:
    """stderr + stdout of ``result``, asserted free of a traceback and of ``needles``."""
    text = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in text and "ValidationError" not in text
    assert "input_value" not in text
    for needle in needles:
        assert needle not in text
    return text


# ------------------------------------------------------------------ the loader refuses


@pytest.mark.parametrize(
    ("field_id", "name"),
    [("0411", "INDICATIEBESLUITNUMMER"), ("0410", "INDICATIE-AANVRAAGNUMMER")],
)
def test_role_on_client_linked_field_is_refused(tmp_path: Path, field_id: str, name: str) -> None:
    """AW319 0410/0411 are not flagged ``patient`` in the layout, but lead back to a client."""
    path = _aw319_mapping(tmp_path, f'"{field_id}", ', provider=f'"{field_id}"')
    with pytest.raises(MappingError, match=rf"field {field_id} \({name}.*({REFUSED})"):
        load_mapping(str(path))


def test_client_linked_field_in_allowlist_alone_is_refused(tmp_path: Path) -> None:
    """Not bound to any role, still not read: the engine would slice it."""
    path = _aw319_mapping(tmp_path, '"0411", ')
    with pytest.raises(MappingError, match=rf"0411.*({REFUSED})"):
        load_mapping(str(path))


@pytest.mark.parametrize(
    ("allow", "role", "value", "needs"),
    [
        ('"0418", ', "provider", '"0418"', "AGB code"),  # N of length 4 is no AGB code
        ("", "provider", '["0112", "0404"]', "AGB code"),  # any of the provider fields
        ("", "insurer", '["0112"]', "UZOVI"),  # N of length 8 is no UZOVI number
        ("", "amount", '"0418"', "amount"),  # a count is no amount
        ("", "quantity", '"0417"', "count"),  # an AN code is no count
        ("", "date", '"0418"', "date"),
        ("", "debit_credit", '"0416"', "debit/credit"),
    ],
)
def test_role_on_ill_fitting_field_is_refused(
    tmp_path: Path, allow: str, role: str, value: str, needs: str
) -> None:
    path = _aw319_mapping(tmp_path, allow, **{role: value})
    with pytest.raises(MappingError, match=rf"does not fit role {role}: it needs .*{needs}"):
        load_mapping(str(path))


def test_comment_record_is_refused(tmp_path: Path) -> None:
    text = (mappings_dir() / "lumpsum" / "aw319_coordination.toml").read_text()
    path = tmp_path / "comment.toml"
    path.write_text(text.replace('"99" = [', '"98" = ["9803"]\n"99" = ['))
    with pytest.raises(MappingError, match="free text"):
        load_mapping(str(path))


def test_mapping_name_the_record_cannot_hold_is_refused(tmp_path: Path) -> None:
    text = (mappings_dir() / "lumpsum" / "aw319_coordination.toml").read_text()
    path = tmp_path / "long.toml"
    path.write_text(text.replace('name = "aw319_coordination"', f'name = "{"x" * 41}"'))
    with pytest.raises(MappingError, match=r"mapping\.name"):
        load_mapping(str(path))


def test_cli_refuses_bad_mapping_with_exit_2(tmp_path: Path) -> None:
    """The reviewer's case: provider bound to 0411; a clear message, exit 2, nothing read."""
    claims = _claims_with(tmp_path, "0411", SECRET)
    mapping = _aw319_mapping(tmp_path, '"0411", ', provider='"0411"')
    out = tmp_path / "x.csv"
    args = ["lumpsum", str(claims), "--mapping", str(mapping), "-o", str(out), "--to", "csv"]
    result = CliRunner().invoke(cli, args)
    text = _clean(result, SECRET)
    assert result.exit_code == 2
    assert "0411" in text and re.search(REFUSED, text)
    assert not out.exists()


def test_shipped_mappings_still_load() -> None:
    for name in ("ha304_oi", "aw319_coordination", "pm304_network"):
        load_mapping(name)


# ------------------------------------------------------------------ the engine never raises


def test_value_the_record_cannot_hold_is_a_coded_issue(tmp_path: Path) -> None:
    """A 9-digit number in the provider role (past the loader): M003 at line and field, the
    line is not counted, ``records()`` does not raise, no message repeats the value."""
    claims = _claims_with(tmp_path, "0411", SECRET)
    records, issues = lump_sums([claims], _unchecked(tmp_path, provider=("0411",)))
    assert records == []
    assert issues and {i.code for i in issues} == {"M003"}
    start = _field("AW319", "0411")["start"]
    for item in issues:
        loc = item.location
        assert loc.file == str(claims) and loc.line and loc.line > 1
        assert (loc.record_type, loc.field, loc.column) == ("04", "0411", start)
        assert "AGB" in item.message
        assert SECRET not in str(item) and SECRET not in repr(item)


def test_record_construction_is_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a group that got past the per-line check: left out with an issue, no exception."""
    claims = _claims_with(tmp_path, "0411", SECRET)
    engine = LumpSumEngine(_unchecked(tmp_path, provider=("0411",)))
    monkeypatch.setattr(LumpSumEngine, "_unfit_elements", lambda self, group: ())
    assert engine.feed_all([claims]) == []  # nothing checked while reading: groups hold it
    assert engine.records() == []
    assert engine.record_issues and {i.code for i in engine.record_issues} == {"M003"}
    for item in engine.record_issues:
        assert item.location.field == "0411" and item.location.line
        assert SECRET not in str(item)
    assert engine.files[0].errors == len(engine.record_issues)


@pytest.mark.parametrize("to", ["csv", "json", "ndjson", "xml"])
def test_cli_out_of_range_value_no_traceback_no_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to: str
) -> None:
    claims = _claims_with(tmp_path, "0411", SECRET)
    unchecked = _unchecked(tmp_path, provider=("0411",))
    monkeypatch.setattr("resv_edi.cli.lumpsum.load_mapping", lambda name: unchecked)
    out = tmp_path / f"x.{to}"
    args = ["lumpsum", str(claims), "--mapping", "any", "-o", str(out), "--to", to]
    result = CliRunner().invoke(cli, args)
    text = _clean(result, SECRET)
    assert result.exit_code == 1
    assert "M003" in text and "field 0411" in text and "AGB" in text
    assert not out.exists()
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())


def test_cli_internal_error_shows_no_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug inside (an exception whose text holds a claim value): type and place only."""
    claims = tmp_path / "aw.ei"
    write_claims(claims, "AW319", 10, seed=5)

    def boom(self: LumpSumEngine) -> list[Any]:
        raise ValueError(f"invalid literal for int(): {SECRET!r}")

    monkeypatch.setattr(LumpSumEngine, "records", boom)
    out = tmp_path / "x.csv"
    args = ["lumpsum", str(claims), "--mapping", "aw319_coordination", "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, "--to", "csv"])
    text = _clean(result, SECRET)
    assert result.exit_code == 2
    assert "internal error: ValueError" in text
    assert not out.exists()


def test_unknown_record_type_is_not_echoed(tmp_path: Path) -> None:
    """Two bytes of a shifted record may be patient data: the issue lists the known types."""
    claims = tmp_path / "aw.ei"
    write_claims(claims, "AW319", 10, seed=6)
    lines = claims.read_bytes().split(b"\r\n")
    i = next(i for i, line in enumerate(lines) if line.startswith(b"02"))
    lines[i] = b"Qz" + lines[i][2:]
    claims.write_bytes(b"\r\n".join(lines))
    out = tmp_path / "x.csv"
    args = ["lumpsum", str(claims), "--mapping", "aw319_coordination", "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, "--to", "csv"])
    text = _clean(result, "Qz")
    assert result.exit_code == 1
    assert f"{claims}:{i + 1}" in text and "E003" in text
