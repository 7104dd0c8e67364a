"""What a command prints, in the chosen language (``[commands]`` of mappings/rules/wording.toml),
and its JSON summary on stdout."""

from __future__ import annotations

import sys
from typing import Any

import orjson

from resv_edi.standard.wording import phrase


def say(key: str, lang: str, **params: Any) -> str:
    """The text ``[commands].key`` in ``lang`` with its placeholders filled."""
    return phrase("commands", key, **params).render(lang)


def echo_json(data: Any) -> None:
    """``data`` as indented JSON on stdout (the report of ``--output-format json``)."""
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
