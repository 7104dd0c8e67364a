"""Options shared by the commands: one vocabulary for every command.

``--format`` (input format), ``--to`` (output format), ``-o/--output`` (output file, or directory
where a command writes several files), ``--output-format text|json`` (the report), ``--lang nl|en``
(messages), ``-q/--quiet`` (no progress or status on stderr) and the limits. Every command
documents the same exit codes (:func:`exit_codes`), saying what 1 means for it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import click

from resv_edi.limits import DEFAULT_LIMITS, Limits

READ_FORMATS = ["auto", "xml", "json", "ndjson", "ei", "csv"]
WRITE_FORMATS = ["xml", "json", "ndjson", "ei", "csv"]


def input_format_option(
    help_text: str = "Input format; auto detects it from the content.",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format auto|xml|json|ndjson|ei`` for commands that read a message."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(READ_FORMATS),
        default="auto",
        show_default=True,
        help=help_text,
    )


def output_format_option(
    help_text: str = "text for people, json for programs.",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--output-format text|json`` for commands that report."""
    return click.option(
        "--output-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help_text,
    )


def output_option(
    help_text: str, *, required: bool = True, directory: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o/--output``: the output file, or the directory of a command that writes several."""
    return click.option(
        "-o",
        "--output",
        required=required,
        type=click.Path(file_okay=not directory, dir_okay=directory),
        help=help_text,
    )


def quiet_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-q/--quiet``: no progress or status lines on stderr (reports and errors still show)."""
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="No progress or status lines on stderr; reports and errors still show.",
    )


_Command = TypeVar("_Command", bound=click.Command)


def exit_codes(one: str) -> Callable[[_Command], _Command]:
    """Append the exit codes, the same for every command, to its ``--help``; ``one`` says what
    exit code 1 means for this command (a group keeps its type)."""

    def add(command: _Command) -> _Command:
        text = inspect.cleandoc(command.help or "")
        command.help = text + EXIT_CODES.format(one=one)
        return command

    return add


#: the exit codes of every command (resv_edi.errors.ExitCode; 130/143 resv_edi.interrupt)
EXIT_CODES = (
    "\n\n\b\nExit codes:\n"
    "  0    done, nothing to report\n"
    "  1    {one}\n"
    "  2    usage error, or input unreadable or unsafe\n"
    "  130  interrupted (Ctrl-C); 143: stopped (SIGTERM); no partial output is left"
)


def lang_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--lang nl|en``: the language of messages; default from the locale, else Dutch."""
    return click.option(
        "--lang",
        type=click.Choice(["nl", "en"]),
        default=None,
        callback=lambda ctx, param, value: value or _locale_language(),
        help="Language of the messages: nl or en. [default: from LC_ALL/LC_MESSAGES/LANG, else nl]",
    )


def _locale_language() -> str:
    from resv_edi.standard.wording import language_from_env

    return language_from_env()


def limit_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the ``Limits`` settings as options (defaults documented in resv_edi/limits.py)."""
    d = DEFAULT_LIMITS
    options = [
        click.option(
            "--max-errors",
            type=click.IntRange(min=0),
            default=d.max_errors,
            show_default=True,
            help="Most issues listed per file (0 = all).",
        ),
        click.option(
            "--max-depth",
            type=click.IntRange(min=1),
            default=d.max_depth,
            show_default=True,
            help="Deepest XML/JSON nesting accepted.",
        ),
        click.option(
            "--max-file-size",
            type=click.IntRange(min=0),
            default=d.max_file_size,
            show_default=True,
            help="Largest input file in bytes (0 = no limit).",
        ),
        click.option(
            "--max-records",
            type=click.IntRange(min=0),
            default=d.max_records,
            show_default=True,
            help="Most lines per message (0 = no limit).",
        ),
        click.option(
            "--max-field-length",
            type=click.IntRange(min=1),
            default=d.max_field_length,
            show_default=True,
            help="Longest text of one field / XML text node / JSON string, in characters.",
        ),
        click.option(
            "--max-line-length",
            type=click.IntRange(min=1),
            default=d.max_line_length,
            show_default=True,
            help="Longest line of an NDJSON, EI or CSV file, in bytes.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def limits_from(kwargs: dict[str, Any]) -> Limits:
    """Pop the limit options out of a command's keyword arguments."""
    return DEFAULT_LIMITS.updated(
        max_errors=kwargs.pop("max_errors", None),
        max_depth=kwargs.pop("max_depth", None),
        max_file_size=kwargs.pop("max_file_size", None),
        max_records=kwargs.pop("max_records", None),
        max_field_length=kwargs.pop("max_field_length", None),
        max_line_length=kwargs.pop("max_line_length", None),
    )
