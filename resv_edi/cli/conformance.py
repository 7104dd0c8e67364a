"""``resv-edi conformance``: the conformance kit for vendors (check-sent, check-answered)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from resv_edi.cli.options import (
    exit_codes,
    lang_option,
    output_format_option,
    output_option,
    quiet_option,
)
from resv_edi.cli.words import echo_json, say
from resv_edi.conformance.kit import FAIL, MISSING, KitReport, check_answered, check_sent
from resv_edi.conformance.report import STATUS_TEXT, write_html, write_json
from resv_edi.conformance.scenarios import (
    Scenario,
    export_scenarios,
    load_scenarios,
    version_mismatch,
)
from resv_edi.errors import ExitCode
from resv_edi.reporting import text_line
from resv_edi.terminal import printable

_SHOWN = 3  # differences printed per failing scenario (the reports hold all)


@exit_codes("a scenario failed or is missing (see the subcommands)")
@click.group("conformance")
def command() -> None:
    """Conformance kit: test the declarations and return messages of your software against
    the scenarios (casus) of the standard. / Conformiteitskit: toets de declaraties en
    retourberichten van uw software aan de scenario's van de standaard."""


def _check_options(func: Callable[..., None]) -> Callable[..., None]:
    options: list[Callable[[Any], Any]] = [
        click.argument("directory", type=click.Path(exists=True, file_okay=False)),
        click.option(
            "-o",
            "--output",
            type=click.Path(file_okay=False),
            default="conformance-report",
            show_default=True,
            help="Folder for the HTML and JSON report. / Map voor het rapport.",
        ),
        click.option("--report-dir", hidden=True, help="Deprecated: use -o/--output."),
        click.option(
            "--scenario",
            "only",
            multiple=True,
            help="Check only this scenario id (repeatable). / Alleen dit scenario.",
        ),
        click.option(
            "--skip-missing",
            is_flag=True,
            help="Scenarios without a file are skipped, not failed. / Ontbrekende overslaan.",
        ),
        click.option(
            "--scenarios",
            "scenario_dir",
            type=click.Path(exists=True, file_okay=False),
            default=None,
            help="Scenario folder of a pinned release (default: this package's). / "
            "Scenariomap van een vastgepinde release.",
        ),
        output_format_option("text for people; json: the kit's report on stdout."),
        lang_option(),
        quiet_option(),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@exit_codes("a scenario failed, or is missing without --skip-missing")
@command.command("check-sent")
@_check_options
def sent_command(directory: str, only: tuple[str, ...], skip_missing: bool, **options: Any) -> None:
    """Validate the declarations your software made for the scenarios (DIRECTORY/<id>.xml,
    .json, .ndjson or .asc) and compare them with the scenarios. / Valideer de declaraties
    die uw software voor de scenario's maakte en vergelijk ze met de scenario's."""
    _run(check_sent, directory, only, skip_missing, **options)


@exit_codes("a scenario failed, or is missing without --skip-missing")
@command.command("check-answered")
@_check_options
def answered_command(
    directory: str, only: tuple[str, ...], skip_missing: bool, **options: Any
) -> None:
    """Compare the return messages your software gave to the scenarios' declarations
    (DIRECTORY/<id>.<ext>) with the expected ones, line by line. / Vergelijk de
    retourberichten van uw software regel voor regel met de verwachte."""
    _run(check_answered, directory, only, skip_missing, **options)


@exit_codes("(not used by this command)")
@command.command("export")
@output_option("Folder to write the scenarios to.", required=False, directory=True)
@click.option("--output-dir", hidden=True, help="Deprecated: use -o/--output.")
@lang_option()
@quiet_option()
def export_command(output: str | None, output_dir: str | None, lang: str, quiet: bool) -> None:
    """Write every scenario (story, declaration in each format, expected return message) to
    OUTPUT/<id>/. / Schrijf alle scenario's naar OUTPUT/<id>/. The status goes to stderr."""
    folder = _deprecated(output, output_dir, "--output-dir", lang)
    if folder is None:
        raise click.UsageError("-o/--output is required / -o/--output is verplicht")
    try:
        scenarios = export_scenarios(Path(folder))
    except OSError as exc:
        raise click.UsageError(f"{folder}: {exc.strerror or exc}") from exc
    if not quiet:
        done = say("scenarios_written", lang, count=len(scenarios), folder=folder)
        click.echo(printable(f"{folder}: written ({done})"), err=True)


def _deprecated(value: str | None, old_value: str | None, old: str, lang: str) -> str | None:
    """The value of -o/--output, or of its deprecated spelling ``old`` (with a warning)."""
    if old_value is not None:
        click.echo(f"resv-edi: {say('deprecated', lang, old=old, new='-o/--output')}", err=True)
    return value if value is not None else old_value


def _scenarios(scenario_dir: str | None, only: tuple[str, ...]) -> list[Scenario]:
    try:
        scenarios = load_scenarios(Path(scenario_dir) if scenario_dir else None)
    except (OSError, KeyError, ValueError) as exc:
        raise click.UsageError(f"scenario's niet leesbaar / scenarios unreadable: {exc}") from exc
    if not scenarios:
        raise click.UsageError("geen scenario's gevonden / no scenarios found")
    mismatch = version_mismatch(scenarios)
    if mismatch:
        raise click.UsageError(mismatch)
    unknown = sorted(set(only) - {s.id for s in scenarios})
    if unknown:
        raise click.UsageError(f"onbekend scenario / unknown scenario: {', '.join(unknown)}")
    return scenarios


def _run(
    check: Callable[..., KitReport],
    directory: str,
    only: tuple[str, ...],
    skip_missing: bool,
    *,
    output: str,
    report_dir: str | None,
    scenario_dir: str | None,
    output_format: str,
    lang: str,
    quiet: bool,
) -> None:
    if report_dir is not None:
        output = _deprecated(None, report_dir, "--report-dir", lang) or output
    report_dir = output
    scenarios = _scenarios(scenario_dir, only)
    try:
        report = check(directory, scenarios=scenarios, only=only, skip_missing=skip_missing)
        html = Path(report_dir) / f"{report.check}.html"
        json_path = Path(report_dir) / f"{report.check}.json"
        write_json(report, json_path)
        write_html(report, html)
    except OSError as exc:  # an unreadable folder, a report folder that cannot be written
        where = exc.filename or report_dir
        raise click.UsageError(f"{where}: {exc.strerror or exc}") from exc
    code = ExitCode.OK if report.passed else ExitCode.INVALID
    if output_format == "json":
        echo_json(
            {**report.as_dict(), "reports": [str(json_path), str(html)], "exit_code": int(code)}
        )
    else:
        _text(report, lang)
    if not quiet:
        counts = ", ".join(f"{STATUS_TEXT[s]} {report.count(s)}" for s in STATUS_TEXT)
        verdict = "valid" if report.passed else "invalid"
        summary = say("kit_summary", lang, check=report.check, counts=counts)
        click.echo(printable(f"{directory}: {verdict} ({summary})"), err=True)
        for path in (json_path, html):
            click.echo(printable(f"{path}: written"), err=True)
    sys.exit(int(code))


def _text(report: KitReport, lang: str) -> None:
    """The failing and missing scenarios with their first issues and differences (stdout);
    each status word as in the HTML and JSON reports."""
    empty = say("empty", lang)
    for result in report.results:
        if result.status not in (FAIL, MISSING):
            continue
        click.echo(printable(f"{result.scenario.id}: {STATUS_TEXT[result.status]}"))
        for found in result.files:
            for i in found.issues[:_SHOWN]:
                click.echo(f"  {found.file}: {text_line(i, lang)}")
            for d in found.differences[:_SHOWN]:
                both = say(
                    "expected_found", lang, expected=d.expected or empty, found=d.found or empty
                )
                click.echo(f"  {found.file}: {d.where} {d.element}: {both}")
