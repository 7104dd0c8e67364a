"""A RESV EI message read from a stream with its kind given (it used to raise AttributeError:
a stream's layout is only known to the reader)."""

from __future__ import annotations

import io

from resv_edi.errors import Issue
from resv_edi.formats.ei.resv import read_ei, write_ei
from resv_edi.generate.declarations import generate_declaration
from resv_edi.model.messages import DECLARATIE, RETOUR, Entry


def test_a_stream_with_a_given_kind_is_read() -> None:
    out = io.BytesIO()
    write_ei(generate_declaration(3, seed=4), out, DECLARATIE)
    items = list(read_ei(io.BytesIO(out.getvalue()), DECLARATIE))
    parts = [i.part for i in items if isinstance(i, Entry)]
    assert parts == ["header", "line", "line", "line", "totals"]
    assert not [i for i in items if isinstance(i, Issue)]
    wrong = list(read_ei(io.BytesIO(out.getvalue()), RETOUR))
    assert any(isinstance(i, Issue) and i.is_error for i in wrong)
