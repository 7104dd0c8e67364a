"""One vocabulary across commands: walks every command's options (click introspection) and fails
on an undocumented option, a default not shown, a diverging name or missing exit codes."""

from __future__ import annotations

import importlib

import click
import pytest

from resv_edi.cli.main import COMMANDS
from resv_edi.cli.options import READ_FORMATS, WRITE_FORMATS, exit_codes

#: names a command must not use: each has one word in the vocabulary (the value)
SYNONYMS = {
    "--output-dir": "-o/--output",
    "--outdir": "-o/--output",
    "--out": "-o/--output",
    "--input-format": "--format",
    "--from": "--format",
    "--fmt": "--format",
    "--output-type": "--output-format",
    "--json": "--output-format json",
    "--language": "--lang",
    "--locale": "--lang",
    "--silent": "--quiet",
}
#: commands that write what they make, not a report about their inputs
NOT_REPORTING = {
    "schema",
    "ledger init",
    "ledger export",
    "agreements schema",
    "conformance export",
    "serve",
}
#: commands whose --to names a message format (the others write tables)
MESSAGE_WRITERS = {"convert", "retour", "generate"}


def _walk(name: str, command: click.Command) -> list[tuple[str, click.Command]]:
    """The command and, for a group, every subcommand below it (named ``group sub``)."""
    found = [(name, command)]
    if isinstance(command, click.Group):
        for sub_name, sub in sorted(command.commands.items()):
            found += _walk(f"{name} {sub_name}", sub)
    return found


def _commands() -> list[tuple[str, click.Command]]:
    return [
        pair
        for name, module in COMMANDS.items()
        for pair in _walk(name, importlib.import_module(module).command)
    ]


#: every command and group: each needs help texts and its exit codes in --help
COMMAND_LIST = _commands()
IDS = [name for name, _ in COMMAND_LIST]
#: the commands that run (not groups): each is held to the whole vocabulary
LEAF_LIST = [(name, c) for name, c in COMMAND_LIST if not isinstance(c, click.Group)]
LEAF_IDS = [name for name, _ in LEAF_LIST]


def _options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and not p.hidden]


def _named(command: click.Command, name: str) -> click.Option | None:
    return next((o for o in _options(command) if name in o.opts), None)


def _has_default(option: click.Option) -> bool:
    """Whether the option has a default worth showing (not none, not an empty multiple)."""
    default = option.default
    return not (default is None or default == () or type(default).__name__ == "Sentinel")


def help_problems(name: str, command: click.Command) -> list[str]:
    """Options without a help text, or whose default the help does not show."""
    problems = []
    for option in _options(command):
        label = f"{name} {'/'.join(option.opts)}"
        if not (option.help and option.help.strip()):
            problems.append(f"{label}: no help text")
            continue
        documented = (
            option.required
            or not _has_default(option)
            or (option.is_flag and option.is_bool_flag)
            or option.show_default is True
            or "default" in option.help.lower()
        )
        if not documented:
            problems.append(f"{label}: its default is not shown")
    return problems


def vocabulary_problems(name: str, command: click.Command) -> list[str]:
    """Names that diverge from the vocabulary, and options every command must have."""
    problems = [
        f"{name} {opt}: say {SYNONYMS[opt]}"
        for option in _options(command)
        for opt in option.opts + option.secondary_opts
        if opt in SYNONYMS
    ]
    output = _named(command, "--output")
    if output is not None and output.opts != ["-o", "--output"]:
        problems.append(f"{name}: -o/--output")
    fmt = _named(command, "--format")
    if fmt is not None and not (
        isinstance(fmt.type, click.Choice) and set(fmt.type.choices) <= set(READ_FORMATS)
    ):
        problems.append(f"{name} --format: the input formats {READ_FORMATS}")
    to = _named(command, "--to")
    if to is not None and not isinstance(to.type, click.Choice):
        problems.append(f"{name} --to: a choice of formats")
    elif (
        to is not None
        and name in MESSAGE_WRITERS
        and not set(to.type.choices) <= set(WRITE_FORMATS)
    ):
        problems.append(f"{name} --to: the message formats {WRITE_FORMATS}")
    lang = _named(command, "--lang")
    if lang is None or not isinstance(lang.type, click.Choice):
        problems.append(f"{name}: --lang nl|en")
    elif list(lang.type.choices) != ["nl", "en"]:
        problems.append(f"{name} --lang: nl|en")
    quiet = _named(command, "--quiet")
    if quiet is None or quiet.opts != ["-q", "--quiet"] or not quiet.is_flag:
        problems.append(f"{name}: -q/--quiet")
    report = _named(command, "--output-format")
    if report is None and name not in NOT_REPORTING:
        problems.append(f"{name}: --output-format text|json")
    if report is not None and not (
        isinstance(report.type, click.Choice)
        and list(report.type.choices) == ["text", "json"]
        and report.default == "text"
    ):
        problems.append(f"{name} --output-format: text|json, default text")
    return problems


