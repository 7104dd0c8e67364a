"""Streaming, safe XML reader: bytes -> ``Entry`` (header, lines, totals) and ``Issue``.

The parser never resolves entities, never loads a DTD and never touches the network; a
document with a DTD is refused before parsing (``prolog.py``). Records are taken from
``lxml.etree.iterparse`` events of the structural elements only (root, header, lines
container, line, totals), and every record is cleared and unlinked after use, so memory stays
flat whatever the number of lines.

Memory stays bounded for hostile input too. Elements that are not structural give no events,
so the bytes the parser reads between two events that free what came before are counted
(:class:`_Budget`): an element (an unknown one, a record with huge content or a start tag with
a huge number of attributes) holding more than :data:`ELEMENT_BYTES` is refused (``L001``) while
it is being read, before its subtree can grow. Unexpected children of the root are checked and
dropped at the next event of a root child (their issues are still reported at the end of the
document, as before). Depth is checked on the start event of every structural element and on
the subtree of every unexpected element, so ``--max-depth`` applies to valid documents as well.

Structure (element order, unknown or misplaced elements) is checked here, fields by the model
(``bind``); both give issues with the source line and an XPath.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any, Protocol

from lxml import etree
from pydantic import ValidationError

from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.formats.xml.prolog import PROLOG_MAX, PrologError, read_prolog
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.binding import bind, issues_from_error
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind, Part
from resv_edi.source import Prefixed, Source, open_source, source_name
from resv_edi.standard.catalogue import issue
from resv_edi.standard.facts import facts

#: list-valued fields: element name -> allowed repetitions (others appear at most once)
_REPEATED = {"Retourcode"}

#: most bytes of XML read without an event that frees what was read before it: one record, or
#: one unexpected element with everything in it (raised to ``256 * max_field_length`` when that
#: limit is raised). At worst about 40 bytes of tree per byte of XML (``<x/>``), so the tree
#: never holds more than some tens of MB, whatever the size of the file.
ELEMENT_BYTES = 1024 * 1024

#: root-level structure issues held back until the end of the document (their place in the
#: report); more are reported at once, so that they are not kept in memory
_DEFERRED_MAX = 10_000

#: attribute names listed in one issue; the rest are counted
_ATTRIBUTES_SHOWN = 5

#: longest element name shown in an issue (longer ones are cut)
_NAME_SHOWN = 64

#: depth of the structural elements in place: root, header / lines container / totals, line
_LINE_DEPTH = 3


def kind_for_root(root: str, namespace: str | None) -> MessageKind | None:
    for kind in KINDS.values():
        if kind.root == root and kind.namespace == namespace:
            return kind
    return None


class ReadProgress(Protocol):
    """What a :data:`LineFilter` may see of the reader: the message kind, the structural state
    (1: header seen, no totals yet) and the lines read so far."""

    kind: MessageKind
    state: int
    lines: int

    def skip(self, lines: int, size: int) -> None:
        """Count ``lines`` lines the filter has taken out of the ``size`` bytes it hands on."""


#: a stream the parser reads instead of the document: it may hand on runs of lines that its
#: caller checked itself replaced by a comment of the same lines and last column, calling
#: :meth:`ReadProgress.skip` (see ``rules/xml_blocks.py``)
LineFilter = Callable[[io.RawIOBase, ReadProgress], Any]


def read_xml(
    source: Source,
    kind: MessageKind | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    line_filter: LineFilter | None = None,
) -> Iterator[Entry | Issue]:
    """Yield the entries of an XML message, and issues where it is wrong.

    ``kind`` is detected from the root element when not given. A fatal issue ends the
    stream; everything read before it has been yielded. ``line_filter`` (for block checks)
    wraps the stream the parser reads.
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
            release = facts().retired_release(namespace=prolog.namespace)
            if found is None and release is not None:  # a file of an earlier release
                yield issue(
                    "F005",
                    where.with_(line=1, path="/" + prolog.root),
                    found=release,
                    supported=", ".join(facts().supported_releases),
                )
                return
            if found is not expected:
                yield issue(
                    "X003",
                    where.with_(line=1, path="/" + prolog.root),
                    found=f"{{{prolog.namespace or ''}}}{prolog.root}",
                    expected=f"{{{expected.namespace}}}{expected.root}",
                )
                return
            reader = _Reader(expected, name, limits, line_filter)
            yield from reader.run(Prefixed(head, fh))
    except UnsafeInputError as exc:
        yield issue("L001", where, reason=str(exc))
    except OSError as exc:
        yield issue("F001", where, reason=exc.strerror or str(exc))


