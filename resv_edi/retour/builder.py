"""Building the Retourbericht of a declaration from the issues the validator finds.

The retour is just another rendering of the collected issues (as pyx12 renders a 999): the
declaration streams once through the reader and the rule engine; every line's outcome is
spilled to a temporary file, because the header's return codes and the cross-line rules are
known only at the end. Then the retour streams out: header, lines, totals. Memory stays flat;
only the lines hit by cross-line rules are held (by index).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from resv_edi.errors import Issue, Location, Severity
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record
from resv_edi.model.declaratie import Header, Prestatie, raw_signed_amount
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.model.retour import RetourHeader, RetourPrestatie, RetourTotalen
from resv_edi.model.types import TEXT_PATTERN
from resv_edi.pipeline import PathLike, read
from resv_edi.privacy import redact
from resv_edi.retour.policy import RetourPolicy, retour_policy
from resv_edi.rules.engine import RuleEngine
from resv_edi.rules.partial import partial_record
from resv_edi.scratch import scratch_file
from resv_edi.standard.facts import facts


@dataclass
class RetourSummary:
    """What the retour says, for the caller's report."""

    lines: int = 0
    rejected_lines: int = 0
    message_codes: list[str] = field(default_factory=list)
    submitted: int = 0  # signed cents
    granted: int = 0  # signed cents
    issues: int = 0
    unreadable: bool = False  # the declaration could not be read (a fatal issue)
    #: header elements of the declaration that could not be read, so not copied to the retour
    header_not_copied: list[str] = field(default_factory=list)


def retour_records(
    source: PathLike,
    *,
    fmt: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
    today: date | None = None,
    message_id: str | None = None,
    summary: RetourSummary | None = None,
    policy: RetourPolicy | None = None,
    more_rules: Callable[[], Iterable[Issue]] | None = None,
) -> Iterator[Record]:
    """Yield the Retourbericht (header, lines, totals) answering the declaration ``source``
    (:func:`resv_edi.retour.answer.answer_records` answers a zip archive too).

    ``more_rules`` adds issues judged outside the message (e.g. the ledger's rules across
    messages): called once after the declaration was read, when it was readable."""
    policy = policy or retour_policy()
    summary = summary if summary is not None else RetourSummary()
    spill_path = scratch_file("retour", ".ndjson")
    try:
        with open(spill_path, "wb") as spill:
            state = _validate_into(source, fmt, limits, spill, more_rules)
        summary.issues = state.issue_count
        summary.unreadable = any(i.severity is Severity.FATAL for i in state.message_issues)
        message_errors = [i for i in state.message_issues if i.is_error]
        reject_all = bool(message_errors) and policy.reject_all_on_message_error
        summary.message_codes = policy.codes(state.message_issues)
        yield _header(state, summary, today, message_id)
        submitted = granted = 0
        with open(spill_path, "rb") as lines:
            for raw in lines:
                index, ref, amount, dc, issues = orjson.loads(raw)
                found = [_issue_from(i) for i in issues] + state.late.pop(index, [])
                codes = policy.codes(found)
                rejected = reject_all or any(policy.rejects(i) for i in found)
                if reject_all and codes == [policy.no_remarks]:
                    codes = [policy.message_rejected]
                given = 0 if rejected else amount
                signed = amount if dc == "D" else -amount
                submitted += signed
                granted += 0 if rejected else signed
                summary.lines += 1
                summary.rejected_lines += rejected
                yield RetourPrestatie(
                    referentienummer=ref,
                    ingediend_bedrag=amount,
                    ingediend_debet_credit=dc,
                    toegekend_bedrag=given,
                    toegekend_debet_credit=dc,
                    Retourcode=codes,
                )
        summary.submitted, summary.granted = submitted, granted
        yield RetourTotalen(
            aantal_prestaties=summary.lines,
            totaal_ingediend_bedrag=abs(submitted),
            ingediend_debet_credit="D" if submitted >= 0 else "C",
            totaal_toegekend_bedrag=abs(granted),
            toegekend_debet_credit="D" if granted >= 0 else "C",
        )
    finally:
        os.unlink(spill_path)


@dataclass
class _State:
    header: Header | None = None  # partial (only its readable fields set) when refused
    header_unreadable: tuple[str, ...] = ()
    message_issues: list[Issue] = field(default_factory=list)
    late: dict[int, list[Issue]] = field(default_factory=dict)
    issue_count: int = 0


def _validate_into(
    source: PathLike,
    fmt: str,
    limits: Limits,
    spill: object,
    more_rules: Callable[[], Iterable[Issue]] | None = None,
) -> _State:
    """Pass 1: read and check the declaration; spill one JSON line per declaration line."""
    state = _State()
    engine = RuleEngine(DECLARATIE)
    pending: list[Issue] = []
    write = spill.write  # type: ignore[attr-defined]
    try:
        for item in read(source, fmt, kind=DECLARATIE, limits=limits):
            found = engine.check(item)
            state.issue_count += len(found)
            if isinstance(item, Issue):
                if item.location.index is not None:
                    pending.append(item)
                else:
                    state.message_issues.append(item)
                continue
            own = pending + found
            pending = []
            if item.part == "header":
                if isinstance(item.record, Header):
                    state.header = item.record
                elif item.raw is not None:  # refused: copy what can still be read
                    header, unreadable = partial_record(Header, item.raw)
                    state.header, state.header_unreadable = header, unreadable  # type: ignore[assignment]
                state.message_issues.extend(own)
            elif item.part == "totals":
                state.message_issues.extend(own)
            else:
                write(orjson.dumps(_line_row(item, own)) + b"\n")
        found_late = list(engine.finish())
        if more_rules is not None and not engine.fatal:
            found_late.extend(more_rules())
        for late in found_late:
            state.issue_count += 1
            index = late.location.index
            if index is None:
                state.message_issues.append(late)
            else:
                state.late.setdefault(index, []).append(late)
    finally:
        engine.close()
    state.message_issues.extend(pending)
    return state


