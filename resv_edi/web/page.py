"""The HTML of the page, rendered on the server; every value from a file or a client is escaped.

The page works without JavaScript (a plain form; the buttons post to the API endpoints);
``/static/app.js`` adds dropping a file, checking in place, sorting and filtering.
"""

from __future__ import annotations

from html import escape
from typing import Any

from resv_edi.standard.facts import facts
from resv_edi.web.messages import issue_row
from resv_edi.web.service import READ_FORMATS, WRITE_FORMATS
from resv_edi.web.texts import TEXTS

_SEVERITIES = ("fatal", "error", "warning", "info")
_COLUMNS = ("code", "severity", "place", "message", "advice")


def page(lang: str, results: str = "") -> str:
    """The whole page, with the results section (empty, or :func:`results`)."""
    t = TEXTS[lang]
    other = "en" if lang == "nl" else "nl"
    formats = "".join(
        f'<option value="{f}">{escape(t["auto"]) if f == "auto" else f.upper()}</option>'
        for f in READ_FORMATS
    )
    targets = "".join(f'<option value="{f}">{f.upper()}</option>' for f in WRITE_FORMATS)
    data = " ".join(
        f'data-msg-{key.replace("_", "-")}="{escape(t[key])}"'
        for key in ("busy", "failed", "convert_failed", "no_file")
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t["title"])} · resv-edi</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<script src="/static/app.js" defer></script>
</head>
<body>
<header class="top">
<h1>{escape(t["title"])}</h1>
<a class="switch" href="/?lang={other}" hreflang="{other}" lang="{other}">{escape(t["switch"])}</a>
</header>
<main>
<p>{escape(t["intro"])}</p>
<form id="upload" method="post" action="/?lang={lang}" enctype="multipart/form-data" {data}>
<div id="drop" class="drop">
<p id="drop-hint">{escape(t["drop"])}</p>
<label for="file">{escape(t["file"])}</label>
<input type="file" id="file" name="file" required aria-describedby="drop-hint">
</div>
<input type="hidden" name="lang" value="{lang}">
<div class="row">
<label for="format">{escape(t["format"])}</label>
<select id="format" name="format">{formats}</select>
</div>
<div class="actions">
<button type="submit" id="check" class="primary">{escape(t["check"])}</button>
<button type="submit" id="retour" formaction="/v1/retour">{escape(t["retour"])}</button>
<span class="convert">
<label for="to">{escape(t["to"])}</label>
<select id="to" name="to">{targets}</select>
<button type="submit" id="convert" formaction="/v1/convert">{escape(t["convert"])}</button>
</span>
<button type="submit" id="report" formaction="/v1/report?output=html" formtarget="_blank">\
{escape(t["report"])}</button>
</div>
<p id="status" role="status" aria-live="polite"></p>
</form>
<section id="results" aria-live="polite">{results}</section>
</main>
<footer>
<p>{escape(t["standard"])} {escape(facts().version)} ·
{escape(t["api"])} <a href="/openapi.json">/openapi.json</a></p>
</footer>
</body>
</html>
"""


def results(document: dict[str, Any], lang: str) -> str:
    """The verdict and the issues table of a validation document (``/v1/validate``)."""
    t = TEXTS[lang]
    report = document["files"][0]
    status = report["status"]
    verdict = t[status].format(errors=report["errors"], warnings=report["warnings"])
    facts_line = t["facts"].format(
        format=(report.get("format") or "?").upper(),
        message=report.get("message") or "?",
        lines=report["lines"],
    )
    rows = [issue_row(item, lang) for item in report["issues"]]
    return (
        f'<h2>{escape(t["result"])} <span class="name">{escape(report["file"])}</span></h2>'
        f'<p id="verdict" class="verdict {status}" data-status="{status}">{escape(verdict)}</p>'
        f"<p>{escape(facts_line)}</p>"
        + (_table(rows, t) if rows else f'<p id="no-issues">{escape(t["none"])}</p>')
    )


def _table(rows: list[dict[str, str]], t: dict[str, str]) -> str:
    options = "".join(f'<option value="{s}">{escape(t[s])}</option>' for s in _SEVERITIES)
    heads = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" data-column="{i}">'
        f"{escape(t[c])}</button></th>"
        for i, c in enumerate(_COLUMNS)
    )
    body = "".join(
        f'<tr data-severity="{escape(r["severity"])}">'
        f'<td class="code">{escape(r["code"])}</td>'
        f'<td class="sev {escape(r["severity"])}">{escape(t.get(r["severity"], ""))}</td>'
        f'<td class="place" data-sort="{escape(r["line"].rjust(9, "0"))}">{escape(r["place"])}</td>'
        f"<td>{escape(r['message'])}</td><td>{escape(r['advice'])}</td></tr>"
        for r in rows
    )
    shown = escape(t["shown"])
    return f"""<h3 id="issues-title">{escape(t["issues"])}</h3>
<div class="filters" id="filters" hidden>
<label for="filter">{escape(t["filter"])}</label>
<input type="search" id="filter" autocomplete="off">
<label for="severity">{escape(t["severity"])}</label>
<select id="severity"><option value="">{escape(t["all"])}</option>{options}</select>
<span id="shown" data-template="{shown}" aria-live="polite"></span>
</div>
<p class="hint">{escape(t["sort"])}</p>
<div class="scroll" role="region" aria-labelledby="issues-title" tabindex="0">
<table id="issues"><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>
</div>"""


def problem(detail: str, lang: str) -> str:
    """A results section that says a request could not be handled."""
    text = TEXTS[lang]["failed"].format(detail=detail)
    return f'<p id="verdict" class="verdict unreadable" data-status="error">{escape(text)}</p>'
