"""``resv-edi ledger``: the receiver's ledger of declarations and retours.

``init`` creates or migrates it, ``add`` records declarations (and their retours), ``check``
applies the rules across messages to a declaration, ``export`` and ``show`` read it out.
"""

from __future__ import annotations

import sys

import click

from resv_edi.cli.ledger_options import db_option, opened
from resv_edi.cli.options import (
    exit_codes,
    input_format_option,
    lang_option,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.cli.words import echo_json, say
from resv_edi.errors import ExitCode, Severity
from resv_edi.ledger.export import FORMATS, write_export
from resv_edi.ledger.rules import ledger_issues
from resv_edi.ledger.schema import LATEST
from resv_edi.ledger.summary import summarise, summary_text
from resv_edi.reporting import text_line
from resv_edi.source import atomic_output
from resv_edi.standard.wording import label, translated
from resv_edi.standard.wording import show as _in
from resv_edi.terminal import printable

#: how an add is reported: status -> Dutch word shown beside the English one
_STATUS_NL = {
    "added": "toegevoegd",
    "present": "al aanwezig",
    "conflict": "conflict",
    "refused": "geweigerd",
}

#: the status word on stderr of each add outcome (refused: unreadable when a fatal issue says so)
_STATUS_WORD = {
    "added": "written",
    "present": "skipped",
    "conflict": "invalid",
    "refused": "invalid",
}


@exit_codes("a subcommand found a problem (see its --help)")
@click.group("ledger")
def command() -> None:
    """The receiver's ledger (grootboek): received declarations, the retours answered, and
    the checks across messages. SQLite file by default, PostgreSQL when shared."""


@exit_codes("(not used by this command)")
@command.command("init")
@db_option()
@lang_option()
@quiet_option()
def init(url: str, lang: str, quiet: bool) -> None:
    """Create the ledger, or migrate it to the current schema. / Maak of migreer het grootboek.
    The status goes to stderr."""
    with opened(url, create=True) as ledger:
        if not quiet:
            click.echo(say("ledger_ready", lang, url=ledger.url, schema=LATEST), err=True)


@exit_codes("a file was refused or conflicts with a message in the ledger")
@command.command("add")
@click.argument("declarations", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--retour",
    "retours",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A retour answering one of the declarations (or one already in the ledger); repeatable.",
)
@db_option()
@input_format_option()
@output_format_option("text for people; json: one entry per file on stdout.")
@lang_option()
@quiet_option()
def add(
    declarations: tuple[str, ...],
    retours: tuple[str, ...],
    url: str,
    fmt: str,
    output_format: str,
    lang: str,
    quiet: bool,
) -> None:
    """Add DECLARATIONS (and --retour files) to the ledger. The same message twice is
    recognised and not counted twice. Exit 0 when every file is added or present, 1 when one
    is refused or conflicts with a message in the ledger, 2 when the ledger is unreachable.
    Each file's outcome (added, present, conflict, refused) goes to stdout, its status
    (written, skipped, invalid, unreadable) and its issues to stderr."""
    if not declarations and not retours:
        raise click.UsageError("give at least one declaration or --retour")
    worst = ExitCode.OK
    entries = []
    with opened(url) as ledger:
        jobs = [(p, ledger.add_declaration) for p in declarations]
        jobs += [(p, ledger.add_retour) for p in retours]
        for path, add_one in jobs:
            result = add_one(path, fmt)
            word = _STATUS_WORD[result.status]
            if any(i.severity is Severity.FATAL for i in result.issues):
                word = "unreadable"
            entries.append(
                {
                    "file": path,
                    "kind": result.kind,
                    "message": result.message,
                    "outcome": result.status,
                    "status": word,
                    "lines": result.lines,
                    "reason": result.reason,
                    "issues": [i.as_dict() for i in result.issues],
                }
            )
            if output_format == "text":
                dutch = f"{_STATUS_NL[result.status]}, " if lang == "nl" else ""
                detail = f"; {_in(translated(result.reason), lang)}" if result.reason else ""
                click.echo(
                    f"{path}: {result.kind} {result.message or '?'} {result.status} "
                    f"({dutch}{result.lines} {label('lines', lang)}{detail})"
                )
                for found in result.issues:
                    click.echo(f"  {text_line(found, lang)}", err=True)
            if not quiet:
                click.echo(printable(f"{path}: {word}"), err=True)
            if not result.ok:
                worst = ExitCode.INVALID
    if output_format == "json":
        echo_json({"files": entries, "exit_code": int(worst)})
    sys.exit(int(worst))


@exit_codes("a rule across messages is broken, or the declaration cannot be read")
@command.command("check")
@click.argument("declaration", type=click.Path(dir_okay=False))
@db_option()
@input_format_option()
@output_format_option()
@lang_option()
@quiet_option()
def check(declaration: str, url: str, fmt: str, output_format: str, lang: str, quiet: bool) -> None:
    """Apply the ledger's rules across messages to DECLARATION (G001..G009). Exit 0 when
    none is broken, 1 when one is (or the declaration cannot be read: its errors are listed),
    2 when the ledger is unreachable. The issues go to stdout, the status (valid, invalid)
    to stderr."""
    with opened(url) as ledger:
        found = ledger_issues(ledger, declaration, fmt, reader_issues=True)
    invalid = any(i.is_error for i in found)
    if output_format == "json":
        code = int(ExitCode.INVALID if invalid else ExitCode.OK)
        echo_json({"file": declaration, "issues": [i.as_dict() for i in found], "exit_code": code})
    else:
        for item in found:
            click.echo(text_line(item, lang))
    if not quiet:
        count = say("ledger_issues", lang, file=declaration, count=len(found))
        click.echo(
            printable(f"{declaration}: {'invalid' if invalid else 'valid'} ({count})"), err=True
        )
    sys.exit(int(ExitCode.INVALID if invalid else ExitCode.OK))


@exit_codes("(not used by this command)")
@command.command("export")
@db_option()
@click.option(
    "--to",
    "to",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="Format of the export table.",
)
@output_option("Output file (written atomically); - for stdout [default: -].", required=False)
@lang_option()
@quiet_option()
def export(url: str, to: str, output: str | None, lang: str, quiet: bool) -> None:
    """Export every line of the ledger with its message and retour outcome. The status
    (written) goes to stderr."""
    output = output or "-"
    with opened(url) as ledger:
        if output == "-":
            count = write_export(ledger, sys.stdout.buffer, to)
        else:
            with atomic_output(output) as out:
                count = write_export(ledger, out, to)
    if not quiet:
        where = "stdout" if output == "-" else output
        click.echo(
            printable(f"{where}: written ({say('ledger_exported', lang, count=count)})"), err=True
        )


@exit_codes("(not used by this command)")
@command.command("show")
@db_option()
@output_format_option()
@lang_option()
@quiet_option()
def show(url: str, output_format: str, lang: str, quiet: bool) -> None:
    """Counts, and totals per year, sender, insurer and hoofdtaak (on stdout)."""
    with opened(url) as ledger:
        summary = summarise(ledger)
    if output_format == "json":
        echo_json(summary.as_dict())
    else:
        for line in summary_text(summary, lang):
            click.echo(line)
