"""Hostile JSON documents and NDJSON files through ``resv-edi validate``.

Each case gives exit 1 or 2 with a coded, positioned issue; never a traceback, a file read
besides the input, a network request, unbounded memory or time (see ``conftest.validate``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from resv_edi.formats.registry import get_format
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE

from .conftest import positioned, validate

Edit = Callable[[bytes], bytes]


def message(fmt: str, n: int = 5) -> bytes:
    out = io.BytesIO()
    get_format(fmt).writer(generate_declaration(n, seed=3), out, DECLARATIE)
    return out.getvalue()


def in_bedrag(text: bytes) -> Edit:
    """Put ``text`` as the value of the first Bedrag (the old value becomes a key X)."""
    return lambda doc: doc.replace(b'"Bedrag":', b'"Bedrag":' + text + b',"X":', 1)


def in_werkgebied(text: bytes) -> Edit:
    return lambda doc: doc.replace(b'"Werkgebied":"', b'"Werkgebied":"' + text, 1)


def nested_line(doc: bytes, inner: bytes) -> bytes:
    """The second line (NDJSON) replaced by ``inner``."""
    lines = doc.split(b"\n")
    lines[1] = inner
    return b"\n".join(lines)


COMMON: dict[str, Edit] = {
    "huge_float_1e400": in_bedrag(b"1e400"),
    "huge_exponent": in_bedrag(b"1e999999999"),  # was: int(Decimal) for minutes
    "exponent_overflow": in_bedrag(b"1e99999999999999999999"),  # was: decimal.InvalidOperation
    "tiny_exponent": in_bedrag(b"-1e-99999999"),
    "integer_10000_digits": in_bedrag(b"9" * 10_000),
    "negative_10000_digits": in_bedrag(b"-" + b"9" * 10_000),
    "nan": in_bedrag(b"NaN"),
    "infinity": in_bedrag(b"-Infinity"),
    "duplicate_key_in_record": lambda d: d.replace(b'"Bedrag":', b'"Bedrag":1,"Bedrag":', 1),
    "lone_surrogate": in_werkgebied(b"\\ud800"),
    "lone_low_surrogate": in_werkgebied(b"\\udc00x"),
    "invalid_utf8": in_werkgebied(b"\xff\xfe"),
    "overlong_utf8": in_werkgebied(b"\xc0\xaf"),
    "nul_in_string": in_werkgebied(b"\x00"),
    "nul_between_tokens": lambda d: d.replace(b'"Bedrag":', b'"Bedrag":\x00', 1),
    "truncated": lambda d: d[: len(d) * 2 // 3],
    "empty": lambda d: b"",
    "whitespace_only": lambda d: b" \n\t\r\n",
    "garbage": lambda d: bytes(range(256)) * 8,
}

JSON_ONLY: dict[str, Edit] = {
    "deep_array_100000": lambda d: d.replace(b'"Bedrag":', b'"Bedrag":' + b"[" * 100_000, 1),
    "deep_object_100000": lambda d: d.replace(b'"Bedrag":', b'"Bedrag":' + b'{"a":' * 100_000, 1),
    "deep_unknown_member": lambda d: d.replace(
        b'{"Declaratiebericht": {', b'{"Declaratiebericht": {"X":' + b"[" * 100_000, 1
    ),
    "duplicate_key_top_level": lambda d: (
        d.rstrip().removesuffix(b"}") + b',"Declaratiebericht":{}}'
    ),
    "duplicate_member": lambda d: d.replace(b'"Prestaties": [', b'"Header":{},"Prestaties": [', 1),
    "string_50mb": in_werkgebied(b"A" * 50 * 1024 * 1024),
    "string_50mb_escaped_quotes": in_werkgebied(b'AAAAAAAAAA\\"' * 4 * 1024 * 1024),
    "array_not_object": lambda d: b"[" + d + b"]",
    "second_document": lambda d: d + d,
}

NDJSON_ONLY: dict[str, Edit] = {
    "deep_array_first_line": lambda d: b"[" * 100_000 + b"\n" + d,
    "deep_array_line": lambda d: nested_line(d, b'{"Prestatie":' + b"[" * 100_000),
    "deep_object_line": lambda d: nested_line(d, b'{"Prestatie":' + b'{"a":' * 100_000),
    "duplicate_line_key": lambda d: d.replace(b'{"Prestatie":', b'{"Prestatie":{},"Prestatie":', 1),
    "duplicate_key_spaced": lambda d: d.replace(b'"Bedrag":', b'"Bedrag" :1,"Bedrag"\t:', 1),
    "duplicate_key_in_header": lambda d: d.replace(b'"Valuta":', b'"Valuta":"USD","Valuta":', 1),
    "line_50mb": lambda d: nested_line(d, b'{"Prestatie":{"Omschrijving":"' + b"A" * 50 * 2**20),
    "not_an_object": lambda d: nested_line(d, b"[1, 2, 3]"),
}


def _write(tmp_path: Path, fmt: str, edit: Edit) -> Path:
    target = tmp_path / f"hostile.{fmt}"
    target.write_bytes(edit(message(fmt)))
    return target


@pytest.mark.parametrize("name", sorted({**COMMON, **JSON_ONLY}))
def test_hostile_json_document(name: str, tmp_path: Path) -> None:
    edit = {**COMMON, **JSON_ONLY}[name]
    outcome = validate(_write(tmp_path, "json", edit), "--format", "json")
    assert all(positioned(i) for i in outcome.issues if i["code"][0] in "FJLE")


@pytest.mark.parametrize("name", sorted({**COMMON, **NDJSON_ONLY}))
def test_hostile_ndjson(name: str, tmp_path: Path) -> None:
    edit = {**COMMON, **NDJSON_ONLY}[name]
    outcome = validate(_write(tmp_path, "ndjson", edit), "--format", "ndjson")
    assert all(positioned(i) for i in outcome.issues if i["code"][0] in "FJLE")


@pytest.mark.parametrize(
    ("fmt", "name", "codes"),
    [
        ("json", "deep_array_100000", {"L001"}),
        ("json", "deep_object_100000", {"L001"}),
        ("json", "huge_float_1e400", {"L001"}),
        ("json", "huge_exponent", {"L001"}),
        ("json", "integer_10000_digits", {"L001"}),
        ("json", "nan", {"J001"}),
        ("json", "infinity", {"J001"}),
        ("json", "duplicate_key_in_record", {"J004"}),
        ("json", "duplicate_member", {"J004"}),
        ("json", "duplicate_key_top_level", {"J003"}),
        ("json", "lone_surrogate", {"J001"}),
        ("json", "lone_low_surrogate", {"J001"}),
        ("json", "invalid_utf8", {"J001"}),
        ("json", "string_50mb", {"L001"}),
        ("json", "string_50mb_escaped_quotes", {"L001"}),
        ("json", "empty", {"F003"}),
        ("ndjson", "duplicate_key_in_record", {"J004"}),
        ("ndjson", "duplicate_line_key", {"J004"}),
        ("ndjson", "duplicate_key_spaced", {"J004"}),
        ("ndjson", "duplicate_key_in_header", {"J004"}),
        ("ndjson", "huge_float_1e400", {"J002"}),
        ("ndjson", "integer_10000_digits", {"J002"}),
        ("ndjson", "nan", {"J002"}),
        ("ndjson", "lone_surrogate", {"J002"}),
        ("ndjson", "invalid_utf8", {"J002"}),
        ("ndjson", "nul_in_string", {"J002"}),
        ("ndjson", "deep_array_line", {"J002"}),
        ("ndjson", "line_50mb", {"L001"}),
        ("ndjson", "empty", {"F003"}),
    ],
)
def test_hostile_json_code(fmt: str, name: str, codes: set[str], tmp_path: Path) -> None:
    """The specific code for each kind of hostile input."""
    edit = {**COMMON, **JSON_ONLY, **NDJSON_ONLY}[name]
    outcome = validate(_write(tmp_path, fmt, edit), "--format", fmt)
    assert outcome.codes & codes, outcome.codes


def test_ndjson_duplicate_key_is_positioned(tmp_path: Path) -> None:
    """J004 names the line and the key; the record is not used (as in the JSON reader)."""
    target = _write(tmp_path, "ndjson", COMMON["duplicate_key_in_record"])
    outcome = validate(target)
    j004 = [i for i in outcome.issues if i["code"] == "J004"]
    assert [(i["location"]["line"], i["location"]["path"]) for i in j004] == [
        (2, "/Prestatie/Bedrag")
    ]


def test_bad_ndjson_line_among_many_good_ones(tmp_path: Path) -> None:
    """Line 5001 of 10 000 is broken: it is reported with its number, the others are checked
    (an error planted in line 9000 is found too)."""
    lines = message("ndjson", 10_000).split(b"\n")
    lines[5000] = lines[5000][:40]
    lines[9000] = lines[9000].replace(b'"Werkgebied":"', b'"Werkgebied":"' + b"W" * 200, 1)
    target = tmp_path / "many.ndjson"
    target.write_bytes(b"\n".join(lines))
    outcome = validate(target)
    found = {(i["code"], i["location"].get("line")) for i in outcome.issues}
    assert ("J002", 5001) in found
    assert any(code.startswith("S") and line == 9001 for code, line in found), found
    assert outcome.exit_code == 1
    assert outcome.payload["files"][0]["lines"] == 9_999


def test_json_bom_is_ignored(tmp_path: Path) -> None:
    """A UTF-8 BOM before a JSON document is ignored, as in NDJSON (RFC 8259 allows it)."""
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + message("json"))
    from resv_edi.api import check_file

    assert check_file(bom).issues == []


def test_ndjson_bom_is_ignored(tmp_path: Path) -> None:
    """A UTF-8 BOM before an NDJSON file is ignored (RFC 8259 §8.1 allows it): same result."""
    plain = tmp_path / "plain.ndjson"
    plain.write_bytes(message("ndjson"))
    bom = tmp_path / "bom.ndjson"
    bom.write_bytes(b"\xef\xbb\xbf" + message("ndjson"))
    from resv_edi.api import check_file

    assert check_file(bom).issues == [] and check_file(plain).issues == []


def test_json_surrogate_pair_is_accepted(tmp_path: Path) -> None:
    """A valid surrogate pair is one character (the lone-surrogate guard leaves it alone)."""
    from resv_edi.api import read

    target = tmp_path / "pair.json"
    target.write_bytes(in_werkgebied(b"\\ud83d\\ude00")(message("json")))
    assert not any(getattr(i, "code", "").startswith("J") for i in read(target))


def test_ndjson_duplicate_screen_has_no_false_alarms(tmp_path: Path) -> None:
    """Lines written by other writers (spaces, escapes, colons and quotes in text) that hold no
    duplicate key give no J004; the same lines with one duplicate key do."""
    import json

    lines = [json.loads(line) for line in message("ndjson").splitlines()]
    lines[1]["Prestatie"]["Omschrijving"] = 'Overleg: "wijk": 12:30 \\": x'
    spaced = b"\n".join(json.dumps(obj, indent=None).encode() for obj in lines) + b"\n"
    target = tmp_path / "spaced.ndjson"
    target.write_bytes(spaced)
    from resv_edi.api import check_file

    assert "J004" not in {i.code for i in check_file(target).issues}
    target.write_bytes(spaced.replace(b'"Bedrag": ', b'"Bedrag" : 5, "Bedrag": ', 1))
    assert "J004" in {i.code for i in check_file(target).issues}


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda line: line.replace(b'"Bedrag":', b'"Bedrag": x', 1), "J001"),
        (lambda line: line.replace(b'"Bedrag":', b'"Bedrag":' + b"9" * 5000, 1), "L001"),
        (lambda line: line.replace(b'"Omschrijving":"', b'"Omschrijving":"\\ud800', 1), "J001"),
    ],
    ids=["bad_char", "long_number", "lone_surrogate"],
)
def test_json_document_fatal_issue_has_its_line(tmp_path: Path, edit: Edit, code: str) -> None:
    """A syntax error or refused token deep in a JSON document is reported at its line."""
    lines = message("json", 400).split(b"\n")
    n = next(i for i in range(300, len(lines)) if b'"Omschrijving":"' in lines[i])
    lines[n] = edit(lines[n])
    target = tmp_path / "deep.json"
    target.write_bytes(b"\n".join(lines))
    outcome = validate(target)
    fatal = [i for i in outcome.issues if i["code"] == code]
    assert fatal and fatal[0]["location"]["line"] == n + 1, outcome.issues


@pytest.mark.parametrize(("depth", "code"), [(40, "L001"), (20, "S002")])
def test_ndjson_nesting_is_bounded_by_max_depth(tmp_path: Path, depth: int, code: str) -> None:
    """NDJSON lines are held to ``max_depth`` (32), not only to orjson's own 1024."""
    lines = message("ndjson").split(b"\n")
    nested = b"[" * depth + b"1" + b"]" * depth
    lines[2] = lines[2].replace(b'"Werkgebied":', b'"Werkgebied":' + nested + b',"X":', 1)
    target = tmp_path / "deep.ndjson"
    target.write_bytes(b"\n".join(lines))
    outcome = validate(target)
    found = [i for i in outcome.issues if i["code"] == code]
    assert found and found[0]["location"]["line"] == 3, outcome.issues
    assert ("L001" in outcome.codes) == (code == "L001")


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        (b'{"Declaratiebericht": {\n"Header": {"BerichtCode": "901",\n x }}}', 3),
        (b'{"Declaratiebericht": {\n"Header": {\n', 2),  # ends early: its last line
        (b'{"Declaratiebericht": {\n"Header": {"BerichtCode": 01\n}}}', 2),
        (b'{\n"Declaratiebericht":\n{\n"Header":\n{"A": tru }}}', 5),
        (b"\n\n[1, 2]", 3),
    ],
)
def test_json_syntax_error_line_in_a_small_document(tmp_path: Path, doc: bytes, line: int) -> None:
    target = tmp_path / "small.json"
    target.write_bytes(doc)
    outcome = validate(target, "--format", "json")
    assert [i["location"].get("line") for i in outcome.issues] == [line], outcome.issues


def test_refused_value_in_a_large_document_is_found_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the reader refuses (not a syntax error) is placed by its record's pointer,
    without parsing the document a second time."""
    from resv_edi.formats.json import document

    def second_pass(*args: object) -> None:
        raise AssertionError("a refused value must not start the second parse")

    monkeypatch.setattr(document, "_error_line", second_pass)
    lines = message("json", 3000).split(b"\n")
    lines[1000] = lines[1000].replace(b'"Bedrag":', b'"Bedrag":1e40,"X":', 1)
    target = tmp_path / "exp.json"
    target.write_bytes(b"\n".join(lines))
    outcome = validate(target)
    (limit,) = [i for i in outcome.issues if i["code"] == "L001"]
    assert limit["location"]["path"].startswith("/Declaratiebericht/Prestaties/")
