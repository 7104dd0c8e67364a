"""Receiving one uploaded file: streamed to a private temporary directory, never held whole.

A request body is either the file itself (any content type but ``multipart/form-data``) or a
form with a ``file`` part. The bytes go to ``<workspace>/upload`` as they arrive; the size
limit is checked against ``Content-Length`` first and then against the bytes actually read
(HTTP 413). The client's file name is never used as a path: only a cleaned copy is kept, for
display and download names.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

#: the most form fields besides the file, and the longest value of one
MAX_FIELDS = 16
MAX_FIELD_BYTES = 1024
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


class UploadError(Exception):
    """A request that cannot be accepted; ``status`` is its HTTP status, ``code`` a short key."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass
class Upload:
    """The uploaded file on disk (``path``), its cleaned display name and the form fields."""

    path: Path
    name: str = "upload"
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)


class Workspace:
    """A private temporary directory for one request, removed by :meth:`close`."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="resv-web-"))

    def path(self, name: str) -> Path:
        """A fixed, server-chosen file name inside the workspace."""
        return self.root / name

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def display_name(raw: str | None) -> str:
    """A client file name reduced to something safe to show: its last component, only word
    characters, dots, dashes and spaces, at most 80 characters; ``upload`` when nothing is left."""
    if not raw:
        return "upload"
    last = re.split(r"[\\/]", raw)[-1]
    cleaned = _UNSAFE_NAME.sub("_", last).strip(" .")
    if len(cleaned) > 80:  # shorten the stem, keep a short suffix
        stem, dot, suffix = cleaned.rpartition(".")
        keep = f".{suffix}" if dot and stem and len(suffix) <= 8 else ""
        cleaned = cleaned[: 80 - len(keep)] + keep
    return cleaned or "upload"


async def receive(
    content_type: str,
    content_length: str | None,
    chunks: AsyncIterator[bytes],
    target: Path,
    max_size: int,
    file_name: str | None = None,
) -> Upload:
    """Stream the request body into ``target``; the :class:`Upload`. Raises :class:`UploadError`
    (400 no file, 413 too large) — ``target`` may then be partly written."""
    if content_length and content_length.isdigit() and max_size and int(content_length) > max_size:
        raise UploadError(413, "too_large", f"request body larger than {max_size} bytes")
    mime, params = parse_options_header(content_type)
    if mime == b"multipart/form-data":
        boundary = params.get(b"boundary")
        if not boundary:
            raise UploadError(400, "bad_form", "multipart form without a boundary")
        upload = await _receive_form(boundary, chunks, target, max_size)
    else:
        upload = Upload(target, display_name(file_name))
        with open(target, "wb") as out:
            async for chunk in chunks:
                upload.size += len(chunk)
                _check_size(upload.size, max_size)
                out.write(chunk)
    return upload


def _check_size(size: int, max_size: int) -> None:
    if max_size and size > max_size:
        raise UploadError(413, "too_large", f"file larger than {max_size} bytes")


async def _receive_form(
    boundary: bytes, chunks: AsyncIterator[bytes], target: Path, max_size: int
) -> Upload:
    """Parse a multipart form as it streams: the first part named ``file`` goes to ``target``,
    small text fields are kept, anything else is dropped."""
    upload = Upload(target)
    state = _FormState()
    out = None

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        state.headers[state.header_name.decode("latin-1").lower()] = state.header_value
        state.header_name, state.header_value = b"", b""

    def on_headers_finished() -> None:
        nonlocal out
        _, params = parse_options_header(state.headers.get("content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        if name == "file" and not state.file_seen:
            state.file_seen, state.part = True, "file"
            raw = params.get(b"filename", b"").decode("utf-8", "replace")
            upload.name = display_name(raw)
            out = open(target, "wb")  # noqa: SIM115 - closed in on_part_end / finally
        elif len(upload.fields) < MAX_FIELDS and name:
            state.part, state.field_name, state.value = "field", name, b""
        else:
            state.part = "skip"

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state.part == "file" and out is not None:
            upload.size += end - start
            _check_size(upload.size, max_size)
            out.write(data[start:end])
        elif state.part == "field":
            state.value += data[start:end]
            if len(state.value) > MAX_FIELD_BYTES:
                raise UploadError(400, "bad_form", f"form field {state.field_name!r} too long")

    def on_part_end() -> None:
        nonlocal out
        if state.part == "file" and out is not None:
            out.close()
            out = None
        elif state.part == "field":
            upload.fields[state.field_name] = state.value.decode("utf-8", "replace")
        state.headers, state.part = {}, "skip"

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except UploadError:
        raise
    except Exception as exc:  # the parser's own errors: a malformed form
        raise UploadError(400, "bad_form", "malformed multipart form") from exc
    finally:
        if out is not None:
            out.close()
    if not state.file_seen:
        raise UploadError(400, "no_file", "the form holds no file (field 'file')")
    return upload


@dataclass
class _FormState:
    headers: dict[str, bytes] = field(default_factory=dict)
    header_name: bytes = b""
    header_value: bytes = b""
    part: str = "skip"
    field_name: str = ""
    value: bytes = b""
    file_seen: bool = False
