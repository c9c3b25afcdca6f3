"""What ``preflight`` and ``status`` look at: one environment's rendered objects,
the namespace they land in, and the Argo CD Application that syncs them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from adk_gitops.argocd.annotations import hook_info
from adk_gitops.argocd.applications import AppInfo, application_for
from adk_gitops.kube.manifests import Resource
from adk_gitops.kube.podspec import pod_dependencies, pod_spec

if TYPE_CHECKING:
    from adk_gitops.kustomize.renderer import Renderer

IN_CLUSTER = "https://kubernetes.default.svc"  # Argo CD's name for the cluster it runs in


@dataclass(frozen=True)
class Target:
    label: str  # as the user named it: an environment or an overlay path
    overlay: Path
    resources: tuple[Resource, ...]
    namespace: str  # where the namespaced objects land
    application: AppInfo | None

    @property
    def application_namespace(self) -> str:
        if self.application is None:
            return "argocd"
        return self.application.resource.namespace or "argocd"

    @property
    def in_cluster(self) -> bool:
        """Does the Application deploy to the cluster Argo CD runs in (so Argo CD
        must be installed in the one we talk to)?"""
        return self.application is None or self.application.cluster in ("", IN_CLUSTER, "in-cluster")

    @property
    def hook_jobs(self) -> tuple[Resource, ...]:
        return tuple(r for r in self.resources if r.kind == "Job" and hook_info(r).types)

    def namespace_of(self, resource: Resource) -> str:
        return resource.namespace or self.namespace


def load(root: Path, env: str, renderer: Renderer) -> Target:
    """The environment ENV (a name, ``overlays/ENV``, or an overlay path) of the
    repository ``root``, rendered with the real renderer."""
    from adk_gitops.targets.discover import resolve
    from adk_gitops.targets.load import read_rendered

    overlay = resolve(env, root, directory=True)
    rendered = read_rendered(str(overlay), root, renderer)
    return target_for(env, overlay, rendered.resources)


def target_for(label: str, overlay: Path, resources: tuple[Resource, ...]) -> Target:
    application = application_for(overlay)
    namespace = application.destination_namespace if application is not None else ""
    if not namespace:
        namespaces = sorted({r.namespace for r in resources if r.namespace})
        namespace = namespaces[0] if len(namespaces) == 1 else "default"
    return Target(label, overlay, resources, namespace, application)


@dataclass(frozen=True)
class SecretRef:
    """A Secret a pod needs, with the keys it reads (empty: none named)."""

    name: str
    keys: tuple[str, ...]
    resource: Resource  # the workload that reads it
    pointer: str


def secret_refs(resource: Resource) -> Iterator[SecretRef]:
    """Every Secret the pod of ``resource`` cannot start without (k8s.pod_dependencies:
    ``optional: true`` references never block, so they are left out)."""
    pod = pod_spec(resource)
    if pod is None:
        return
    for dep in pod_dependencies(pod):
        if dep.kind == "Secret":
            yield SecretRef(dep.name, dep.keys, resource, dep.pointer)
