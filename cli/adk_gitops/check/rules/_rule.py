"""A rule is a module with a docstring (its user documentation) and one RULE:
its id, severity, scope, options and docs, declared once and read by the
registry, the engine, the configuration and the generated docs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context

CheckFn = Callable[[Context], Iterator[Violation]]
DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


class Category(StrEnum):
    """Where a rule is documented; the order here is the documentation's."""

    SYNC_ORDER = "Argo CD sync order"  # what `adk-gitops plan` reports too
    MIGRATION = "Migration"
    CLOUDSQL_PROXY = "Cloud SQL proxy"
    SECURITY = "Security"
    KUSTOMIZE = "Kustomize"
    APPLICATIONS = "Argo CD Applications"
    SCHEMAS = "Schemas"
    ENGINE = "Engine"  # reported by the engine itself (no check of its own); cannot be tuned


@dataclass(frozen=True)
class RuleOption:
    """A setting a repository may tune in ``adk-gitops.yaml`` (``check.rules.ID.NAME``)."""

    name: str
    default: Any
    doc: str

    def valid(self, value: Any) -> bool:
        """Whether ``value`` has the default's type (a list of strings for a list)."""
        if isinstance(self.default, bool):
            return isinstance(value, bool)
        if isinstance(self.default, int):
            return isinstance(value, int) and not isinstance(value, bool)
        if isinstance(self.default, list | tuple):
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        return isinstance(value, type(self.default))

    @property
    def type_name(self) -> str:
        if isinstance(self.default, bool):
            return "boolean"
        if isinstance(self.default, int):
            return "integer"
        return "list of strings" if isinstance(self.default, list | tuple) else "string"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str  # one line: the requirement
    fix: str  # imperative: what to do about a finding
    check: CheckFn
    doc: str  # the module docstring, markdown with DOC_SECTIONS
    options: tuple[RuleOption, ...] = ()
    adk: bool = False  # about ADK workloads: skipped on a target that has none
    category: Category = field(kw_only=True)

    def default(self, name: str) -> Any:
        return next(o.default for o in self.options if o.name == name)
