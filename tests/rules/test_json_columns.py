"""``json_columns.raw_columns`` says a decoded block hid nothing only when that is so: no key
written twice (msgspec keeps the last), no lone surrogate escape; and it does not send a
plain block (no null, no escape, no key twice) the exact way, whatever colons its texts
hold. The colon count is compared with the keys decoded first; the texts' colons are
counted only when the two differ."""

from __future__ import annotations

import json
from typing import Any, Literal, get_args, get_origin

import msgspec
from hypothesis import event, given, settings
from hypothesis import strategies as st

from resv_edi.model.declaratie import Prestatie
from resv_edi.rules import json_columns
from resv_edi.rules.json_columns import WRAPPED, decode, raw_columns, unwrap

ALIASES = [f.alias or a for a, f in Prestatie.model_fields.items()]


def _codes(annotation: Any) -> tuple[str, ...]:
    """The codes of a struct field decoded as a ``Literal`` (else none)."""
    for arg in get_args(annotation):
        if get_origin(arg) is Literal:
            return get_args(arg)
    return ()


#: key -> its codes, for the fields decoded as their code list (another value fails the decode)
CODES = {f.encode_name: _codes(f.type) for f in msgspec.structs.fields(json_columns.LineStruct)}
_texts = st.text(alphabet=st.sampled_from('ab :"\\\u00e9'), max_size=6)
_values = st.one_of(st.none(), st.integers(-5, 10**6), _texts)


def _value(key: str) -> st.SearchStrategy[Any]:
    codes = CODES[key]
    return st.one_of(st.none(), st.sampled_from(codes)) if codes else _values


#: one member: (key, value, escaped key); a surrogate escape only in a free text
_members = st.sampled_from(ALIASES).flatmap(
    lambda key: st.tuples(st.just(key), _value(key), st.booleans())
)
_lines = st.lists(st.lists(_members, max_size=6), min_size=1, max_size=6)


def _line(members: list[tuple[str, Any, bool]], surrogate: bool) -> bytes:
    parts = []
    for key, value, escaped in members:
        name = json.dumps(key) if not escaped else f'"\\u{ord(key[0]):04x}{key[1:]}"'
        text = json.dumps(value, ensure_ascii=False)
        if surrogate and isinstance(value, str) and not CODES[key]:
            text = text[:-1] + '\\udc00"'
        parts.append(f"{name}:{text}")
    return ('{"Prestatie":{' + ",".join(parts) + "}}").encode()


@settings(max_examples=300, deadline=None)
@given(lines=_lines, surrogate=st.booleans())
def test_hidden_never_clean(lines: list[list[tuple[str, Any, bool]]], surrogate: bool) -> None:
    encoded = [_line(members, surrogate) for members in lines]
    joined = b",".join(encoded)
    wrapped = decode(WRAPPED, joined)
    if wrapped is None:
        event("not decodable")
        return  # not decodable: the block goes the exact way anyway
    found = raw_columns(list(map(unwrap, wrapped)), joined, len(encoded))
    twice = any(len({k for k, _, _ in m}) != len(m) for m in lines)
    lone = surrogate and any(isinstance(v, str) and not CODES[k] for m in lines for k, v, _ in m)
    if twice or lone:
        assert found is None
    plain = not any(v is None or esc for m in lines for _, v, esc in m)
    if plain and not twice and b"\\" not in joined:
        assert found is not None  # colons in texts, as many as written: clean
    if found is not None:  # the columns are the lines' values, the distinct ones a column's
        columns, distinct = found
        for n, members in enumerate(lines):
            given_values = {json_columns._ATTRS[ALIASES.index(k)]: v for k, v, _ in members}
            for attr, column in columns.items():
                assert column[n] == given_values.get(attr)
        assert all(set(d) == set(columns[a]) for a, d in distinct.items())


def test_texts_looked_at_only_when_counts_differ(monkeypatch: Any) -> None:
    """No null, no key twice: the texts' colons are not counted; a null makes the counts
    differ, and then they are (and make up the difference when they hold colons)."""
    calls: list[int] = []
    count = json_columns._text_colons

    def spy(columns: Any, distinct: Any) -> int:
        calls.append(1)
        return count(columns, distinct)

    monkeypatch.setattr(json_columns, "_text_colons", spy)
    plain = b'{"Prestatie":{"Omschrijving":"a","Bedrag":1}}'
    with_colon = b'{"Prestatie":{"Omschrijving":"a:b:c","Bedrag":1}}'
    with_null = b'{"Prestatie":{"Omschrijving":"a","Bedrag":1,"Toelichting":null}}'
    for joined, expect_call, clean in (
        (plain, False, True),
        (with_colon, True, True),
        (with_null, True, False),
        (b",".join((with_colon, with_null)), True, False),
    ):
        calls.clear()
        wrapped = decode(WRAPPED, joined)
        assert wrapped is not None
        found = raw_columns(list(map(unwrap, wrapped)), joined, len(wrapped))
        assert (found is not None) is clean
        assert bool(calls) is expect_call
