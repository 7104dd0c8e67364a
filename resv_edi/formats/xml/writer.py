"""Streaming XML writer: records -> UTF-8 bytes, from escaped string templates.

Values come from validated records, so only text needs escaping (``&``, ``<``, ``>``); codes,
numbers and dates never do. Templates are several times faster than building elements
(see ``benchmarks/``); the output is checked against the XSD in the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from typing import IO, Any

from resv_edi.formats.ordering import RecordOrder
from resv_edi.model.base import Record, field_pairs
from resv_edi.model.columns import LineBlock
from resv_edi.model.messages import DECLARATIE, MessageKind


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _text(value: Any) -> str:
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@cache
def _renderer(cls: type[Record], element: str, indent: str) -> Callable[[Record], str]:
    pairs = field_pairs(cls)
    inner = indent + "  "

    def render(record: Record) -> str:
        parts = [f"{indent}<{element}>\n"]
        values = record.__dict__
        for attr, name in pairs:
            value = values[attr]
            if value is None:
                continue
            if isinstance(value, list):
                parts.extend(f"{inner}<{name}>{_text(v)}</{name}>\n" for v in value)
            else:
                parts.append(f"{inner}<{name}>{_text(value)}</{name}>\n")
        parts.append(f"{indent}</{element}>\n")
        return "".join(parts)

    return render


def _block_texts(block: LineBlock, element: str, indent: str) -> list[str]:
    """The XML text of every line of ``block``, as :func:`_renderer` writes each record:
    each field's distinct values are rendered once."""
    inner = indent + "  "
    n = len(block)
    columns: list[list[str]] = [[f"{indent}<{element}>\n"] * n]
    for attr, name in field_pairs(block.cls):
        values = block.columns[attr]
        try:
            column = _column(values, f"{inner}<{name}>{{}}</{name}>\n")
        except TypeError:  # a repeated element (a list): record by record
            return list(map(_renderer(block.cls, element, indent), block.records()))
        columns.append(column)
    columns.append([f"{indent}</{element}>\n"] * n)
    return list(map("".join, zip(*columns, strict=True)))


_NONE = frozenset({type(None)})


def _column(values: list[Any], template: str) -> list[str]:
    """Each value as its element (``template`` around its text; ``""`` for ``None``); the
    texts of the distinct values made once (TypeError for a list)."""
    if len(set(map(type, values)) - _NONE) > 1:
        raise TypeError("mixed types")  # 1 and True (or 1.0) would be one dictionary key
    distinct = dict.fromkeys(values)
    absent = None in distinct
    if absent:
        del distinct[None]
    keys = list(distinct)
    kinds = set(map(type, keys))
    if kinds == {str}:
        joined = "".join(keys)
        escape = "&" in joined or "<" in joined or ">" in joined
        texts = list(map(_escape, keys)) if escape else keys
    elif kinds == {date}:
        texts = [value.isoformat() for value in keys]
    elif kinds == {int}:
        texts = list(map(str, keys))
    else:
        texts = list(map(_text, keys))
    rendered = list(map(template.format, texts))
    if not absent and len(keys) == len(values):  # all distinct: already in order
        return rendered
    lookup = dict(zip(keys, rendered, strict=True))
    if absent:
        lookup[None] = ""
    return list(map(lookup.__getitem__, values))


def write_xml(
    records: Iterable[Record | LineBlock], out: IO[bytes], kind: MessageKind = DECLARATIE
) -> int:
    """Write ``records`` (header, lines, totals) as one XML message; return the line count.
    Lines may come as :class:`~resv_edi.model.columns.LineBlock` items (the same bytes)."""
    header = _renderer(kind.header, kind.header_element, "  ")
    line = _renderer(kind.line, kind.line_element, "    ")
    totals = _renderer(kind.totals, kind.totals_element, "  ")
    order = RecordOrder(kind)
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<{kind.root} xmlns="{kind.namespace}">\n'.encode())
    buffer: list[str] = []
    for record in records:
        if isinstance(record, LineBlock):
            order.accept_block(record)
            buffer.extend(_block_texts(record, kind.line_element, "    "))
            out.write("".join(buffer).encode())
            buffer.clear()
            continue
        part = order.accept(record)
        if part == "header":
            buffer.append(header(record))
            buffer.append(f"  <{kind.lines_element}>\n")
        elif part == "line":
            buffer.append(line(record))
            if len(buffer) >= 512:
                out.write("".join(buffer).encode())
                buffer.clear()
        else:
            buffer.append(f"  </{kind.lines_element}>\n")
            buffer.append(totals(record))
    order.finish()
    buffer.append(f"</{kind.root}>\n")
    out.write("".join(buffer).encode())
    return order.lines
