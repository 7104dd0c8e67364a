"""Double funding: RESV declarations beside the claims that lump-sum mappings count.

Per provider, insurer and period (month, quarter or year) the net amounts declared under each
RESV hoofdtaak are set beside the net claims amounts per mapping category and hoofdtaak, and
the rules of ``mappings/overlap/rules.toml`` flag overlaps. A declaration line that spans
several periods is split over them pro rata by days, in whole cents (largest remainder).

The provider of a declaration line is its executing provider (prestatie 2) or else the
declaring party; its insurer is the line's Zorgverzekeraar.
"""

from __future__ import annotations

import io
import os
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any

import orjson

from resv_edi.errors import Issue
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.lumpsum.records import LumpSumRecord, period_label, period_of
from resv_edi.model.declaratie import Header, Prestatie
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.pipeline import check_items
from resv_edi.reporting import CappedIssues
from resv_edi.rules.blocks import CleanRun
from resv_edi.spreadsheet import SafeDictWriter
from resv_edi.standard.paths import mappings_dir

Cell = tuple[str, str, date]  # provider, insurer, period begin


@dataclass(frozen=True, slots=True)
class OverlapRule:
    code: str
    severity: str
    nl: str
    en: str
    categories: frozenset[str]
    declared_hoofdtaken: frozenset[str]
    same_hoofdtaak: bool
    min_declared: int
    min_claims: int
    min_ratio: float | None


@cache
def _rules_at(path: Path) -> tuple[OverlapRule, ...]:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    rules = []
    for r in raw.get("rule", []):
        when = r.get("when", {})
        rules.append(
            OverlapRule(
                code=str(r["code"]),
                severity=str(r.get("severity", "warning")),
                nl=str(r["nl"]),
                en=str(r["en"]),
                categories=frozenset(when.get("categories", [])),
                declared_hoofdtaken=frozenset(when.get("declared_hoofdtaken", [])),
                same_hoofdtaak=bool(when.get("same_hoofdtaak", False)),
                min_declared=int(when.get("min_declared", 1)),
                min_claims=int(when.get("min_claims", 1)),
                min_ratio=float(when["min_ratio"]) if "min_ratio" in when else None,
            )
        )
    return tuple(rules)


class RulesError(ValueError):
    """An overlap rules file that cannot be used: unreadable, not TOML, a rule without its
    fields, or no rule at all (an analysis without rules would flag nothing: fail closed)."""


def load_rules(path: str | os.PathLike[str] | None = None) -> tuple[OverlapRule, ...]:
    """The overlap rules of ``path`` (default ``mappings/overlap/rules.toml``); raises
    :class:`RulesError` when they cannot be used."""
    where = Path(path or mappings_dir() / "overlap" / "rules.toml").resolve()
    try:
        rules = _rules_at(where)
    except OSError as exc:
        raise RulesError(f"{where}: cannot be read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{where}: not valid TOML ({exc})") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesError(f"{where}: a rule is incomplete or malformed ({exc!r})") from exc
    if not rules:
        raise RulesError(f"{where}: holds no [[rule]]: nothing would be flagged")
    return rules


