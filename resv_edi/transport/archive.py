"""Archives as VECOZO accepts them: zip files of declaration messages, checked before unpacking.

:func:`unpack_archive` first reads the zip's end record (:mod:`resv_edi.transport.end_record`)
and refuses a central directory with more entries or bytes than the rules allow before
``zipfile`` loads it (its memory grows with the directory); then it reads the central
directory and refuses the whole archive (issue
``F010``, fatal, one per problem) when any rule of ``mappings/transport/vecozo.toml`` is
broken: too many files, a member too large for its format, a compression ratio or total size
that betrays a zip bomb, overlapping members, an unsafe name (``..``, an absolute path, a
drive letter, a back slash, a control character), a link, a nested archive, encryption or an
unknown compression method. Only then is each member streamed out, one at a time, into a
private temporary folder under a name of our own (never the member's name), with the size
limits enforced again on the bytes actually produced (a header can lie), and handed to the
caller (:func:`resv_edi.pipeline.check_archive` validates it like a plain file). Nothing is
ever written outside that folder, and it is removed when the next member is asked for.

Transport only unpacks and applies the transport rules; it never calls back into validation.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import IO

from resv_edi.errors import EmptyInputError, Issue, Location, UnknownFormatError
from resv_edi.formats.detect import SNIFF_BYTES, detect_format
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.scratch import scratch_folder
from resv_edi.standard.catalogue import issue
from resv_edi.standard.paths import mappings_dir
from resv_edi.transport.end_record import EndRecordError, read_end_record
from resv_edi.transport.magic import is_archive as is_archive  # re-exported
from resv_edi.vektis.layout import detect_layout

PathLike = str | os.PathLike[str]

#: first bytes of archive and compression formats (a member that is itself an archive)
_NESTED_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",  # 7-zip
    b"Rar!\x1a\x07",  # rar
    b"\x28\xb5\x2f\xfd",  # zstandard
    b"MSCF",  # cab
)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FormatRule:
    """Size bounds for one format inside an archive (0 = no bound)."""

    max_compressed: int = 0
    max_uncompressed: int = 0


@dataclass(frozen=True, slots=True)
class TransportRules:
    """The rules of ``mappings/transport/vecozo.toml``."""

    max_members: int
    max_total_uncompressed: int
    max_ratio: float
    ratio_min_size: int
    allowed_methods: frozenset[int]
    nested: tuple[str, ...]
    formats: dict[str, FormatRule]
    max_entries: int = 0
    max_directory_size: int = 0

    @property
    def max_member_size(self) -> int:
        """The largest member any format admits (the bound before the format is known)."""
        return max(rule.max_uncompressed for rule in self.formats.values())


@cache
def transport_rules(name: str = "vecozo") -> TransportRules:
    """The transport rules ``mappings/transport/<name>.toml`` (cached)."""
    with (mappings_dir() / "transport" / f"{name}.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    archive = raw["archive"]
    return TransportRules(
        max_members=int(archive["max_members"]),
        max_total_uncompressed=int(archive["max_total_uncompressed"]),
        max_ratio=float(archive["max_ratio"]),
        ratio_min_size=int(archive["ratio_min_size"]),
        allowed_methods=frozenset(int(m) for m in archive["allowed_methods"]),
        nested=tuple(str(ext).lower() for ext in archive["nested"]),
        formats={
            fmt: FormatRule(int(r.get("max_compressed", 0)), int(r.get("max_uncompressed", 0)))
            for fmt, r in raw["format"].items()
        },
        max_entries=int(archive.get("max_entries", 0)),
        max_directory_size=int(archive.get("max_directory_size", 0)),
    )


@dataclass(frozen=True, slots=True)
class Member:
    """One file of an archive: unpacked into a private temporary ``path`` (which exists only
    until the next member is asked for), or refused with ``refusals`` (then ``path`` is None).

    A refusal of the whole archive is one ``Member`` with ``name`` None.
    """

    archive: str
    name: str | None
    path: Path | None = None
    refusals: tuple[Issue, ...] = ()
    number: int = 0  # the member's position among the archive's files (1-based)
    masked: bool = False  # a claim file: its name is not shown

    @property
    def shown(self) -> str:
        """``archive.zip!member`` (or the archive's name for a refusal of the whole). A claim
        file is ``archive.zip!#3``, by its position: like every other value of a claim file,
        its name may hold patient data."""
        if self.name is None:
            return self.archive
        return f"{self.archive}!#{self.number}" if self.masked else f"{self.archive}!{self.name}"


def unpack_archive(
    path: PathLike, limits: Limits = DEFAULT_LIMITS, rules: TransportRules | None = None
) -> Iterator[Member]:
    """The members of the zip at ``path``, one at a time, each unpacked into its own private
    temporary folder that is removed when the next member is asked for; or one refusal of
    the whole archive (then nothing is unpacked). Validation is the caller's business.
    """
    rules = rules or transport_rules()
    name = os.fspath(path)
    try:
        too_large = _end_record_problems(name, rules)
        if too_large:
            yield Member(name, None, refusals=tuple(too_large))
            return
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            problems = list(_directory_problems(archive, members, rules, limits, name))
            if problems:
                yield Member(name, None, refusals=tuple(problems))
                return
            for number, info in enumerate(members, 1):
                yield from _unpack_member(archive, info, rules, limits, name, number)
    except zipfile.BadZipFile as exc:
        yield Member(name, None, refusals=(_f010(name, None, f"not a valid zip file ({exc})"),))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        yield Member(name, None, refusals=(issue("F001", Location(file=name), reason=reason),))


def _end_record_problems(name: str, rules: TransportRules) -> list[Issue]:
    """The rules the end record alone shows broken: too many entries, a central directory
    too large. Checked before ``zipfile`` loads the directory (memory grows with it)."""
    with open(name, "rb") as fh:
        try:
            end = read_end_record(fh)
        except EndRecordError:
            return []  # zipfile says why, in its own words
    problems = []
    if rules.max_entries and end.entries > rules.max_entries:
        reason = (
            f"the central directory declares {end.entries} entries, at most {rules.max_entries}"
        )
        problems.append(_f010(name, None, reason))
    if rules.max_directory_size and end.directory_size > rules.max_directory_size:
        reason = (
            f"the central directory is {end.directory_size} bytes, at most "
            f"{rules.max_directory_size}"
        )
        problems.append(_f010(name, None, reason))
    return problems


def _f010(archive: str, member: str | None, reason: str) -> Issue:
    where = Location(file=archive, path=member)
    return issue("F010", where, reason=f"{member}: {reason}" if member else reason)


def _directory_problems(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    rules: TransportRules,
    limits: Limits,
    name: str,
) -> Iterator[Issue]:
    """Every broken rule that the central directory shows, before any byte is unpacked."""
    if limits.max_file_size and os.path.getsize(name) > limits.max_file_size:
        yield _f010(name, None, f"archive larger than {limits.max_file_size} bytes")
    if not members:
        yield _f010(name, None, "the archive holds no files")
    if len(members) > rules.max_members:
        yield _f010(name, None, f"{len(members)} files, at most {rules.max_members}")
    total = sum(i.file_size for i in archive.infolist())
    if total > rules.max_total_uncompressed:
        yield _f010(
            name,
            None,
            f"{total} bytes unpacked in all, at most {rules.max_total_uncompressed} (zip bomb?)",
        )
    seen: set[str] = set()
    for info in archive.infolist():
        member = info.filename
        unsafe = _unsafe_name(member)
        if unsafe:
            yield _f010(name, repr(member), f"unsafe name: {unsafe}")
            continue
        if member.lower() in seen:
            yield _f010(name, member, "name appears twice")
        seen.add(member.lower())
        if info.is_dir():
            continue
        if _is_link(info):
            yield _f010(name, member, "a link is not accepted")
        if member.lower().endswith(rules.nested):
            yield _f010(name, member, "an archive inside the archive is not accepted")
        if info.flag_bits & 0x1:
            yield _f010(name, member, "encrypted members are not accepted")
        if info.compress_type not in rules.allowed_methods:
            yield _f010(name, member, f"compression method {info.compress_type} not accepted")
        if info.file_size > rules.max_member_size:
            yield _f010(
                name, member, f"{info.file_size} bytes unpacked, at most {rules.max_member_size}"
            )
        if info.file_size >= rules.ratio_min_size and (
            info.compress_size == 0 or info.file_size / info.compress_size > rules.max_ratio
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            yield _f010(
                name,
                member,
                f"compression ratio {ratio:.0f}, at most {rules.max_ratio:.0f} (zip bomb?)",
            )
    yield from _overlaps(archive, name)


def _unsafe_name(member: str) -> str | None:
    """Why ``member`` may not be used as a path, or ``None``."""
    if not member:
        return "empty name"
    if _CONTROL.search(member):
        return "control character"
    if "\\" in member:
        return "back slash"
    if member.startswith("/"):
        return "absolute path"
    if _DRIVE.match(member):
        return "drive letter"
    if ".." in PurePosixPath(member).parts:
        return "parent folder (..)"
    return None


def _is_link(info: zipfile.ZipInfo) -> bool:
    """A symbolic link (Unix mode in the high 16 bits of the external attributes)."""
    mode = info.external_attr >> 16
    return bool(mode) and stat.S_ISLNK(mode)


def _overlaps(archive: zipfile.ZipFile, name: str) -> Iterator[Issue]:
    """Members whose data overlap (the non-recursive zip bomb reuses one compressed stream)."""
    infos = sorted(archive.infolist(), key=lambda i: i.header_offset)
    for prev, info in itertools.pairwise(infos):
        # a local header is at least 30 bytes plus the name; its data follows
        end = prev.header_offset + 30 + len(prev.orig_filename.encode()) + prev.compress_size
        if end > info.header_offset:
            yield _f010(name, info.filename, f"overlaps {prev.filename} (zip bomb?)")
            return


def _unpack_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    rules: TransportRules,
    limits: Limits,
    name: str,
    number: int = 0,
) -> Iterator[Member]:
    """Stream one member out into a private folder and hand it out while the folder exists."""
    suffix = PurePosixPath(info.filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ""

    def refused(reason: str) -> Member:
        return Member(name, info.filename, refusals=(_f010(name, info.filename, reason),))

    with scratch_folder("zip") as folder:
        target = folder / f"member{suffix}"
        try:
            with archive.open(info) as src, open(target, "xb") as out:
                head = _copy(src, out, info, rules, limits)
        except _Refused as exc:
            yield refused(str(exc))
            return
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            yield refused(f"cannot be unpacked ({exc})")
            return
        if head.startswith(_NESTED_MAGIC) or head[257:262] == b"ustar":
            yield refused("an archive inside the archive")
            return
        problem = _format_problem(head, info, rules)
        if problem:
            yield refused(problem)
            return
        yield Member(name, info.filename, path=target, number=number, masked=_is_claim_file(head))


def _is_claim_file(head: bytes) -> bool:
    """Whether the first bytes of a member are the header of an EI claim file."""
    layout = detect_layout(head.split(b"\n", 1)[0].rstrip(b"\r"))
    return layout is not None and layout.carries_patient_data


class _Refused(Exception):
    """A member broke a rule while it was being unpacked."""


def _copy(
    src: IO[bytes], out: IO[bytes], info: zipfile.ZipInfo, rules: TransportRules, limits: Limits
) -> bytes:
    """Copy ``src`` to ``out`` in chunks, never past the declared size or the limits; return
    the first bytes (to sniff the format)."""
    bound = min(b for b in (info.file_size, rules.max_member_size, limits.max_file_size) if b)
    head = b""
    written = 0
    while chunk := src.read(_CHUNK):
        written += len(chunk)
        if written > bound:
            raise _Refused(f"unpacks to more than {bound} bytes (header lied: zip bomb?)")
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        out.write(chunk)
    return head


def _format_problem(head: bytes, info: zipfile.ZipInfo, rules: TransportRules) -> str | None:
    """The VECOZO size rule of the member's format, broken, or ``None``."""
    try:
        fmt = detect_format(head)
    except (EmptyInputError, UnknownFormatError):
        return None  # the reader reports it as for a plain file
    rule = rules.formats.get(fmt)
    if rule is None:
        return None
    if rule.max_uncompressed and info.file_size > rule.max_uncompressed:
        return f"{fmt} file of {info.file_size} bytes, at most {rule.max_uncompressed}"
    if rule.max_compressed and info.compress_size > rule.max_compressed:
        return f"{fmt} file of {info.compress_size} bytes zipped, at most {rule.max_compressed}"
    return None
