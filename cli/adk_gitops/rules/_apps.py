"""Argo CD Applications of a target and the overlay paths they deploy."""

from __future__ import annotations

from collections.abc import Iterator
from posixpath import normpath

from adk_gitops.manifests import Resource
from adk_gitops.rules._context import Context


def applications(ctx: Context) -> Iterator[Resource]:
    for res in ctx.resources:
        if res.kind == "Application" and res.api_version.startswith("argoproj.io/"):
            yield res


def source_paths(app: Resource) -> Iterator[tuple[str, str]]:
    """(pointer, normalized path) of each git source with a path."""
    spec = app.body.get("spec") or {}
    if isinstance(spec.get("source"), dict) and spec["source"].get("path") is not None:
        yield "/spec/source/path", _norm(str(spec["source"]["path"]))
    for i, source in enumerate(spec.get("sources") or []):
        if isinstance(source, dict) and source.get("path") is not None:
            yield f"/spec/sources/{i}/path", _norm(str(source["path"]))


def _norm(path: str) -> str:
    return normpath(path.strip().strip("/")) if path.strip() else "."
