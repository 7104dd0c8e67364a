"""A self-contained HTML page with inline SVG bar charts: no script, no network.

Charts are drawn in Python as SVG (one ``<svg>`` per chart, a ``<title>`` per bar for the
exact amount), so the page opens from disk in any browser and prints as it looks.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from resv_edi.standard.codelists import codelist

_BAR = 22
_GAP = 6
_LABEL = 190
_WIDTH = 720
_POS = "#2b6cb0"
_NEG = "#c53030"


#: characters of a chart label that fit left of the bars (12 px text, about 7 px each)
_LABEL_CHARS = _LABEL // 7


def euros(cents: int) -> str:
    """``-1,234.56`` from ``-123456`` cents, exact."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


def shortened(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis:
    a chart label is never cut in the middle of a word."""
    if len(text) <= limit:
        return text
    words = text[: limit - 1].rsplit(" ", 1)
    head = words[0] if len(words) > 1 and text[limit - 1] != " " else text[: limit - 1]
    return head.rstrip(" :,;-") + "…"


def bar_chart(title: str, items: Sequence[tuple[str, int]], chart_id: str) -> str:
    """A horizontal bar chart of (label, cents); negative bars go left of the zero line."""
    height = 34 + len(items) * (_BAR + _GAP) + 10
    lo = min([0, *(v for _, v in items)])
    hi = max([0, *(v for _, v in items)])
    span = (hi - lo) or 1
    plot = _WIDTH - _LABEL - 110
    zero = _LABEL + plot * (-lo) / span
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'width="{_WIDTH}" height="{height}" viewBox="0 0 {_WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 30 + i * (_BAR + _GAP)
        width = plot * abs(value) / span
        x = zero if value >= 0 else zero - width
        colour = _POS if value >= 0 else _NEG
        text = escape(label)
        shown = escape(shortened(label, _LABEL_CHARS))
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"<title>{text}</title>{shown}</text>"
        )
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y}" width="{max(width, 1):.1f}" '
            f'height="{_BAR}" fill="{colour}"><title>{text}: EUR {euros(value)}</title></rect>'
        )
        parts.append(
            f'<text x="{x + max(width, 1) + 4:.1f}" y="{y + 15}" font-size="11">'
            f"{euros(value)}</text>"
        )
    parts.append(f'<line x1="{zero:.1f}" y1="26" x2="{zero:.1f}" y2="{height - 8}" stroke="#333"/>')
    parts.append("</svg>")
    return "".join(parts)


#: most rows of one table on the page (``--page-size``); the CSV and JSON files hold them all
PAGE_SIZE = 1000


def _table(
    title: str, rows: list[dict[str, Any]], dims: Sequence[str], page_size: int = PAGE_SIZE
) -> str:
    head = "".join(f"<th>{escape(d)}</th>" for d in dims)
    body = []
    shown = rows[:page_size] if page_size else rows
    for row in shown:
        cells = "".join(f"<td>{escape(str(row[d]))}</td>" for d in dims)
        amounts = "".join(
            f'<td class="num">{euros(row[k])}</td>' for k in ("debit", "credit", "net")
        )
        body.append(f'<tr>{cells}{amounts}<td class="num">{row["lines"]}</td></tr>')
    return (
        f"<h3>{escape(title)}</h3><table><thead><tr>{head}<th>debit (EUR)</th>"
        f"<th>credit (EUR)</th><th>net (EUR)</th><th>lines</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        + (
            f"<p>{len(shown)} of {len(rows)} rows shown / rijen getoond; all rows are in "
            f"{escape(title)}.csv and {escape(title)}.json.</p>"
            if len(shown) < len(rows)
            else ""
        )
    )


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0 0 1.5em}
td,th{border:1px solid #ccc;padding:3px 8px}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:block;margin:1em 0}
"""


def render_html(
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]],
    meta: dict[str, Any],
    page_size: int = PAGE_SIZE,
) -> str:
    """The report page: summary, one chart per one-dimension table, then all tables."""
    tasks = codelist("hoofdtaken")
    charts = []
    for name, (dims, rows) in tables.items():
        if len(dims) != 1:
            continue
        dim = dims[0]
        items = []
        for row in rows[:25]:
            label = str(row[dim])
            if dim == "hoofdtaak":
                label = f"{label} {tasks.text(label, 'nl')}".strip()
            items.append((label, int(row["net"])))
        charts.append(bar_chart(f"Net amount per {dim} (EUR)", items, f"chart-{name}"))
    excluded = "".join(
        f"<li>{escape(f)}: {n} errors</li>" for f, n in meta.get("excluded", {}).items()
    )
    summary = (
        f"<p>{meta['files']} files read, {meta['files'] - len(meta.get('excluded', {}))} "
        f"counted; {meta['lines']} lines; net EUR {euros(meta['net'])} "
        f"(debit {euros(meta['debit'])}, credit {euros(meta['credit'])}).</p>"
        + (f"<p>Left out (errors):</p><ul>{excluded}</ul>" if excluded else "")
    )
    body = "".join(_table(name, rows, dims, page_size) for name, (dims, rows) in tables.items())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>RESV monitoring report</title>"
        f"<style>{_CSS}</style></head><body>"
        "<h1>RESV monitoring report</h1>"
        f"{summary}<h2>Charts</h2>{''.join(charts)}<h2>Tables</h2>{body}"
        "</body></html>\n"
    )
