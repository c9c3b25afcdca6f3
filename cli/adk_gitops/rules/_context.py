"""What every rule sees: one target's rendered objects and its surroundings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from adk_gitops.manifests import Resource
from adk_gitops.syncplan import SyncPlan, build_plan

if TYPE_CHECKING:
    from adk_gitops.schemas import SchemaSet


@dataclass(frozen=True)
class RepoIndex:
    """The GitOps repository around the targets: for the Argo CD Application rules."""

    root: Path
    overlay_namespaces: Mapping[str, str]  # overlay path relative to root -> its namespace ("" if none)


@dataclass(frozen=True)
class Context:
    label: str
    resources: tuple[Resource, ...]
    kubernetes_versions: tuple[str, ...] = ("1.34",)
    overlay_dir: Path | None = None  # the kustomization directory, when the target is one
    repo: RepoIndex | None = None
    schemas: SchemaSet | None = field(default=None, compare=False)
    default_file: str = ""  # where findings without a better location point

    @cached_property
    def plan(self) -> SyncPlan:
        """Argo CD's order for this target: the same model as ``adk-gitops plan``."""
        return build_plan(self.resources)

    def find(self, kind: str, name: str, namespace: str) -> Resource | None:
        for res in self.resources:
            if res.kind == kind and res.name == name and res.namespace == namespace:
                return res
        return None
