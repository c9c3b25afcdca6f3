"""The data ``check`` produces: frozen, sortable, free of presentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from adk_gitops.kube.manifests import ResourceId

if TYPE_CHECKING:
    from adk_gitops.kube.manifests import Resource


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Violation:
    """What a rule yields: where (the object and a JSON pointer in it) and what.
    The engine adds the rule id, severity and overlay. ``subject`` is None for a
    finding about the target as a whole (an overlay that renders nothing)."""

    pointer: str
    message: str
    subject: ResourceId | None = None
    severity: Severity | None = None  # this finding's own, when it differs from the rule's
    resource: Resource | None = field(default=None, compare=False)  # the object itself, when it is one
    file: str = ""  # the file it is about, when that is not the object's source (a kustomization)


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one place: the target (``overlay``), the object it is
    about (``subject``, the same ResourceId the manifests and the sync plan use; None
    when it is about the target as a whole), and the field (``pointer``)."""

    overlay: str
    subject: ResourceId | None
    rule: str
    pointer: str
    message: str = field(compare=False)
    severity: Severity = field(compare=False)
    fix: str = field(compare=False, default="")
    suppressed: bool = field(compare=False, default=False)
    suppression_reason: str = field(compare=False, default="")
    file: str = field(compare=False, default="")  # the file to edit: the object's source, or a patch
    line: int = field(compare=False, default=0)  # 1-based, 0 when unknown
    column: int = field(compare=False, default=0)

    # What reporters print of the subject ("" when there is none).
    @property
    def kind(self) -> str:
        return self.subject.kind if self.subject else ""

    @property
    def namespace(self) -> str:
        return self.subject.namespace if self.subject else ""

    @property
    def name(self) -> str:
        return self.subject.name if self.subject else ""

    def sort_key(self) -> tuple[str, ...]:
        """Reports list findings by target, object, rule, then field."""
        return (self.overlay, self.kind, self.namespace, self.name, self.rule, self.pointer)

    def __lt__(self, other: Finding) -> bool:
        return self.sort_key() < other.sort_key()


@dataclass(frozen=True)
class TargetResult:
    """One overlay (or rendered file, or the argocd/ folder) and how it went."""

    label: str
    resources: int
    rendered_by: str  # the renderer's description, "" when not rendered
    adk_skipped: bool = False  # workloads but no ADK one: the ADK rules were skipped


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    targets: tuple[TargetResult, ...]
    kubernetes_versions: tuple[str, ...]
    fail_on: Severity = Severity.ERROR

    @property
    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.suppressed)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.active if f.severity is severity)

    @property
    def failed(self) -> bool:
        return any(f.severity.rank >= self.fail_on.rank for f in self.active)
