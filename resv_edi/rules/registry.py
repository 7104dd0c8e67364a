"""Where rule implementations register themselves against their catalogue codes.

The catalogue (``mappings/rules/catalogue.toml``) holds each rule's text, severity and return
code; the code here only decides *whether* a record breaks it. A test proves that every
``R`` code of the catalogue has exactly one implementation and vice versa.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from resv_edi.model.messages import Part

#: a rule gets the record and the message context and returns its (placeholders, field)
#: findings: an empty tuple when the record keeps the rule (the cheap, common path)
Finding = tuple[dict[str, Any], str | None]
Findings = Iterable[Finding]
RuleFunc = Callable[[Any, Any], Findings]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    code: str
    kind: str  # message kind name: "declaratie" | "retour"
    part: Part | None  # None: a rule over the whole message (implemented in the engine)
    func: RuleFunc | None


RULES: list[RuleSpec] = []


def _add(spec: RuleSpec) -> None:
    if any((r.code, r.kind, r.part) == (spec.code, spec.kind, spec.part) for r in RULES):
        raise ValueError(f"rule {spec.code} registered twice for {spec.part}")
    RULES.append(spec)


def rule(code: str, part: Part, kind: str = "declaratie") -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` as the implementation of catalogue rule ``code`` for ``part``."""

    def register(func: RuleFunc) -> RuleFunc:
        _add(RuleSpec(code, kind, part, func))
        return func

    return register


def message_rule(code: str, kind: str = "declaratie") -> None:
    """Declare that ``code`` is implemented by the engine across the whole message."""
    _add(RuleSpec(code, kind, None, None))


def record_rules(kind: str, part: Part) -> list[RuleSpec]:
    return [r for r in RULES if r.kind == kind and r.part == part]
