"""The two checks of the conformance kit, one per side of a vendor's software.

- :func:`check_sent`: the vendor's declarations, one per scenario (``<id>.<ext>`` in a
  folder), are validated and compared with the scenario's declaration.
- :func:`check_answered`: the vendor's return messages to the scenarios' declarations
  (``<id>.<ext>``) are validated and compared with the expected ones, line by line.

A scenario passes when every file given for it is valid and shows no difference. A scenario
without a file fails as ``missing`` (or is ``skipped`` when the caller allows it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resv_edi import __version__
from resv_edi.conformance.compare import Difference, compare_spec, differences, snapshot
from resv_edi.conformance.scenarios import Scenario, load_scenarios
from resv_edi.errors import Issue, Location, Severity
from resv_edi.model.messages import DECLARATIE, RETOUR, MessageKind
from resv_edi.pipeline import check_file
from resv_edi.standard.catalogue import issue
from resv_edi.standard.facts import facts

PASS, FAIL, MISSING, SKIPPED = "pass", "fail", "missing", "skipped"


@dataclass
class FileResult:
    """One vendor file: the errors validation found and how it differs from the scenario."""

    file: str
    issues: list[Issue] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.issues and not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "passed": self.passed,
            "issues": [i.as_dict() for i in self.issues],
            "differences": [d.as_dict() for d in self.differences],
        }


@dataclass
class ScenarioResult:
    scenario: Scenario
    status: str
    files: list[FileResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "id": s.id,
            "status": self.status,
            "title_nl": s.title_nl,
            "title_en": s.title_en,
            "provokes": list(s.provokes),
            "files": [f.as_dict() for f in self.files],
        }


@dataclass
class KitReport:
    """The outcome of one check over a vendor's folder."""

    check: str  # "check-sent" | "check-answered"
    directory: str
    results: list[ScenarioResult] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)
    standard_version: str = field(default_factory=lambda: facts().version)
    package_version: str = __version__

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def passed(self) -> bool:
        """True when no scenario failed or is missing."""
        return all(r.status in (PASS, SKIPPED) for r in self.results)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "directory": self.directory,
            "standard_version": self.standard_version,
            "package_version": self.package_version,
            "passed": self.passed,
            "counts": {s: self.count(s) for s in (PASS, FAIL, MISSING, SKIPPED)},
            "unknown_files": self.unknown_files,
            "scenarios": [r.as_dict() for r in self.results],
        }


def check_sent(
    directory: str | os.PathLike[str],
    *,
    scenarios: Iterable[Scenario] | None = None,
    only: Iterable[str] = (),
    skip_missing: bool = False,
) -> KitReport:
    """Validate the vendor's declarations in ``directory`` and compare them with the
    scenarios' declarations."""
    return _run("check-sent", "sent", directory, scenarios, only, skip_missing)


def check_answered(
    directory: str | os.PathLike[str],
    *,
    scenarios: Iterable[Scenario] | None = None,
    only: Iterable[str] = (),
    skip_missing: bool = False,
) -> KitReport:
    """Validate the vendor's return messages in ``directory`` and compare them with the
    scenarios' expected return messages."""
    return _run("check-answered", "answered", directory, scenarios, only, skip_missing)


def _run(
    check: str,
    side: str,
    directory: str | os.PathLike[str],
    scenarios: Iterable[Scenario] | None,
    only: Iterable[str],
    skip_missing: bool,
) -> KitReport:
    folder = Path(directory)
    chosen = set(only)
    every = load_scenarios() if scenarios is None else list(scenarios)
    wanted = [s for s in every if side in s.sides and (not chosen or s.id in chosen)]
    report = KitReport(check, os.fspath(directory))
    files = _files_by_id(folder)
    ids = {s.id for s in every}  # a file of a scenario left out by `only` is not unknown
    report.unknown_files = sorted(p.name for sid, ps in files.items() if sid not in ids for p in ps)
    for scenario in wanted:
        given = files.get(scenario.id, [])
        if not given:
            report.results.append(ScenarioResult(scenario, SKIPPED if skip_missing else MISSING))
            continue
        checked = [_check_one(side, scenario, path) for path in given]
        status = PASS if all(f.passed for f in checked) else FAIL
        report.results.append(ScenarioResult(scenario, status, checked))
    return report


def _files_by_id(folder: Path) -> dict[str, list[Path]]:
    """Vendor files by scenario id: ``<id>.<ext>`` (hidden files are ignored)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            found.setdefault(path.name.split(".", 1)[0], []).append(path)
    return found


def _check_one(side: str, scenario: Scenario, path: Path) -> FileResult:
    kind: MessageKind = DECLARATIE if side == "sent" else RETOUR
    expected_path = scenario.declaration() if side == "sent" else scenario.expected_retour
    report = check_file(path, kind=kind)
    result = FileResult(path.name)
    result.issues = [i for i in report.issues if i.severity is not Severity.WARNING]
    if report.format == "zip" or (report.message and report.message != kind.root):
        # an archive or another message (a Vektis claim file): never read it as this kind,
        # and keep none of its own issues (nothing of a claim file reaches the report)
        what = "a zip archive" if report.format == "zip" else report.message
        reason = f"{what}, not a {kind.root}; give the message itself, named <scenario id>.<ext>"
        result.issues = [issue("F002", Location(file=path.name), reason=reason)]
        return result
    spec = compare_spec(kind.name)
    result.differences = differences(snapshot(expected_path, kind), snapshot(path, kind), spec)
    return result
