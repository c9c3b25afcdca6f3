"""Argo CD Applications of a target (their paths: adk_gitops.argocd.applications)."""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.applications import AppInfo, destination, is_application, source_paths
from adk_gitops.check.rules._context import Context
from adk_gitops.kube.manifests import Resource

__all__ = ["applications", "deployed_applications", "source_paths"]


def applications(ctx: Context) -> Iterator[Resource]:
    return (res for res in ctx.resources if is_application(res))


def deployed_applications(ctx: Context) -> list[AppInfo]:
    """The Applications this target declares or generates (an ApplicationSet's), one
    per source; from the repository index when there is one."""
    here = {
        (r.kind, r.namespace, r.name) for r in ctx.resources if r.kind in ("Application", "ApplicationSet")
    }
    if not here:
        return []  # an overlay: it declares none (the usual case, once per rule per overlay)
    if ctx.repo is not None and ctx.repo.applications:
        return [
            a
            for a in ctx.repo.applications
            if (a.resource.kind, a.resource.namespace, a.resource.name) in here
        ]
    return [
        AppInfo(app.name, "", path, *destination(app), False, app)
        for app in applications(ctx)
        for _, path in source_paths(app)
    ]
