"""Loading the conformance scenarios (``conformance/scenarios/<id>/scenario.toml``).

The scenarios are data, written by ``tools/make_scenarios.py`` and shipped with the package
(:func:`resv_edi.standard.paths.scenarios_dir`); a release bundle carries the same folders.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from resv_edi.standard.facts import facts
from resv_edi.standard.paths import scenarios_dir

SIDES = ("sent", "answered")


@dataclass(frozen=True, slots=True)
class Scenario:
    """One casus: its story, which side of a vendor's software it tests, its files."""

    id: str
    folder: Path
    title_nl: str
    title_en: str
    story_nl: str
    story_en: str
    sides: tuple[str, ...]
    provokes: tuple[str, ...]
    declarations: tuple[Path, ...]
    expected_retour: Path
    standard_version: str

    def declaration(self, suffix: str = ".xml") -> Path:
        """The declaration with ``suffix``, else the first one there is."""
        return next((p for p in self.declarations if p.suffix == suffix), self.declarations[0])


def load_scenario(folder: Path) -> Scenario:
    """The scenario in ``folder`` (raises ``OSError``, ``KeyError`` or ``TOMLDecodeError``)."""
    with (folder / "scenario.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    return Scenario(
        id=raw["id"],
        folder=folder,
        title_nl=raw["title_nl"],
        title_en=raw["title_en"],
        story_nl=raw["story_nl"],
        story_en=raw["story_en"],
        sides=tuple(raw["sides"]),
        provokes=tuple(raw["provokes"]),
        declarations=tuple(folder / name for name in raw["declarations"]),
        expected_retour=folder / raw["expected_retour"],
        standard_version=raw["standard_version"],
    )


def load_scenarios(root: Path | None = None) -> list[Scenario]:
    """Every scenario under ``root`` (default: the package's), in id order."""
    base = root if root is not None else scenarios_dir()
    return [
        load_scenario(folder)
        for folder in sorted(base.iterdir())
        if (folder / "scenario.toml").is_file()
    ]


def export_scenarios(target: Path, root: Path | None = None) -> list[Scenario]:
    """Copy every scenario folder to ``target/<id>/`` (for a vendor's software to read)."""
    scenarios = load_scenarios(root)
    for scenario in scenarios:
        folder = target / scenario.id
        folder.mkdir(parents=True, exist_ok=True)
        for source in sorted(scenario.folder.iterdir()):
            if source.is_file():
                (folder / source.name).write_bytes(source.read_bytes())
    return scenarios


def version_mismatch(scenarios: list[Scenario]) -> str | None:
    """Why these scenarios cannot be checked by this package (they belong to another version
    of the standard), or ``None``."""
    other = sorted({s.standard_version for s in scenarios} - {facts().version})
    if not other:
        return None
    return (
        f"de scenario's horen bij standaard {', '.join(other)}, deze resv-edi bij "
        f"{facts().version}; installeer de resv-edi van die release / the scenarios belong to "
        f"standard {', '.join(other)}, this resv-edi to {facts().version}"
    )
