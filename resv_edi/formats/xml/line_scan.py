"""Runs of canonical lines in an XML declaratie, found in the bytes before the parser reads them.

:class:`LineScan` is the stream the XML reader's parser reads (a :data:`LineFilter`). It follows
the document with a small tokenizer (enough to know where the parser will be for well-formed
input; anything it does not know ends the scanning and the rest is handed on untouched) and,
inside the lines container, matches runs of lines written in the canonical shape: the line
element without attributes holding field elements in the schema's order, each with plain text
(the five predefined entities at most), white space between them. A run is offered to a
``judge`` with the reader's progress; when the judge takes it (it has checked the lines
itself), the parser gets a comment with the same line breaks and last column instead, so that
everything after keeps its place; otherwise the parser gets the run as it is, and the exact
reader explains it. The parser reads nothing ahead: a run is judged only after every byte
before it has been parsed and its entries checked.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, islice, repeat
from operator import sub
from typing import IO, Any

from resv_edi.formats.xml.reader import ReadProgress
from resv_edi.model.messages import MessageKind

#: most lines offered in one run
BLOCK = 2048
#: fewest lines of a run split after the judge refused it (smaller runs go to the parser)
SMALL = 16
#: bytes decoded at once to find a run
WINDOW = 2 * 1024 * 1024
#: longest markup token (tag, comment, ...) followed; a longer one ends the scanning
TOKEN_MAX = 64 * 1024
#: most tokens followed outside the lines (or inside one element in the container)
TOKENS_MAX = 20_000
_READ = 1024 * 1024

# possessive (``*+``): what follows each part (``<``) is never in it, so the meaning is the
# same and the matcher keeps no backtracking points (a quarter faster)
_WS = "[ \t\n\r]*+"
_CHAR = "[^<&\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
#: the text of a field: characters XML allows as they are, and the predefined entities
_TEXT = f"(?:{_CHAR}*+(?:&(?:amp|lt|gt|quot|apos);{_CHAR}*+)*+)"
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))

_TOKEN = re.compile(
    rb"""(?P<text>[^<]+)
    |(?P<comment><!--.*?-->)
    |(?P<pi><\?.*?\?>)
    |(?P<cdata><!\[CDATA\[.*?\]\]>)
    |</(?P<end>[^\s/>]+)[ \t\r\n]*>
    |<(?P<start>[^\s/>!?]+)(?P<attrs>(?:[ \t\r\n]+[^\s=/>]+[ \t\r\n]*=[ \t\r\n]*
        (?:"[^"<]*"|'[^'<]*'))*)[ \t\r\n]*(?P<empty>/?)>""",
    re.S | re.X,
)
_ATTR = re.compile(rb"""([^\s=/>]+)[ \t\r\n]*=[ \t\r\n]*(?:"([^"<]*)"|'([^'<]*)')""")

_OUTSIDE, _LINES, _PASS = 0, 1, 2  # scanning modes
_OPEN, _LINE, _OTHER = 0, 1, 2  # what came last in the lines container


@dataclass(frozen=True, slots=True)
class LineRun:
    """Canonical lines offered to the judge: their texts by element (element name -> the
    text of each line, ``None`` where a line lacks the element) and the source line of each
    line's start tag."""

    columns: dict[str, list[str | None]]
    lines: list[int]
    longest: int  # characters of the longest line element (a bound for every text)

    def __len__(self) -> int:
        return len(self.lines)


Judge = Callable[[LineRun, ReadProgress], bool]


@cache
def _line_pattern(line: str, names: tuple[str, ...]) -> re.Pattern[str]:
    """A canonical line, then white space; the last (empty) group marks the line's end."""
    fields = "".join(f"(?:{_WS}<{n}>({_TEXT})</{n}>)?" for n in names)
    return re.compile(f"<{line}>{fields}{_WS}</{line}>(){_WS}")


class LineScan:
    """The stream the parser reads: ``raw`` with runs of lines the ``judge`` took blanked."""

    def __init__(
        self,
        raw: io.RawIOBase,
        progress: ReadProgress,
        judge: Judge,
        block: int = BLOCK,
        ready: Callable[[], bool] | None = None,
    ) -> None:
        kind: MessageKind = progress.kind
        self.src = io.BufferedReader(raw, _READ)
        self.progress = progress
        self.judge = judge
        self.ready = ready  # False: the caller needs an item first, the next line goes exactly
        self.block = block
        self.limit = block  # lines in the next run (smaller after a refused run)
        self.names = kind.record_class("line").element_names
        self.pattern = _line_pattern(kind.line_element, self.names)
        self.root = kind.root.encode()
        self.namespace = kind.namespace.encode()
        self.container = kind.lines_element.encode()
        self.line_tag = kind.line_element.encode()
        self.line_open = b"<" + self.line_tag + b">"
        self.line_close = "</" + kind.line_element + ">"
        self.width = 1024  # bytes of a line and the white space after it, on average
        self.followers = ("<" + kind.line_element + ">", "</" + kind.lines_element + ">")
        self.buf = b""
        self.i = 0  # scanning position in buf
        self.eof = False
        self.out: list[bytes] = []  # decided bytes, to hand on
        self.line = 1  # source line at position i
        self.mode = _OUTSIDE
        self.stack: list[tuple[bytes, bool]] = []  # open elements: name, plain (no xmlns)
        self.last = _OTHER
        self.tokens = 0  # tokens followed since the last line in the container

    # -- the stream ------------------------------------------------------------------

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else _READ
        while not self.out:
            if not self._advance(size):
                return b""
        data = b"".join(self.out)
        if len(data) > size:
            self.out = [data[size:]]
            return data[:size]
        self.out = []
        return data

    def _advance(self, size: int) -> bool:
        """Decide some more bytes (into ``out``); False at the end of the input."""
        if self.mode == _PASS:
            rest = self.buf[self.i :]
            self.buf, self.i = b"", 0
            data = rest or self.src.read(size)
            if data:
                self.out.append(data)
            return bool(data)
        if self._at_run() and self._run():
            return True
        return self._tokens(size)

    def _fill(self, need: int) -> None:
        """At least ``need`` bytes from ``i`` in ``buf``, unless the input ends first."""
        while not self.eof and len(self.buf) - self.i < need:
            chunk = self.src.read(max(_READ, need))
            if not chunk:
                self.eof = True
                break
            self.buf = self.buf[self.i :] + chunk
            self.i = 0

    def _give(self, end: int) -> None:
        """Hand on ``buf[i:end]`` as it is."""
        piece = self.buf[self.i : end]
        self.out.append(piece)
        self.line += piece.count(b"\n")
        self.i = end

    def _lost(self) -> None:
        """Something the scanner does not follow: the rest goes to the parser untouched."""
        self.mode = _PASS

    # -- the tokenizer ---------------------------------------------------------------

    def _tokens(self, size: int) -> bool:
        """Hand on tokens up to ``size`` bytes, or up to where a run may start."""
        given = 0
        while self.mode != _PASS:
            self._fill(TOKEN_MAX)
            if self.i >= len(self.buf):
                if self.out:
                    return True
                self.mode = _PASS  # the end: let the parser say what is missing
                return self._advance(size)
            m = _TOKEN.match(self.buf, self.i)
            if m is None:  # longer than TOKEN_MAX, or not XML this scanner follows
                self._lost()
                break
            self._token(m)
            given += m.end() - self.i
            self._give(m.end())
            self.tokens += 1
            if self.tokens > TOKENS_MAX:  # a deep or wide element: the parser's alone
                self._lost()
            elif self.mode == _LINES and len(self.stack) == 2 and self.last == _OPEN:
                break  # the container's start: let the parser read the header first
            elif given >= size or self._at_run():
                break
        return bool(self.out) or self._advance(size)

    def _token(self, m: re.Match[bytes]) -> None:
        kind = m.lastgroup
        stack = self.stack
        level = self.mode == _LINES and len(stack) == 2  # in the lines container
        if kind == "text":
            if level and m.group().strip(b" \t\r\n"):
                self.last = _OTHER
            return
        if kind in ("comment", "pi", "cdata"):
            if level:
                self.last = _OTHER
            return
        name = m.group("start")
        if name is not None:
            attrs = _ATTR.findall(m.group("attrs"))
            plain = b":" not in name and not any(
                a == b"xmlns" or a.startswith(b"xmlns:") for a, _, _ in attrs
            )
            if not stack:
                declared = {a: v1 or v2 for a, v1, v2 in attrs}
                if name != self.root or declared.get(b"xmlns") != self.namespace:
                    self._lost()
                    return
                plain = True
            if m.group("empty"):
                if level:
                    self.last = _OTHER
                return
            stack.append((name, plain))
            if len(stack) == 2 and name == self.container and not attrs:
                self.mode = _LINES
                self.last = _OPEN
            return
        name = m.group("end")
        if not stack or stack[-1][0] != name:
            self._lost()
            return
        closed, plain = stack.pop()
        if len(stack) == 2 and self.mode == _LINES:
            self.last = _LINE if closed == self.line_tag and plain else _OTHER
            self.tokens = 0
        elif len(stack) == 1:
            self.mode = _OUTSIDE
        elif not stack:
            self._lost()  # the root's end: what follows is the parser's

    # -- runs ------------------------------------------------------------------------

    def _at_run(self) -> bool:
        """Whether a run of lines may start here: in the container, after its start or a line."""
        if self.mode != _LINES or len(self.stack) != 2 or self.last == _OTHER:
            return False
        self._fill(len(self.line_open))
        return self.buf.startswith(self.line_open, self.i)

    def _run(self) -> bool:
        """Offer the canonical lines from ``i`` to the judge; False when there are none."""
        one = self.ready is not None and not self.ready()
        limit = 1 if one else self.limit
        span = min(WINDOW, limit * self.width + TOKEN_MAX)  # what the lines may need
        self._fill(span)
        buf, i = self.buf, self.i
        cut = buf.rfind(self.line_close.encode(), i, i + span)
        if cut < 0:
            return False
        stop = cut + len(self.line_close)
        while stop < len(buf) and buf[stop] in b" \t\r\n":
            stop += 1
        stop = min(len(buf), stop + len(self.followers[1]))  # what follows the last line
        text = buf[i:stop].decode("utf-8", "surrogateescape")
        end = len(text)
        # consecutive matches from the start, each where the last ended (C all the way)
        scanner: Any = self.pattern.scanner(text)  # type: ignore[attr-defined]
        found = list(islice(iter(scanner.match, None), limit))
        if found and found[-1].end() >= end:
            found.pop()  # the last line in the window may go on: it is taken next time
        # the last line is followed by another or the container's end: the exact reader keeps
        # the line read last in its tree and looks at it when an unexpected sibling follows
        if found and not text.startswith(self.followers, found[-1].end()):
            found.pop()
        if not found:
            return False
        pos = found[-1].end()
        size = pos if text.isascii() else len(text[:pos].encode("utf-8", "surrogateescape"))
        self.width = max(64, size // len(found))
        if one:  # one line to the parser: its entry lets the caller take the runs so far
            self._give(i + size)
            self.last = _LINE
            self.tokens = 0
            return True
        body = text[: found[-1].start(len(self.names) + 1)]
        if "]]>" in body:
            return False
        starts = list(map(_START, found))
        breaks = map(text.count, repeat("\n"), [0, *starts], starts)
        lines = list(accumulate(breaks, initial=self.line))[1:]
        longest = max(map(sub, [*starts[1:], len(body)], starts))
        texts = zip(*map(_GROUPS, found), strict=True)
        # no ``&`` in the lines: no text holds an entity, the columns are the groups as they are
        as_column: Callable[[tuple[str | None, ...]], list[str | None]] = (
            _texts if "&" in body else list
        )
        columns = dict(zip(self.names, map(as_column, texts), strict=False))
        # the body's line breaks: those before the last line's start are counted above
        newlines = lines[-1] - self.line + text.count("\n", starts[-1], len(body))
        run = LineRun(columns, lines, longest)
        if self.judge(run, self.progress):
            blank = _blank(body, newlines)
            self.out.append(blank)
            self.progress.skip(len(found), len(blank))
            self.line += newlines
            self.i += len(body) if text.isascii() else len(body.encode("utf-8", "surrogateescape"))
            self._give(i + size)  # the white space after the last line, as it is
            self.limit = min(self.block, self.limit * 2)
        elif len(found) > SMALL:
            self.limit = max(SMALL, len(found) // 2)  # split: the clean part is found again
            return self._run()
        else:
            self._give(i + size)
        self.last = _LINE
        self.tokens = 0
        return True


#: an entity or character reference other than the predefined ones: the parser does not stop
#: at an undefined one when entities are not resolved, so what it says next depends on how
#: the document reaches it (see :func:`plain_references`)
_OTHER_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,8}|#x[0-9a-fA-F]{1,8});)")
_OVERLAP = 16


def plain_references(fh: IO[bytes]) -> bool:
    """Whether every ``&`` in the seekable ``fh`` starts a predefined entity or a character
    reference (read to the end, then back at the start)."""
    carry = b""
    try:
        while chunk := fh.read(_READ):
            data = carry + chunk
            limit = max(0, len(data) - _OVERLAP)  # a reference starting later may be cut
            found = _OTHER_REFERENCE.search(data)
            if found and found.start() < limit:
                return False
            carry = data[limit:]
        return not _OTHER_REFERENCE.search(carry)
    finally:
        fh.seek(0)


_START = re.Match.start
_GROUPS = re.Match.groups


def _texts(column: tuple[str | None, ...]) -> list[str | None]:
    """A field's texts, the predefined entities replaced."""
    values = list(column)
    if "&" not in "".join(filter(None, values)):
        return values
    present: list[str] = [value for value in values if value is not None]
    joined = "\0".join(present)  # NUL is in no text, and no entity makes one
    replaced = iter(_unescape(joined).split("\0"))
    return [None if value is None else next(replaced) for value in values]


def _unescape(value: str) -> str:
    for entity, char in _ENTITIES:
        value = value.replace(entity, char)
    return value


def _blank(body: str, breaks: int) -> bytes:
    """A comment as wide as ``body`` (which holds ``breaks`` line breaks): its line breaks and
    the width of its last line."""
    if breaks:
        last = len(body) - body.rfind("\n") - 1
        return b"<!--" + b"\n" * breaks + b" " * (last - 3) + b"-->"
    return b"<!--" + b" " * (len(body) - 7) + b"-->"


def line_scan(
    judge: Judge, block: int = BLOCK, ready: Callable[[], bool] | None = None
) -> Callable[[io.RawIOBase, ReadProgress], Any]:
    """The :data:`~resv_edi.formats.xml.reader.LineFilter` of ``judge``; while ``ready()`` is
    False, lines are handed to the parser (so that its entries come and the caller can pass
    on what it holds)."""

    def wrap(raw: io.RawIOBase, progress: ReadProgress) -> LineScan:
        return LineScan(raw, progress, judge, block, ready)

    return wrap
