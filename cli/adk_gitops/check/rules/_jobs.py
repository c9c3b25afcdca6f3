"""Which Jobs the Job-bound rules look at."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adk_gitops.argocd.annotations import hook_info
from adk_gitops.check.rules._context import Context
from adk_gitops.kube.manifests import Resource


def hook_jobs(ctx: Context) -> Iterator[tuple[Resource, dict[str, Any]]]:
    """Jobs Argo CD runs as hooks, with their ``spec``."""
    for res in ctx.resources:
        if res.kind == "Job" and hook_info(res).types:
            spec = res.body.get("spec")
            yield res, dict(spec) if isinstance(spec, dict) else {}
