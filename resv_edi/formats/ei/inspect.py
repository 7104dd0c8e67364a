"""The summary of an EI file (:func:`resv_edi.vektis.inspect.inspect_file`), with the return
codes of a RESV return message explained from the RESV return-code list."""

from __future__ import annotations

from typing import Any

from resv_edi.formats.ei.resv import is_resv_layout
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.source import Source
from resv_edi.standard.codelists import codelist
from resv_edi.vektis import inspect as vektis_inspect
from resv_edi.vektis.layout import Layout


def code_texts(code: str, layout: Layout | None) -> dict[str, str]:
    """The texts of a return code: from the RESV list in a RESV return message, else from
    the Vektis lists (:func:`resv_edi.vektis.returncodes.explain`)."""
    if layout is not None and is_resv_layout(layout) is not None:
        found = codelist("retourcodes").get(code)
        if found is not None:
            return {"nl": found.text("nl"), "en": found.text("en")}
        return {"nl": "Niet in de RESV-retourcodelijst", "en": "Not in the RESV return-code list"}
    return vektis_inspect.vektis_code_texts(code, layout)


def inspect_file(path: Source, *, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Summary of one EI file (see :func:`resv_edi.vektis.inspect.inspect_file`)."""
    return vektis_inspect.inspect_file(path, limits=limits, code_texts=code_texts)
