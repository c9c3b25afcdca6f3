"""The configuration in force for one target, as rules and the engine read it
(parsed and validated by ``adk_gitops.check.checkconfig``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from adk_gitops.check.model import Severity

if TYPE_CHECKING:
    from adk_gitops.check.rules._rule import Rule


@dataclass(frozen=True)
class RuleSettings:
    """What one block of ``rules:`` says: a severity and option values."""

    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TargetSettings:
    """The configuration in force for one target (its path overrides applied)."""

    disabled: frozenset[str] = frozenset()
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)

    def enabled(self, rule: Rule) -> bool:
        return rule.id not in self.disabled

    def severity(self, rule: Rule) -> Severity | None:
        """The configured severity, which wins over the rule's and the finding's own."""
        settings = self.rules.get(rule.id)
        return settings.severity if settings else None

    def option(self, rule: Rule, name: str) -> Any:
        settings = self.rules.get(rule.id)
        if settings is not None and name in settings.options:
            return settings.options[name]
        return rule.default(name)
