"""The JSON reader's byte guard (``formats/json/document._Guard``) skips its scans for digit
runs and quote-free runs in a chunk whose every window holds a quote; it refuses exactly what
it refuses with the scans forced, at the same place, and carries the same state into the next
chunk."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resv_edi.formats.json import document
from resv_edi.formats.json.document import MAX_DIGITS, _Guard

#: pieces a stream is built from: quotes, escaped quotes and backslashes, digits, surrogate
#: escapes (lone and paired), white space, and long runs of each around the limits
PIECES = st.one_of(
    st.sampled_from(
        [b'"', b'\\"', b"\\\\", b'\\\\"', b"\\u", b"\\ud800", b"\\udc00", b"\\ud83d\\ude00"]
    ),
    st.sampled_from([b"a", b"1", b" ", b"\n", b":", b",", b"{", b"}"]),
    st.builds(
        lambda piece, n: piece * n,
        st.sampled_from([b"9", b"x", b" ", b'"a', b"1,", b"\n"]),
        st.integers(1, MAX_DIGITS + 50),
    ),
)


def _outcome(chunks: list[bytes], max_field_length: int, scan: bool) -> tuple[object, ...]:
    """What the guard does with ``chunks`` (read one by one): the bytes it passed on, the
    refusal (message and line) if any, and its state after each chunk."""
    guard = _Guard(io.BytesIO(b"".join(chunks)), max_field_length)
    passed, states = [], []
    refused: tuple[str, int | None] | None = None
    with pytest.MonkeyPatch.context() as patch:
        if scan:
            patch.setattr(document, "every_window_holds", lambda data, byte, width: False)
        for chunk in [*chunks, b""]:
            buffer = bytearray(max(len(chunk), 1))
            try:
                got = guard.readinto(buffer)
            except ValueError as exc:
                refused = (str(exc), guard.error_line)
                break
            passed.append(bytes(buffer[:got]))
            states.append((guard._digits, guard._no_quote, guard._tail))
    return b"".join(passed), refused, states


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(PIECES, max_size=40),
    cuts=st.lists(st.integers(1, 9000), min_size=1, max_size=6),
    max_field_length=st.sampled_from([0, 3, 40, 700, 4096]),
)
def test_skipped_scans_change_nothing(
    pieces: list[bytes], cuts: list[int], max_field_length: int
) -> None:
    data = b"".join(pieces)
    chunks, at, i = [], 0, 0
    while at < len(data):  # the stream cut into chunks of the sizes drawn, in turn
        size = cuts[i % len(cuts)]
        chunks.append(data[at : at + size])
        at, i = at + size, i + 1
    assert _outcome(chunks, max_field_length, False) == _outcome(chunks, max_field_length, True)


@pytest.mark.parametrize(
    ("data", "refused"),
    [
        (b'"' + b"7" * (MAX_DIGITS + 1) + b'"', "digits"),  # a digit run in one chunk
        (b'"a' * 3000 + b"7" * (MAX_DIGITS + 1), "digits"),
        (b'"a' * 3000 + b" " * 30_000 + b'"', "delimiter"),  # past 6 * 4096 + 64 bytes
        (b'"a\\"' * 10_000, None),  # escaped quotes every few bytes: quoted windows
        (b'"a\\"' + b'b\\"' * 9_000, "delimiter"),  # only escaped quotes: a runaway string
    ],
)
def test_refusals_within_a_chunk(data: bytes, refused: str | None) -> None:
    """Runs inside one 64 KiB chunk are still found where every other window holds a quote."""
    got = _outcome([data], 4096, False)
    assert got == _outcome([data], 4096, True)
    if refused is None:
        assert got[1] is None
    else:
        assert got[1] is not None and refused in got[1][0]
