"""``resv-edi conformance``: the conformance kit for vendors (check-sent, check-answered)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from resv_edi.conformance.kit import FAIL, MISSING, KitReport, check_answered, check_sent
from resv_edi.conformance.report import STATUS_TEXT, write_html, write_json
from resv_edi.conformance.scenarios import (
    Scenario,
    export_scenarios,
    load_scenarios,
    version_mismatch,
)
from resv_edi.errors import ExitCode

_SHOWN = 3  # differences printed per failing scenario (the reports hold all)


@click.group("conformance")
def command() -> None:
    """Conformance kit: test the declarations and return messages of your software against
    the scenarios (casus) of the standard. / Conformiteitskit: toets de declaraties en
    retourberichten van uw software aan de scenario's van de standaard."""


def _check_options(func: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.argument("directory", type=click.Path(exists=True, file_okay=False)),
        click.option(
            "-o",
            "--report-dir",
            type=click.Path(file_okay=False),
            default="conformance-report",
            show_default=True,
            help="Folder for the HTML and JSON report. / Map voor het rapport.",
        ),
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
    ]
    for option in reversed(options):
        func = option(func)
    return func


@command.command("check-sent")
@_check_options
def sent_command(
    directory: str,
    report_dir: str,
    only: tuple[str, ...],
    skip_missing: bool,
    scenario_dir: str | None,
) -> None:
    """Validate the declarations your software made for the scenarios (DIRECTORY/<id>.xml,
    .json, .ndjson or .asc) and compare them with the scenarios. / Valideer de declaraties
    die uw software voor de scenario's maakte en vergelijk ze met de scenario's."""
    _run(check_sent, directory, report_dir, only, skip_missing, scenario_dir)


@command.command("check-answered")
@_check_options
def answered_command(
    directory: str,
    report_dir: str,
    only: tuple[str, ...],
    skip_missing: bool,
    scenario_dir: str | None,
) -> None:
    """Compare the return messages your software gave to the scenarios' declarations
    (DIRECTORY/<id>.<ext>) with the expected ones, line by line. / Vergelijk de
    retourberichten van uw software regel voor regel met de verwachte."""
    _run(check_answered, directory, report_dir, only, skip_missing, scenario_dir)


@command.command("export")
@click.option("-o", "--output-dir", required=True, type=click.Path(file_okay=False))
def export_command(output_dir: str) -> None:
    """Write every scenario (story, declaration in each format, expected return message) to
    OUTPUT_DIR/<id>/. / Schrijf alle scenario's naar OUTPUT_DIR/<id>/."""
    try:
        scenarios = export_scenarios(Path(output_dir))
    except OSError as exc:
        raise click.UsageError(f"{output_dir}: {exc.strerror or exc}") from exc
    click.echo(f"{len(scenarios)} scenario's -> {output_dir}", err=True)


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
    report_dir: str,
    only: tuple[str, ...],
    skip_missing: bool,
    scenario_dir: str | None,
) -> None:
    scenarios = _scenarios(scenario_dir, only)
    try:
        report = check(directory, scenarios=scenarios, only=only, skip_missing=skip_missing)
        html = Path(report_dir) / f"{report.check}.html"
        write_json(report, Path(report_dir) / f"{report.check}.json")
        write_html(report, html)
    except OSError as exc:  # an unreadable folder, a report folder that cannot be written
        where = exc.filename or report_dir
        raise click.UsageError(f"{where}: {exc.strerror or exc}") from exc
    for result in report.results:
        if result.status not in (FAIL, MISSING):
            continue
        click.echo(f"{result.scenario.id}: {STATUS_TEXT[result.status]}")
        for found in result.files:
            for i in found.issues[:_SHOWN]:
                click.echo(f"  {found.file}: {i.code} {i.message}")
            for d in found.differences[:_SHOWN]:
                click.echo(
                    f"  {found.file}: {d.where} {d.element}: verwacht/expected "
                    f"{d.expected or '(leeg)'}, gevonden/found {d.found or '(leeg)'}"
                )
    counts = ", ".join(f"{STATUS_TEXT[s]} {report.count(s)}" for s in STATUS_TEXT)
    click.echo(f"{report.check}: {counts}; rapport/report {html}", err=True)
    sys.exit(int(ExitCode.OK if report.passed else ExitCode.INVALID))
