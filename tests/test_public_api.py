"""The library speaks as the command does: one public API, convert failures cannot be missed."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import resv_edi
from resv_edi import api

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_all_lists_the_public_api_and_every_name_resolves() -> None:
    assert resv_edi.__all__ == api.__all__
    for name in resv_edi.__all__:
        assert getattr(resv_edi, name) is getattr(api, name)
    with pytest.raises(AttributeError):
        _ = resv_edi.no_such_name  # type: ignore[attr-defined]


def test_public_functions_have_docstrings_with_examples() -> None:
    for name in resv_edi.__all__:
        obj = getattr(resv_edi, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, name
        if inspect.isfunction(obj) and obj.__module__ == "resv_edi.pipeline":
            assert ">>>" in obj.__doc__, name


def test_a_failed_conversion_cannot_be_missed(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    source = FIXTURES / "invalid" / "R001_total_mismatch.xml"
    result = resv_edi.convert(source, target, "json")
    assert not result and not result.written and result.issues
    assert not target.exists()
    with pytest.raises(resv_edi.ConversionError) as caught:
        result.raise_for_issues()
    assert caught.value.result is result and "R001" in str(caught.value)
    with pytest.raises(resv_edi.ConversionError):
        resv_edi.convert(source, target, "json", check=True)
    good = resv_edi.convert(
        FIXTURES / "valid" / "prestatie1_credit_correction.xml", target, "json", check=True
    )
    assert good and target.exists()


def test_nothing_inside_the_package_imports_the_api_module() -> None:
    root = Path(resv_edi.__file__).parent
    pattern = re.compile(
        r"^\s*(from resv_edi\.api import|import resv_edi\.api|from resv_edi import api)"
    )
    for path in root.rglob("*.py"):
        if path == root / "__init__.py":
            continue  # the lazy re-export of the public API
        lines = path.read_text(encoding="utf-8").splitlines()
        assert not [line for line in lines if pattern.match(line)], path
