"""Argo CD Applications of a target (their paths: adk_gitops.applications)."""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.applications import is_application, source_paths
from adk_gitops.manifests import Resource
from adk_gitops.rules._context import Context

__all__ = ["applications", "source_paths"]


def applications(ctx: Context) -> Iterator[Resource]:
    return (res for res in ctx.resources if is_application(res))
