"""Finding the Argo CD Application that deploys an overlay, in the repository
around it (its ``argocd/`` folder)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from posixpath import normpath

from adk_gitops.errors import ManifestError
from adk_gitops.manifests import Resource, load_stream


def is_application(res: Resource) -> bool:
    return res.kind == "Application" and res.api_version.startswith("argoproj.io/")


def source_paths(app: Resource) -> Iterator[tuple[str, str]]:
    """(pointer, normalized path) of each git source of an Application that has a path."""
    spec = app.body.get("spec") or {}
    if isinstance(spec.get("source"), dict) and spec["source"].get("path") is not None:
        yield "/spec/source/path", _norm(str(spec["source"]["path"]))
    for i, source in enumerate(spec.get("sources") or []):
        if isinstance(source, dict) and source.get("path") is not None:
            yield f"/spec/sources/{i}/path", _norm(str(source["path"]))


def _norm(path: str) -> str:
    return normpath(path.strip().strip("/")) if path.strip() else "."


@dataclass(frozen=True)
class AppInfo:
    name: str
    file: str
    destination_namespace: str
    create_namespace: bool


def _repo_root(start: Path) -> Path | None:
    for directory in [start, *start.parents]:
        if (directory / "argocd").is_dir():
            return directory
    return None


def application_for(overlay: Path) -> AppInfo | None:
    """The Application whose source path is ``overlay``, if the repository has one."""
    overlay = overlay.resolve()
    root = _repo_root(overlay)
    if root is None:
        return None
    wanted = overlay.relative_to(root).as_posix()
    for file in sorted((root / "argocd").rglob("*.y*ml")):
        try:
            resources = load_stream(file.read_text(encoding="utf-8"), source=str(file))
        except (ManifestError, OSError, UnicodeDecodeError):
            continue
        for res in resources:
            if not is_application(res) or wanted not in (path for _, path in source_paths(res)):
                continue
            spec = res.body.get("spec") or {}
            options = (spec.get("syncPolicy") or {}).get("syncOptions") or []
            destination = spec.get("destination") or {}
            return AppInfo(
                res.name,
                str(file.relative_to(root)),
                str(destination.get("namespace") or ""),
                "CreateNamespace=true" in options,
            )
    return None
