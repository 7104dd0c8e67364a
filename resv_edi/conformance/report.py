"""The kit's reports: JSON for programs, one self-contained HTML page for people.

The page needs no script and no network: inline CSS, every value escaped. Labels are Dutch
with the English after them, as users read Dutch first.
"""

from __future__ import annotations

import os
from html import escape

import orjson

from resv_edi.conformance.kit import FAIL, MISSING, PASS, SKIPPED, KitReport, ScenarioResult
from resv_edi.source import atomic_output

STATUS_TEXT = {
    PASS: "geslaagd / passed",
    FAIL: "afgekeurd / failed",
    MISSING: "ontbreekt / missing",
    SKIPPED: "overgeslagen / skipped",
}
CHECK_TEXT = {
    "check-sent": "Verzonden declaraties (check-sent) / declarations sent",
    "check-answered": "Beantwoorde declaraties (check-answered) / return messages",
}

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#1a202c;max-width:72em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.4em 0 1em}td,th{border:1px solid #cbd5e0;
padding:.25em .6em;text-align:left;vertical-align:top}th{background:#edf2f7}
.pass{color:#276749;font-weight:600}.fail,.missing{color:#c53030;font-weight:600}
.skipped{color:#718096}.story{color:#4a5568;margin:.2em 0 .6em}code{font-size:.95em}
"""


def write_json(report: KitReport, path: str | os.PathLike[str]) -> None:
    """The report as JSON at ``path``, atomically."""
    data = orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2) + b"\n"
    with atomic_output(path) as out:
        out.write(data)


def write_html(report: KitReport, path: str | os.PathLike[str]) -> None:
    """The report as one self-contained HTML page at ``path``, atomically."""
    with atomic_output(path) as out:
        out.write(render_html(report).encode("utf-8"))


def render_html(report: KitReport) -> str:
    verdict = "GESLAAGD / PASSED" if report.passed else "NIET GESLAAGD / NOT PASSED"
    rows = "".join(
        f'<tr><td><a href="#{escape(r.scenario.id)}">{escape(r.scenario.id)}</a></td>'
        f"<td>{escape(r.scenario.title_nl)}</td>"
        f'<td class="{r.status}">{STATUS_TEXT[r.status]}</td></tr>'
        for r in report.results
    )
    counts = ", ".join(f"{STATUS_TEXT[s]}: {report.count(s)}" for s in STATUS_TEXT)
    unknown = (
        "<p>Bestanden zonder scenario (genegeerd) / files without a scenario (ignored): "
        + ", ".join(f"<code>{escape(n)}</code>" for n in report.unknown_files)
        + "</p>"
        if report.unknown_files
        else ""
    )
    details = "".join(_scenario_html(r) for r in report.results if r.status != SKIPPED)
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>resv-edi conformance: {escape(report.check)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>{escape(CHECK_TEXT.get(report.check, report.check))}</h1>"
        f'<p class="{PASS if report.passed else FAIL}">{verdict}</p>'
        f"<p>Map / folder: <code>{escape(report.directory)}</code><br>"
        f"Standaard / standard {escape(report.standard_version)}, "
        f"resv-edi {escape(report.package_version)}<br>{counts}</p>{unknown}"
        "<table><tr><th>Scenario</th><th>Titel / title</th><th>Uitslag / result</th></tr>"
        f"{rows}</table>{details}</body></html>\n"
    )


def _scenario_html(result: ScenarioResult) -> str:
    s = result.scenario
    parts = [
        f'<h2 id="{escape(s.id)}">{escape(s.id)}: {escape(s.title_nl)} '
        f'<span class="{result.status}">({STATUS_TEXT[result.status]})</span></h2>',
        f'<p class="story">{escape(s.story_nl)}<br><i>{escape(s.story_en)}</i></p>',
    ]
    if result.status == MISSING:
        parts.append(f"<p>Geen bestand <code>{escape(s.id)}.*</code> gevonden / no file found.</p>")
    for found in result.files:
        parts.append(
            f"<p>Bestand / file <code>{escape(found.file)}</code>: "
            f"{'in orde / fine' if found.passed else ''}</p>"
        )
        if found.issues:
            parts.append(
                "<table><tr><th>Code</th><th>Plaats / location</th><th>Melding / message</th>"
                "</tr>"
                + "".join(
                    f"<tr><td>{escape(i.code)}</td><td>{escape(str(i.location))}</td>"
                    f"<td>{escape(i.message)}</td></tr>"
                    for i in found.issues
                )
                + "</table>"
            )
        if found.differences:
            parts.append(
                "<table><tr><th>Waar / where</th><th>Element</th><th>Verwacht / expected</th>"
                "<th>Gevonden / found</th></tr>"
                + "".join(
                    f"<tr><td>{escape(d.where)}</td><td>{escape(d.element)}</td>"
                    f"<td>{escape(d.expected) or '<i>(leeg)</i>'}</td>"
                    f"<td>{escape(d.found) or '<i>(leeg)</i>'}</td></tr>"
                    for d in found.differences
                )
                + "</table>"
            )
    return "".join(parts)
