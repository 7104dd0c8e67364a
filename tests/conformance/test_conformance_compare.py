"""The element-by-element comparison of the kit: lines matched by key whatever their order,
missing and extra lines, repeated keys, return codes compared as a set."""

from __future__ import annotations

from resv_edi.conformance.compare import Difference, Snapshot, compare_spec, differences

SPEC = compare_spec("retour")


def _line(ref: str, granted: str = "100", codes: str = "0200") -> dict[str, str]:
    return {
        "Referentienummer": ref,
        "IngediendBedrag": "100",
        "IngediendDebetCredit": "D",
        "ToegekendBedrag": granted,
        "ToegekendDebetCredit": "D",
        "Retourcode": codes,
    }


def _shot(*lines: dict[str, str], codes: str = "0200") -> Snapshot:
    return Snapshot(header={"Retourcode": codes}, lines=list(lines))


def test_order_of_lines_and_of_return_codes_does_not_count() -> None:
    expected = _shot(_line("A", codes="7510 7511"), _line("B"))
    found = _shot(_line("B"), _line("A", codes="7511 7510"))
    assert differences(expected, found, SPEC) == []


def test_missing_extra_and_changed_lines_are_named() -> None:
    expected = _shot(_line("A"), _line("B"), _line("C"))
    found = _shot(_line("A", granted="0"), _line("C"), _line("D"))
    assert differences(expected, found, SPEC) == [
        Difference("line A", "ToegekendBedrag", "100", "0"),
        Difference("line B", "Referentienummer", "B", ""),
        Difference("line D", "Referentienummer", "", "D"),
    ]


def test_a_repeated_reference_is_matched_by_occurrence() -> None:
    expected = _shot(_line("A"), _line("A", codes="7501"))
    found = _shot(_line("A"), _line("A", codes="0200"))
    assert differences(expected, found, SPEC) == [
        Difference("line A (2)", "Retourcode", "7501", "0200")
    ]


def test_header_codes_and_totals_count() -> None:
    expected = Snapshot({"Retourcode": "0001"}, [], {"AantalPrestaties": "0"})
    found = Snapshot({"Retourcode": "0200"}, [], {"AantalPrestaties": "1"})
    assert differences(expected, found, SPEC) == [
        Difference("header", "Retourcode", "0001", "0200"),
        Difference("totals", "AantalPrestaties", "0", "1"),
    ]
