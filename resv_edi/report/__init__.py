"""The NZa monitoring report: declarations aggregated per hoofdtaak, RESV, insurer, region, year.

>>> from resv_edi.report import aggregate, write_report
>>> write_report(aggregate(["decl.xml"]), "out/")
"""

from resv_edi.report.aggregate import DIMENSIONS, Aggregate, aggregate
from resv_edi.report.html import bar_chart, render_html
from resv_edi.report.writers import write_report

__all__ = ["DIMENSIONS", "Aggregate", "aggregate", "bar_chart", "render_html", "write_report"]