_REFERENCE = re.compile(TEXT_PATTERN)


def retour_reference(entry: Entry) -> str:
    """The reference the retour gives a declared line: its own, or for a line the schema
    refuses, the reference read from it when that is a valid one, else ``ONBEKEND-<n>``
    (n: the line's position). :mod:`resv_edi.retour.reconcile` matches lines by it."""
    record = entry.record
    if isinstance(record, Prestatie):
        return record.referentienummer
    ref = entry.location.reference
    if ref and len(ref) <= 20 and _REFERENCE.fullmatch(ref):
        return ref
    return f"ONBEKEND-{entry.index}"


def _line_row(entry: Entry, issues: list[Issue]) -> list[object]:
    record = entry.record
    ref = retour_reference(entry)
    if isinstance(record, Prestatie):
        amount, dc = record.bedrag, record.debet_credit
    else:  # refused by the schema: its amount as read, when that is sound by itself
        signed = raw_signed_amount(entry.raw) or 0
        amount, dc = abs(signed), ("C" if signed < 0 else "D")
    compact = [[i.code, i.severity.value, i.return_code] for i in issues]
    return [entry.index, ref, amount, dc, compact]


def _issue_from(row: list[str]) -> Issue:
    code, severity, return_code = row
    return Issue(code, "", Severity(severity), Location(), return_code)


#: header elements the retour copies from the declaration (declaration element -> retour)
_COPIED = {
    "SoortBericht": "SoortBericht",
    "Afzender": "Ontvanger",
    "OntvangerUzovi": "AfzenderUzovi",
    "OntvangerAgb": "AfzenderAgb",
    "BerichtIdentificatie": "ReferentieBerichtIdentificatie",
    "Dagtekening": "ReferentieDagtekening",
    "Declaratienummer": "Declaratienummer",
}


def _copied(state: _State) -> tuple[dict[str, Any], list[str]]:
    """The retour's values copied from the declaration's header (as far as it could be read),
    and the declaration elements that could not be copied."""
    header = state.header
    if header is None:
        return {}, []
    values: dict[str, Any] = {}
    for element, target in _COPIED.items():
        attribute = next(n for n, f in Header.model_fields.items() if f.alias == element)
        value = getattr(header, attribute, None)
        if value is not None:
            values[target] = value
    missing = [e for e in _COPIED if e in state.header_unreadable]
    if "AfzenderUzovi" in values and "AfzenderAgb" in values:  # both receivers: neither is sure
        del values["AfzenderUzovi"], values["AfzenderAgb"]
        missing += ["OntvangerUzovi", "OntvangerAgb"]
    return values, missing


def _header(
    state: _State, summary: RetourSummary, today: date | None, message_id: str | None
) -> RetourHeader:
    codes = summary.message_codes
    copied, missing = _copied(state)
    summary.header_not_copied = missing
    day = today or date.today()
    fatal = next((i for i in state.message_issues if i.severity is Severity.FATAL), None)
    reason = None
    if fatal is not None:
        text = (
            redact(f"{fatal.code}: {fatal.message}").encode("latin-1", "replace").decode("latin-1")
        )
        reason = " ".join(text.split())[:150].strip() or None
    elif missing:  # the header was refused: say what the retour could not copy from it
        reason = f"Niet overgenomen uit de kop (onleesbaar): {', '.join(missing)}"[:150]
    declared = copied.get("ReferentieBerichtIdentificatie")
    ident = message_id or (f"RET-{declared}"[:20] if declared else f"RET-{day:%Y%m%d}")
    retour = facts().retour
    return RetourHeader(
        bericht_code=retour.code,
        bericht_versie=retour.version,
        bericht_subversie=retour.subversion,
        xsd_versie=facts().version,
        soort_bericht=copied.get("SoortBericht", "P"),
        afzender_uzovi=copied.get("AfzenderUzovi"),
        afzender_agb=copied.get("AfzenderAgb"),
        ontvanger=copied.get("Ontvanger"),
        bericht_identificatie=ident,
        dagtekening=day,
        referentie_bericht_identificatie=declared,
        referentie_dagtekening=copied.get("ReferentieDagtekening"),
        declaratienummer=copied.get("Declaratienummer"),
        Retourcode=codes,
        toelichting=reason,
    )


def refusal_records(
    issues: list[Issue],
    *,
    today: date | None = None,
    message_id: str | None = None,
    summary: RetourSummary | None = None,
    policy: RetourPolicy | None = None,
) -> Iterator[Record]:
    """The Retourbericht of a message refused before any of it was read (an archive that
    breaks VECOZO's rules): the header's codes and reason, no lines, zero totals."""
    policy = policy or retour_policy()
    summary = summary if summary is not None else RetourSummary()
    state = _State(message_issues=list(issues), issue_count=len(issues))
    summary.issues = state.issue_count
    summary.unreadable = any(i.severity is Severity.FATAL for i in issues)
    summary.message_codes = policy.codes(issues)
    yield _header(state, summary, today, message_id)
    yield RetourTotalen(
        aantal_prestaties=0,
        totaal_ingediend_bedrag=0,
        ingediend_debet_credit="D",
        totaal_toegekend_bedrag=0,
        toegekend_debet_credit="D",
    )
