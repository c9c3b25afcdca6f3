"""Finding the Argo CD Application that deploys an overlay, in the repository
around it (its ``argocd/`` folder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from posixpath import normpath

from adk_gitops.errors import ManifestError
from adk_gitops.manifests import load_stream


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
            spec = res.body.get("spec") or {}
            source = spec.get("source") or {}
            if res.kind != "Application" or normpath(str(source.get("path", "")).strip("/") or ".") != wanted:
                continue
            options = (spec.get("syncPolicy") or {}).get("syncOptions") or []
            destination = spec.get("destination") or {}
            return AppInfo(
                res.name,
                str(file.relative_to(root)),
                str(destination.get("namespace") or ""),
                "CreateNamespace=true" in options,
            )
    return None
