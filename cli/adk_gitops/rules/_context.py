"""What every rule sees: one target's rendered objects and its surroundings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adk_gitops.adk import adk_workloads
from adk_gitops.manifests import Resource
from adk_gitops.rules._settings import TargetSettings
from adk_gitops.syncplan import SyncPlan, build_plan

if TYPE_CHECKING:
    from adk_gitops.rules._rule import Rule
    from adk_gitops.schemas import SchemaSet


@dataclass(frozen=True)
class RepoIndex:
    """The GitOps repository around the targets: for the Argo CD Application rules."""

    root: Path
    overlay_namespaces: Mapping[str, str]  # overlay path relative to root -> its namespace ("" if none)
    repo_url: str = ""  # this repository as Argo CD names it (config, or git's origin); "" if unknown


@dataclass(frozen=True)
class Context:
    label: str
    resources: tuple[Resource, ...]
    kubernetes_versions: tuple[str, ...] = ("1.34",)
    overlay_dir: Path | None = None  # the kustomization directory, when the target is one
    repo: RepoIndex | None = None
    schemas: SchemaSet | None = field(default=None, compare=False)
    default_file: str = ""  # where findings without a better location point
    settings: TargetSettings = field(default_factory=TargetSettings, compare=False)
    adk_selector: Mapping[str, str] = field(default_factory=dict, compare=False)

    @cached_property
    def adk_workloads(self) -> tuple[Resource, ...]:
        """The ADK agents this target deploys; the ADK rules skip a target without any."""
        return tuple(adk_workloads(self.resources, self.adk_selector))

    def option(self, rule: Rule, name: str) -> Any:
        """A rule option's value for this target: the configuration's, else the default."""
        return self.settings.option(rule, name)

    @cached_property
    def plan(self) -> SyncPlan:
        """Argo CD's order for this target: the same model as ``adk-gitops plan``."""
        return build_plan(self.resources)

    def find(self, kind: str, name: str, namespace: str) -> Resource | None:
        for res in self.resources:
            if res.kind == kind and res.name == name and res.namespace == namespace:
                return res
        return None