def exit_code_problems(name: str, command: click.Command) -> list[str]:
    text = command.get_help(click.Context(command, info_name=name))
    if "Exit codes:" not in text:
        return [f"{name}: no exit codes in --help"]
    codes = set(text.split("Exit codes:", 1)[1].split())
    return [] if {"0", "1", "2", "130"} <= codes else [f"{name}: exit codes incomplete"]


@pytest.mark.parametrize(("name", "command"), COMMAND_LIST, ids=IDS)
def test_every_option_has_help_with_its_default(name: str, command: click.Command) -> None:
    assert help_problems(name, command) == []


@pytest.mark.parametrize(("name", "command"), LEAF_LIST, ids=LEAF_IDS)
def test_one_vocabulary(name: str, command: click.Command) -> None:
    assert vocabulary_problems(name, command) == []


@pytest.mark.parametrize(("name", "command"), COMMAND_LIST, ids=IDS)
def test_every_help_documents_the_exit_codes(name: str, command: click.Command) -> None:
    assert exit_code_problems(name, command) == []


def test_the_walk_catches_what_it_should() -> None:
    """A command with every fault is reported on each of them."""

    @click.command("bad")
    @click.option("--output-dir")
    @click.option("--retries", type=int, default=3, help="How often to try again.")
    @click.option(
        "--format", type=click.Choice(["xml", "yaml"]), help="Input format [default: xml]."
    )
    @click.option("--lang", type=click.Choice(["en", "nl"]), default="en", help="Language.")
    def bad(output_dir: str, retries: int, format: str, lang: str) -> None:
        """A command that diverges."""

    problems = help_problems("bad", bad) + vocabulary_problems("bad", bad)
    assert any("--output-dir: no help text" in p for p in problems)
    assert any("--retries: its default is not shown" in p for p in problems)
    assert any("--output-dir: say -o/--output" in p for p in problems)
    assert any("--format: the input formats" in p for p in problems)
    assert any("--lang: nl|en" in p for p in problems)
    assert any("-q/--quiet" in p for p in problems)
    assert any("--output-format" in p for p in problems)
    assert exit_code_problems("bad", bad) == ["bad: no exit codes in --help"]
    assert exit_code_problems("bad", exit_codes("something")(bad)) == []


def test_the_walk_reaches_the_subcommands_of_groups() -> None:
    """A subcommand is checked like a top-level command; so is a group's help."""

    @click.group("tool")
    def tool() -> None:
        """A group without exit codes."""

    @tool.command("run")
    @click.option("--out", help="Where to write.")
    def run(out: str) -> None:
        """A subcommand that diverges."""

    walked = dict(_walk("tool", tool))
    assert list(walked) == ["tool", "tool run"]
    assert exit_code_problems("tool", tool) == ["tool: no exit codes in --help"]
    problems = vocabulary_problems("tool run", walked["tool run"])
    assert "tool run --out: say -o/--output" in problems
    assert "tool run: --lang nl|en" in problems and "tool run: -q/--quiet" in problems
    names = [name for name, _ in COMMAND_LIST]
    assert {"ledger add", "agreements import", "conformance check-sent", "release"} <= set(names)