class _Reader:
    """The state of one pass over one document."""

    def __init__(
        self, kind: MessageKind, file: str, limits: Limits, line_filter: LineFilter | None = None
    ) -> None:
        self.kind = kind
        self.line_filter = line_filter
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
        # a line's fields are at depth 4: under a lower --max-depth every line takes the
        # full path, which checks the depth
        self.fast_tag = self.line_tag if limits.max_depth > _LINE_DEPTH else None
        self.root: Any = None  # the root element, from its start event
        self.kept: list[Any] = []  # checked root children still in the tree (first of each)
        self.seen: list[str] = []  # expected root children met, in order
        self.deferred: list[Issue] = []  # root-level issues, reported at the end
        self.root_checked = False  # attributes and text of the root checked
        self.budget = _Budget(None, max(ELEMENT_BYTES, 256 * limits.max_field_length))

    def run(self, stream: io.RawIOBase) -> Iterator[Entry | Issue]:
        budget = self.budget
        if self.line_filter is None:
            budget.raw = io.BufferedReader(stream, 1024 * 1024)
        else:
            budget.raw = self.line_filter(stream, self)
        parser = etree.iterparse(
            budget,
            events=("start", "end"),
            tag=[*self.tags, self.root_tag, self.lines_tag],
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
            fast_tag = self.fast_tag
            for event, elem in parser:
                tag = elem.tag
                if event == "start":
                    # a line in place needs nothing at its start
                    if tag != fast_tag or elem.getparent() is not self.lines_parent:
                        yield from self._start(elem)
                    continue
                if tag == fast_tag and self.state == 1:
                    fast = self._fast_line(elem)
                    if fast is not None:
                        budget.mark = budget.pos  # the line and all before it are freed
                        yield from fast
                        if self.limits.max_records and self.lines > self.limits.max_records:
                            yield issue(
                                "L001",
                                Location(file=self.file, line=elem.sourceline),
                                reason=f"more than {self.limits.max_records} lines",
                            )
                            return
                        continue
                if tag == self.root_tag or tag == self.lines_tag:
                    if elem is self.root:
                        yield from self._check_root(elem)
                    elif elem.getparent() is self.root:  # the end of a lines container
                        yield from self._root_event(elem)
                    continue  # elsewhere: an unexpected element, reported where it is
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
        except _Overflow:
            yield self._overflow_issue()

    def skip(self, lines: int, size: int) -> None:
        """``lines`` lines were checked by the caller and handed on as ``size`` bytes that
        hold nothing to read (:data:`LineFilter`)."""
        self.lines += lines
        self.budget.mark += size

    # -- events and limits ---------------------------------------------------------------

    def _start(self, elem: Any) -> list[Issue]:
        """The start of a structural element: check its depth; at the root's level, check and
        drop the root's earlier children."""
        parent = elem.getparent()
        if parent is None:
            self.root = elem
            self.budget.mark = self.budget.pos
            return []
        depth, node = 1, parent
        while node is not None:
            depth += 1
            node = node.getparent()
        if depth > self.limits.max_depth:
            raise _LimitExceeded(
                Location(file=self.file, line=elem.sourceline, path=self._path(elem)),
                f"nesting deeper than {self.limits.max_depth}",
            )
        if parent is self.root:
            return self._root_event(elem)
        return []

    def _root_event(self, elem: Any) -> list[Issue]:
        """An event of a child of the root: its earlier siblings are complete, so they are
        checked and dropped, and everything read so far is freed."""
        flushed = self._prune(elem)
        self.budget.mark = self.budget.pos
        return flushed

    def _path(self, elem: Any) -> str:
        """The XPath of ``elem`` (a line in place with its index)."""
        names: list[str] = []
        node = elem
        while node is not None:
            parent = node.getparent()
            name = _local(node.tag)
            if (
                node.tag == self.line_tag
                and parent is not None
                and parent.tag == self.lines_tag
                and parent.getparent() is self.root
            ):
                name = f"{name}[{self.lines + 1}]"
            names.append(name)
            node = parent
        return "/" + "/".join(reversed(names))

    def _overflow_issue(self) -> Issue:
        """``L001`` for an element that grew past the budget: the unexpected element being
        read where there is one, else the record (or container) at the line being read."""
        cap = self.budget.cap
        node, parent = self.root, None
        structural: Any = None
        while node is not None:
            if not self._in_place(node, parent):
                break
            structural = node
            try:
                parent, node = node, node[-1]
            except IndexError:
                node = None
        if node is not None and structural is not None:
            part = self.tags.get(structural.tag)
            fields = self.orders[part] if part else {}
            if _local(node.tag) not in fields or node.tag[: len(self.ns)] != self.ns:
                return issue(
                    "L001",
                    Location(file=self.file, line=node.sourceline, path=self._path(node)),
                    reason=f"element {_local(node.tag)} larger than {cap} bytes",
                )
        where = Location(file=self.file, line=self.budget.line)
        if structural is None:
            return issue("L001", where, reason=f"more than {cap} bytes before the root element")
        return issue(
            "L001",
            where.with_(path=self._path(structural)),
            reason=f"more than {cap} bytes in {_local(structural.tag)} without its end",
        )

    def _in_place(self, node: Any, parent: Any) -> bool:
        """``node`` is the root, a child of the root or a line in the lines container."""
        if parent is None:
            return node is self.root
        if parent is self.root:
            return node.tag in self.tags or node.tag == self.lines_tag
        return parent.tag == self.lines_tag and node.tag == self.line_tag

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
        raw = values if record is None else None
        items.append(Entry("line", record, location, index, self.kind.name, raw))
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
            depth, node = 0, elem
            while node is not None:
                depth += 1
                node = node.getparent()
            self._check_depth(elem, depth, location)  # its content is not read
            yield issue(
                "X004",
                location,
                found=kind.element(part),
                parent=_local(parent.tag) if parent is not None else "(none)",
            )
            elem.clear(keep_tail=False)
            if parent is not None and parent is self.root:
                yield from self._root_event(elem)
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
        if part == "line":
            self.budget.mark = self.budget.pos
        else:
            yield from self._root_event(elem)
        yield Entry(part, record, location, index, kind.name, values if record is None else None)

    def _values(
        self, elem: Any, part: Part, location: Location
    ) -> tuple[dict[str, Any], list[Issue]]:
        order = self.orders[part]
        ns, nslen = self.ns, len(self.ns)
        values: dict[str, Any] = {}
        problems: list[Issue] = []
        last = -1
        max_text = self.limits.max_field_length
        max_depth = self.limits.max_depth
        level = (_LINE_DEPTH if part == "line" else _LINE_DEPTH - 1) + 1  # of the fields
        if elem.attrib or _has_text(elem.text):
            problems.append(self._content_issue(elem, location))
        for child in elem:
            if level > max_depth:
                where = location.with_(
                    line=child.sourceline, path=f"{location.path}/{_local(child.tag)}"
                )
                raise _LimitExceeded(where, f"nesting deeper than {max_depth}")
            tag = child.tag
            name = tag[nslen:] if tag.startswith(ns) else ""
            pos = order.get(name) if name else None
            if _has_text(child.tail):
                problems.append(self._content_issue(child, location, "text after"))
            if pos is None or len(child):
                where = location.with_(line=child.sourceline, path=f"{location.path}/{_local(tag)}")
                self._check_depth(child, level, where)
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

    def _check_depth(self, elem: Any, level: int, where: Location) -> None:
        """``L001`` at the first element of the subtree of ``elem`` (at depth ``level``,
        located by ``where``) that lies deeper than ``max_depth``."""
        limit = self.limits.max_depth
        deep = _too_deep(elem, level, limit)
        if deep is None:
            return
        names: list[str] = []
        node = deep
        while node is not elem:
            names.append(_local(node.tag))
            node = node.getparent()
        path = "/".join([where.path or "", *reversed(names)])
        raise _LimitExceeded(
            where.with_(line=deep.sourceline, path=path), f"nesting deeper than {limit}"
        )

    def _content_issue(self, node: Any, location: Location, what: str = "") -> Issue:
        """Attributes or text where the schema allows only elements (at most
        ``_ATTRIBUTES_SHOWN`` attribute names listed, the rest counted)."""
        name = _local(node.tag)
        if what:
            found = f"text after {name}"
        elif node.attrib:
            attrib = node.attrib
            shown = [_local(a) for a in islice(attrib, _ATTRIBUTES_SHOWN)]
            more = len(attrib) - len(shown)
            listed = " ".join(shown) + (f" and {more} more" if more > 0 else "")
            found = f"attribute(s) {listed} on {name}"
        else:
            found = f"text in {name}"
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
                where = Location(
                    file=self.file,
                    line=previous.sourceline,
                    path=f"/{self.kind.root}/{self.kind.lines_element}/{name}",
                )
                self._check_depth(previous, _LINE_DEPTH, where)
                yield issue("X004", where, found=name, parent=self.kind.lines_element)
                previous.clear(keep_tail=False)  # unlinking a wide subtree whole is slow
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
        """The end of the document: the root's remaining children, then what is missing."""
        kind = self.kind
        location = Location(file=self.file, line=root.sourceline, path=f"/{kind.root}")
        expected = [kind.header_element, kind.lines_element, kind.totals_element]
        self._prune(None)
        problems, self.deferred = self.deferred, []
        yield from problems
        seen = self.seen
        for name in expected:
            if name not in seen and ("X005", name) not in self.reported:
                yield issue("X005", location, expected=name, parent=kind.root)
        if seen and [n for n in expected if n in seen] != seen:
            yield issue("X004", location, found=" ".join(seen), parent=kind.root)
        if self.lines == 0 and kind.name == "declaratie" and kind.lines_element in seen:
            yield issue("X005", location, expected=kind.line_element, parent=kind.lines_element)

    def _prune(self, until: Any) -> list[Issue]:
        """Check the root's children before ``until`` (all of them for ``None``) not checked
        yet, keeping the first header, lines container and totals and dropping the rest.

        Their issues wait in ``self.deferred`` for the end of the document; when that grows
        past ``_DEFERRED_MAX`` they are returned, to be reported now.
        """
        root = self.root
        kind = self.kind
        location = Location(file=self.file, line=root.sourceline, path=f"/{kind.root}")
        deferred = self.deferred
        if not self.root_checked:
            self.root_checked = True
            if any(not a.startswith(_XSI) for a in root.attrib) or _has_text(root.text):
                deferred.append(self._content_issue(root, location.with_(path="")))
        child = self.kept[-1].getnext() if self.kept else next(iter(root), None)
        while child is not None and child is not until:
            following = child.getnext()
            if self._root_child(child, location):
                self.kept.append(child)
            else:
                child.clear(keep_tail=False)  # unlinking a wide subtree whole is slow
                root.remove(child)
            child = following
        if len(deferred) < _DEFERRED_MAX:
            return []
        self.deferred = []
        return deferred

    def _root_child(self, child: Any, location: Location) -> bool:
        """Check one complete child of the root (issues into ``self.deferred``); True for
        the first header, lines container or totals, which stay in the tree."""
        kind = self.kind
        deferred = self.deferred
        expected = (kind.header_element, kind.lines_element, kind.totals_element)
        name = _local(child.tag)
        if _has_text(child.tail):
            deferred.append(self._content_issue(child, location, "text after"))
        if child.tag.startswith(self.ns) and name in expected and name not in self.seen:
            self.seen.append(name)
            if name == kind.lines_element:
                if child.attrib or _has_text(child.text):
                    deferred.append(self._content_issue(child, location))
                deferred.extend(self._check_lines_container(child, location))
            return True
        if ("X004", name) not in self.reported:  # a repeated record: reported already
            where = location.with_(line=child.sourceline, path=f"/{kind.root}/{name}")
            self._check_depth(child, 2, where)
            deferred.append(issue("X004", where, found=name, parent=kind.root))
        return False

    def _check_lines_container(self, container: Any, location: Location) -> Iterator[Issue]:
        for child in container:
            if child.tag != self.ns + self.kind.line_element:
                name = _local(child.tag)
                where = location.with_(line=child.sourceline, path=f"{location.path}/{name}")
                self._check_depth(child, _LINE_DEPTH, where)
                yield issue("X004", where, found=name, parent=self.kind.lines_element)


class _Overflow(Exception):
    """More than the budget of bytes read without a freeing event (see :class:`_Budget`)."""


class _Budget:
    """The stream the parser reads, counting bytes and lines.

    The reader sets ``mark`` to ``pos`` at every event that frees what was read before it;
    a read past ``mark + cap`` raises :class:`_Overflow` (the parser stops; what it built is
    still there to locate the culprit). lxml reads 32 KiB at a time, so the tree never holds
    more than about ``cap`` + 32 KiB of XML that the reader has not dealt with.
    """

    __slots__ = ("cap", "mark", "newlines", "pos", "raw")

    def __init__(self, raw: Any, cap: int) -> None:
        self.raw = raw
        self.cap = cap
        self.pos = 0  # bytes handed to the parser
        self.mark = 0
        self.newlines = 0

    def read(self, size: int = -1) -> bytes:
        if self.pos - self.mark > self.cap:
            raise _Overflow
        data = self.raw.read(size)
        self.pos += len(data)
        self.newlines += data.count(b"\n")
        return data

    @property
    def line(self) -> int:
        """Line number at the end of what the parser has been given."""
        return self.newlines + 1


class _LimitExceeded(Exception):
    """A limit of :class:`Limits` was passed: reading stops with ``L001``."""

    def __init__(self, location: Location, reason: str) -> None:
        super().__init__(reason)
        self.location = location
        self.reason = reason


_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def _has_text(text: str | None) -> bool:
    return bool(text) and not text.isspace()  # type: ignore[union-attr]


def _too_deep(elem: Any, level: int, limit: int) -> Any:
    """The first element (in document order) of the subtree of ``elem``, which lies at depth
    ``level``, that is deeper than ``limit``; ``None`` if there is none."""
    stack = [(elem, level)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node
        if len(node):
            stack.extend((child, depth + 1) for child in reversed(node))
    return None


def _local(tag: Any) -> str:
    """The local name of ``tag``, cut to ``_NAME_SHOWN`` characters for issues."""
    if not isinstance(tag, str):
        return "?"
    name = tag.rpartition("}")[2]
    return name if len(name) <= _NAME_SHOWN else name[:_NAME_SHOWN] + "..."


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