def split_by_period(
    begin: date, end: date, amount: int, granularity: str
) -> list[tuple[date, int]]:
    """``amount`` cents over the periods ``begin..end`` touches, pro rata by days, exact."""
    parts: list[tuple[date, int]] = []
    day = begin
    while day <= end:
        p_begin, p_end = period_of(day, granularity)
        last = min(p_end, end)
        parts.append((p_begin, (last - day).days + 1))
        day = last + timedelta(days=1)
    if not parts:
        return []
    total_days = sum(days for _, days in parts)
    shares = [amount * days // total_days for _, days in parts]
    rest = amount - sum(shares)
    order = sorted(
        range(len(parts)), key=lambda i: -(amount * parts[i][1] % total_days) if amount else 0
    )
    for i in order[: abs(rest)]:
        shares[i] += 1 if rest > 0 else -1
    return [(p, s) for (p, _), s in zip(parts, shares, strict=True)]


def declared_amounts(
    paths: Iterable[str | os.PathLike[str]],
    granularity: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[dict[Cell, dict[str, int]], list[Issue]]:
    """Net declared cents per (provider, insurer, period) and hoofdtaak, and the issues of
    the declarations left out: a file with any error (reader or rule) does not count. Each
    file is read through its format's block check (:func:`~resv_edi.pipeline.check_items`):
    a run of clean lines by its columns, anything doubtful line by line, the same sums."""
    cells: dict[Cell, dict[str, int]] = {}
    found: list[Issue] = []
    for path in paths:
        header: Header | None = None
        local: dict[Cell, dict[str, int]] = {}
        problems = CappedIssues(os.fspath(path), limits.max_errors)
        for item, issues, _final in check_items(path, kind=DECLARATIE, limits=limits):
            problems.extend(p for p in issues if p.is_error)
            if isinstance(item, CleanRun):
                if header is not None:
                    _add_columns(local, header, item.columns, granularity)
                continue
            record = item.record if isinstance(item, Entry) else None
            if isinstance(record, Header):
                header = record
            elif isinstance(record, Prestatie) and header is not None:
                _add_line(
                    local,
                    record.uitvoerende_zorgaanbieder or header.afzender,
                    record.zorgverzekeraar,
                    record.begindatum,
                    record.einddatum,
                    record.signed_amount,
                    record.hoofdtaak,
                    granularity,
                )
        if problems:
            found.extend(problems.listed())
            continue
        for cell, tasks in local.items():
            merged = cells.setdefault(cell, {})
            for task, cents in tasks.items():
                merged[task] = merged.get(task, 0) + cents
    return cells, found


def _add_line(
    local: dict[Cell, dict[str, int]],
    provider: str,
    insurer: str,
    begin: date,
    end: date,
    cents: int,
    task: str,
    granularity: str,
) -> None:
    """Add one line's signed ``cents`` to its cells, split over the periods it touches."""
    for start, share in split_by_period(begin, end, cents, granularity):
        tasks = local.setdefault((provider, insurer, start), {})
        tasks[task] = tasks.get(task, 0) + share


def _add_columns(
    local: dict[Cell, dict[str, int]],
    header: Header,
    columns: dict[str, list[Any]],
    granularity: str,
) -> None:
    """Add a run of clean lines (validated columns), line by line in file order, each with
    its record's signed amount (:attr:`Prestatie.signed_amount` of one cent: the sign)."""
    make = Prestatie.model_construct
    sign = {
        dc: make(bedrag=1, debet_credit=dc).signed_amount for dc in set(columns["debet_credit"])
    }
    for executing, insurer, begin, end, amount, dc, task in zip(
        columns["uitvoerende_zorgaanbieder"],
        columns["zorgverzekeraar"],
        columns["begindatum"],
        columns["einddatum"],
        columns["bedrag"],
        columns["debet_credit"],
        columns["hoofdtaak"],
        strict=True,
    ):
        provider = executing or header.afzender
        cents = amount * sign[dc]
        _add_line(local, provider, insurer, begin, end, cents, task, granularity)


def claims_amounts(
    records: Iterable[tuple[str, LumpSumRecord]],
) -> dict[Cell, dict[tuple[str, str], list[int]]]:
    """Net claims cents and lines per (provider, insurer, period), (category, hoofdtaak)."""
    cells: dict[Cell, dict[tuple[str, str], list[int]]] = {}
    for category, r in records:
        if r.zorgaanbieder is None or r.zorgverzekeraar is None:
            continue
        cell = cells.setdefault((r.zorgaanbieder, r.zorgverzekeraar, r.periode_begin), {})
        sums = cell.setdefault((category, r.hoofdtaak or "-"), [0, 0])
        sums[0] += r.saldo
        sums[1] += r.aantal_regels
    return cells


@dataclass
class OverlapResult:
    """Rows per (provider, insurer, period, hoofdtaak) and the flags raised on them."""

    granularity: str
    rows: list[dict[str, Any]]
    flags: list[dict[str, Any]]


def analyse(
    declared: dict[Cell, dict[str, int]],
    claims: dict[Cell, dict[tuple[str, str], list[int]]],
    rules: Iterable[OverlapRule],
    granularity: str,
) -> OverlapResult:
    """Set declared beside claimed amounts and apply ``rules``."""
    rules = tuple(rules)
    rows: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for cell in sorted(set(declared) | set(claims)):
        provider, insurer, begin = cell
        tasks = declared.get(cell, {})
        claimed = claims.get(cell, {})
        hoofdtaken = sorted(set(tasks) | {h for _, h in claimed})
        cell_flags: dict[str, list[str]] = {}
        for rule in rules:
            for h, amount in sorted(tasks.items()):
                if h not in rule.declared_hoofdtaken or amount < rule.min_declared:
                    continue
                picked = {
                    (c, ch): v
                    for (c, ch), v in claimed.items()
                    if c in rule.categories and (not rule.same_hoofdtaak or ch == h)
                }
                total = sum(v[0] for v in picked.values())
                if total < rule.min_claims:
                    continue
                ratio = total / amount
                if rule.min_ratio is not None and ratio < rule.min_ratio:
                    continue
                params = {
                    "hoofdtaak": h,
                    "declared": amount,
                    "claims": total,
                    "ratio": rule.min_ratio if rule.min_ratio is not None else round(ratio, 2),
                    "categories": ", ".join(sorted({c for c, _ in picked})),
                }
                flags.append(
                    {
                        "code": rule.code,
                        "severity": rule.severity,
                        "provider": provider,
                        "insurer": insurer,
                        "period": period_label(begin, granularity),
                        "hoofdtaak": h,
                        "declared": amount,
                        "claims": total,
                        "nl": rule.nl.format(**params),
                        "en": rule.en.format(**params),
                    }
                )
                cell_flags.setdefault(h, []).append(rule.code)
        end = period_of(begin, granularity)[1]
        for h in hoofdtaken:
            by_cat = {c: v for (c, ch), v in claimed.items() if ch == h}
            rows.append(
                {
                    "provider": provider,
                    "insurer": insurer,
                    "period": period_label(begin, granularity),
                    "period_begin": begin.isoformat(),
                    "period_end": end.isoformat(),
                    "hoofdtaak": h,
                    "declared": tasks.get(h, 0),
                    "claims": sum(v[0] for v in by_cat.values()),
                    "claims_lines": sum(v[1] for v in by_cat.values()),
                    "categories": ";".join(sorted(by_cat)),
                    "flags": ";".join(cell_flags.get(h, [])),
                }
            )
    return OverlapResult(granularity, rows, flags)


COLUMNS = (
    "provider",
    "insurer",
    "period",
    "period_begin",
    "period_end",
    "hoofdtaak",
    "declared",
    "claims",
    "claims_lines",
    "categories",
    "flags",
)


def write_overlap(result: OverlapResult, out: IO[bytes], fmt: str) -> None:
    """Write ``result`` as ``json`` (rows and flags) or ``csv`` (rows, flag codes per row)."""
    if fmt == "json":
        data = {"period": result.granularity, "rows": result.rows, "flags": result.flags}
        out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
        return
    if fmt != "csv":
        raise ValueError("overlap is written as json or csv")
    buf = io.StringIO()
    writer = SafeDictWriter(buf, COLUMNS)
    writer.writeheader()
    writer.writerows(result.rows)
    out.write(buf.getvalue().encode("utf-8"))


def iter_flags(result: OverlapResult, lang: str = "en") -> Iterator[str]:
    """One line of text per flag."""
    for f in result.flags:
        yield (
            f"{f['provider']}/{f['insurer']}/{f['period']} hoofdtaak {f['hoofdtaak']}: "
            f"{f['severity']} {f['code']}: {f[lang]}"
        )
