"""Streaming, safe XML reader: bytes -> ``Entry`` (header, lines, totals) and ``Issue``.

The parser never resolves entities, never loads a DTD and never touches the network; a
document with a DTD is refused before parsing (``prolog.py``). Records are taken from
``lxml.etree.iterparse`` end events of the record elements only, and every record is cleared
and unlinked after use, so memory stays flat whatever the number of lines.

Structure (element order, unknown or misplaced elements) is checked here, fields by the model
(``bind``); both give issues with the source line and an XPath.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from lxml import etree
from pydantic import ValidationError

from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.formats.source import Prefixed, Source, open_source, source_name
from resv_edi.formats.xml.prolog import PROLOG_MAX, PrologError, read_prolog
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.binding import bind, issues_from_error
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind, Part
from resv_edi.standard.catalogue import issue

#: list-valued fields: element name -> allowed repetitions (others appear at most once)
_REPEATED = {"Retourcode"}


def kind_for_root(root: str, namespace: str | None) -> MessageKind | None:
    for kind in KINDS.values():
        if kind.root == root and kind.namespace == namespace:
            return kind
    return None


def read_xml(
    source: Source,
    kind: MessageKind | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Entry | Issue]:
    """Yield the entries of an XML message, and issues where it is wrong.

    ``kind`` is detected from the root element when not given. A fatal issue ends the
    stream; everything read before it has been yielded.
    """
    name = source_name(source, file)
    where = Location(file=name)
    try:
        with open_source(source, limits) as fh:
            head = fh.read(PROLOG_MAX)
            if not head.strip():
                yield issue("F003", where)
                return
            try:
                prolog = read_prolog(head)
            except PrologError as exc:
                yield issue(exc.code, where.with_(line=exc.line), reason=exc.reason)
                return
            found = kind_for_root(prolog.root, prolog.namespace)
            expected = kind or found or DECLARATIE
            if found is not expected:
                yield issue(
                    "X003",
                    where.with_(line=1, path="/" + prolog.root),
                    found=f"{{{prolog.namespace or ''}}}{prolog.root}",
                    expected=f"{{{expected.namespace}}}{expected.root}",
                )
                return
            yield from _Reader(expected, name, limits).run(Prefixed(head, fh))
    except UnsafeInputError as exc:
        yield issue("L001", where, reason=str(exc))
    except OSError as exc:
        yield issue("F001", where, reason=exc.strerror or str(exc))


class _Reader:
    """The state of one pass over one document."""

    def __init__(self, kind: MessageKind, file: str, limits: Limits) -> None:
        self.kind = kind
        self.file = file
        self.limits = limits
        ns = "{" + kind.namespace + "}"
        self.ns = ns
        self.tags: dict[str, Part] = {ns + kind.element(p): p for p in ("header", "line", "totals")}
        self.root_tag = ns + kind.root
        self.lines_tag = ns + kind.lines_element
        self.orders = {
            part: {n: i for i, n in enumerate(kind.record_class(part).element_names)}
            for part in ("header", "line", "totals")
        }
        self.state = 0  # 0 nothing yet, 1 header seen, 2 totals seen
        self.reported: set[tuple[str, str]] = set()  # structure faults already reported
        self.lines = 0
        # the line fast path: full tag -> (element name, position, repeatable)
        self.line_tag = ns + kind.line_element
        self.line_fields = {
            ns + name: (name, pos, name in _REPEATED) for name, pos in self.orders["line"].items()
        }
        self.line_class = kind.line
        self.line_path = f"/{kind.root}/{kind.lines_element}/{kind.line_element}["
        self.lines_parent: Any = None  # the verified <Prestaties> element

    def run(self, stream: io.RawIOBase) -> Iterator[Entry | Issue]:
        parser = etree.iterparse(
            io.BufferedReader(stream, 1024 * 1024),
            events=("end",),
            tag=[*self.tags, self.root_tag],
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        try:
            line_tag = self.line_tag
            for _event, elem in parser:
                tag = elem.tag
                if tag == line_tag and self.state == 1:
                    fast = self._fast_line(elem)
                    if fast is not None:
                        yield from fast
                        if self.limits.max_records and self.lines > self.limits.max_records:
                            yield issue(
                                "L001",
                                Location(file=self.file, line=elem.sourceline),
                                reason=f"more than {self.limits.max_records} lines",
                            )
                            return
                        continue
                if tag == self.root_tag:
                    yield from self._check_root(elem)
                    continue
                yield from self._record(elem, self.tags[tag])
                if self.limits.max_records and self.lines > self.limits.max_records:
                    yield issue(
                        "L001",
                        Location(file=self.file, line=elem.sourceline),
                        reason=f"more than {self.limits.max_records} lines",
                    )
                    return
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (exc.lineno, None)
            yield issue("X001", Location(file=self.file, line=line, column=column), reason=exc.msg)
        except _LimitExceeded as exc:
            yield issue("L001", exc.location, reason=exc.reason)

    # -- records -------------------------------------------------------------------------

    def _fast_line(self, elem: Any) -> list[Entry | Issue] | None:
        """A well-formed line in its place, read with the fewest checks that prove it so;
        ``None`` sends anything unusual to the full path (:meth:`_record`)."""
        parent = elem.getparent()
        if parent is not self.lines_parent:
            grand = parent.getparent() if parent is not None else None
            if parent is None or parent.tag != self.lines_tag or grand is None:
                return None
            if grand.tag != self.root_tag:
                return None
            self.lines_parent = parent
        if elem.attrib or (elem.text is not None and not elem.text.isspace()):
            return None
        fields = self.line_fields
        max_text = self.limits.max_field_length
        values: dict[str, Any] = {}
        last = -1
        for child in elem:
            info = fields.get(child.tag)
            if info is None:
                return None
            name, pos, repeated = info
            if pos < last or (pos == last and not repeated) or len(child) or child.attrib:
                return None
            tail = child.tail
            if tail is not None and not tail.isspace():
                return None
            text = child.text
            if text is None:
                text = ""
            elif len(text) > max_text:
                return None
            if repeated:
                values.setdefault(name, []).append(text)
            else:
                values[name] = text
            last = pos
        previous = elem.getprevious()
        if previous is not None and (
            previous.tag != self.line_tag
            or previous.getprevious() is not None
            or (previous.tail is not None and not previous.tail.isspace())
        ):
            return None
        self.lines += 1
        index = self.lines
        ref = values.get("Referentienummer")
        location = Location(
            file=self.file,
            line=elem.sourceline,
            path=f"{self.line_path}{index}]",
            record_type=self.kind.line_element,
            reference=ref if isinstance(ref, str) else None,
            index=index,
        )
        items: list[Entry | Issue]
        try:
            record = self.line_class.model_validate(values)
            items = []
        except ValidationError as exc:
            record = None
            items = list(
                issues_from_error(
                    exc, location, lambda n: _field_location(elem, self.ns, n, location)
                )
            )
        elem.clear(keep_tail=False)
        if previous is not None:
            del parent[0]
        items.append(Entry("line", record, location, index, self.kind.name))
        return items

    def _record(self, elem: Any, part: Part) -> Iterator[Entry | Issue]:
        kind = self.kind
        parent = elem.getparent()
        if part == "line":
            self.lines += 1
            index = self.lines
            path = f"/{kind.root}/{kind.lines_element}/{kind.line_element}[{index}]"
            ok_parent = parent is not None and parent.tag == self.lines_tag
            ok_parent = ok_parent and parent.getparent() is not None
            ok_parent = ok_parent and parent.getparent().tag == self.root_tag
        else:
            index = 0
            path = f"/{kind.root}/{kind.element(part)}"
            ok_parent = parent is not None and parent.tag == self.root_tag
        location = Location(
            file=self.file,
            line=elem.sourceline,
            path=path,
            record_type=kind.element(part),
            index=index or None,
        )
        if not ok_parent:
            yield issue(
                "X004",
                location,
                found=kind.element(part),
                parent=_local(parent.tag) if parent is not None else "(none)",
            )
            elem.clear(keep_tail=False)
            return
        yield from self._check_sequence(part, location)

        values, structure = self._values(elem, part, location)
        yield from structure
        if index:
            ref = values.get("Referentienummer")
            if isinstance(ref, str):
                location = location.with_(reference=ref)
        record, problems = bind(
            kind.record_class(part),
            values,
            location,
            locate_field=lambda name: _field_location(elem, self.ns, name, location),
        )
        yield from problems
        yield from self._release(elem, part)
        yield Entry(part, record, location, index, kind.name)

    def _values(
        self, elem: Any, part: Part, location: Location
    ) -> tuple[dict[str, Any], list[Issue]]:
        order = self.orders[part]
        ns, nslen = self.ns, len(self.ns)
        values: dict[str, Any] = {}
        problems: list[Issue] = []
        last = -1
        max_text = self.limits.max_field_length
        if elem.attrib or _has_text(elem.text):
            problems.append(self._content_issue(elem, location))
        for child in elem:
            tag = child.tag
            name = tag[nslen:] if tag.startswith(ns) else None
            pos = order.get(name) if name else None
            if _has_text(child.tail):
                problems.append(self._content_issue(child, location, "text after"))
            if pos is None or len(child):
                where = location.with_(line=child.sourceline, path=f"{location.path}/{_local(tag)}")
                if _depth(child) + 3 > self.limits.max_depth:
                    raise _LimitExceeded(where, f"nesting deeper than {self.limits.max_depth}")
                problems.append(
                    issue("X004", where, found=_local(tag), parent=location.record_type)
                )
                continue
            if child.attrib:
                problems.append(self._content_issue(child, location))
            text = child.text or ""
            if len(text) > max_text:
                where = location.with_(line=child.sourceline, path=f"{location.path}/{name}")
                raise _LimitExceeded(where, f"text of {name} longer than {max_text} characters")
            if name in _REPEATED:
                if pos < last:
                    problems.append(_order_issue(child, name, location))
                values.setdefault(name, []).append(text)
            else:
                if pos <= last:
                    problems.append(_order_issue(child, name, location))
                values[name] = text
            last = pos
        return values, problems

    def _content_issue(self, node: Any, location: Location, what: str = "") -> Issue:
        """Attributes or text where the schema allows only elements."""
        name = _local(node.tag)
        found = (
            f"text after {name}"
            if what
            else (
                f"attribute(s) {' '.join(_local(a) for a in node.attrib)} on {name}"
                if node.attrib
                else f"text in {name}"
            )
        )
        return issue(
            "X004",
            location.with_(line=node.sourceline, path=f"{location.path}/{name}"),
            found=found,
            parent=location.record_type,
        )

    def _release(self, elem: Any, part: Part) -> Iterator[Issue]:
        """Free what was read: clear the record and unlink earlier siblings.

        An earlier sibling that is not a line was never read: it is reported here.
        """
        elem.clear(keep_tail=False)
        if part != "line":
            return
        parent = elem.getparent()
        line_tag = self.ns + self.kind.line_element
        while (previous := elem.getprevious()) is not None:
            if _has_text(previous.tail):
                yield self._content_issue(
                    previous, Location(file=self.file, path=f"/{self.kind.root}"), "text after"
                )
            if previous.tag != line_tag:
                name = _local(previous.tag)
                yield issue(
                    "X004",
                    Location(
                        file=self.file,
                        line=previous.sourceline,
                        path=f"/{self.kind.root}/{self.kind.lines_element}/{name}",
                    ),
                    found=name,
                    parent=self.kind.lines_element,
                )
            del parent[0]

    # -- structure -----------------------------------------------------------------------

    def _check_sequence(self, part: Part, location: Location) -> Iterator[Issue]:
        kind = self.kind
        if part == "header":
            if self.state != 0:
                self.reported.add(("X004", kind.header_element))
                yield issue("X004", location, found=kind.header_element, parent=kind.root)
            self.state = max(self.state, 1)
        elif part == "line":
            if self.state == 0:
                self.reported.add(("X005", kind.header_element))
                yield issue("X005", location, expected=kind.header_element, parent=kind.root)
                self.state = 1
            elif self.state == 2:
                yield issue("X004", location, found=kind.line_element, parent=kind.root)
        else:
            if self.state == 0:
                self.reported.add(("X005", kind.header_element))
                yield issue("X005", location, expected=kind.header_element, parent=kind.root)
            elif self.state == 2:
                self.reported.add(("X004", kind.totals_element))
                yield issue("X004", location, found=kind.totals_element, parent=kind.root)
            self.state = 2

    def _check_root(self, root: Any) -> Iterator[Issue]:
        kind = self.kind
        location = Location(file=self.file, line=root.sourceline, path=f"/{kind.root}")
        expected = [kind.header_element, kind.lines_element, kind.totals_element]
        seen: list[str] = []
        if any(not a.startswith(_XSI) for a in root.attrib) or _has_text(root.text):
            yield self._content_issue(root, location.with_(path=""))
        for child in root:
            name = _local(child.tag)
            if _has_text(child.tail):
                yield self._content_issue(child, location, "text after")
            if child.tag.startswith(self.ns) and name in expected and name not in seen:
                seen.append(name)
                if name == kind.lines_element:
                    if child.attrib or _has_text(child.text):
                        yield self._content_issue(child, location)
                    yield from self._check_lines_container(child, location)
            elif ("X004", name) not in self.reported:  # a repeated record: reported already
                where = location.with_(line=child.sourceline, path=f"/{kind.root}/{name}")
                if _depth(child) + 1 > self.limits.max_depth:
                    raise _LimitExceeded(where, f"nesting deeper than {self.limits.max_depth}")
                yield issue(
                    "X004",
                    location.with_(line=child.sourceline, path=f"/{kind.root}/{name}"),
                    found=name,
                    parent=kind.root,
                )
        for name in expected:
            if name not in seen and ("X005", name) not in self.reported:
                yield issue("X005", location, expected=name, parent=kind.root)
        if seen and [n for n in expected if n in seen] != seen:
            yield issue("X004", location, found=" ".join(seen), parent=kind.root)
        if self.lines == 0 and kind.name == "declaratie" and kind.lines_element in seen:
            yield issue("X005", location, expected=kind.line_element, parent=kind.lines_element)

    def _check_lines_container(self, container: Any, location: Location) -> Iterator[Issue]:
        for child in container:
            if child.tag != self.ns + self.kind.line_element:
                name = _local(child.tag)
                yield issue(
                    "X004",
                    location.with_(line=child.sourceline, path=f"{location.path}/{name}"),
                    found=name,
                    parent=self.kind.lines_element,
                )


class _LimitExceeded(Exception):
    """A limit of :class:`Limits` was passed: reading stops with ``L001``."""

    def __init__(self, location: Location, reason: str) -> None:
        super().__init__(reason)
        self.location = location
        self.reason = reason


_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def _has_text(text: str | None) -> bool:
    return bool(text) and not text.isspace()  # type: ignore[union-attr]


def _depth(elem: Any) -> int:
    """Levels of elements in the subtree of ``elem`` (1 for a leaf)."""
    deepest, stack = 0, [(elem, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node)
    return deepest


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return "?"
    return tag.rpartition("}")[2]


def _order_issue(child: Any, name: str, location: Location) -> Issue:
    return issue(
        "X004",
        location.with_(line=child.sourceline, path=f"{location.path}/{name}"),
        found=f"{name} (out of order or repeated)",
        parent=location.record_type,
    )


def _field_location(elem: Any, ns: str, name: str, location: Location) -> Location:
    for child in elem:
        if child.tag == ns + name:
            return location.with_(line=child.sourceline, path=f"{location.path}/{name}")
    return location
