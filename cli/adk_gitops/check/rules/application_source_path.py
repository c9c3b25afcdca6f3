"""## What it does
Checks that each Argo CD Application's `source.path` (and `sources[].path`)
exists in this repository, and that a path under `overlays/` is an overlay (a
kustomization of kind Kustomization, not a Component). Other folders, such as
an app of apps' `argocd/apps`, only need to exist.

An Application whose `repoURL` is another repository is not judged: its
path lives there. This repository's URL is `check.repoURL`, else
`argocd.repoURL` of `adk-gitops.yaml`, else git's `origin`.

## Why is this bad?
A wrong path (a typo, a renamed env, a Component) makes Argo CD fail to
generate manifests, or deploy something else, only after merge.

## Example
```yaml
spec:
  source:
    path: overlays/stagging
```

## Use instead
```yaml
spec:
  source:
    path: overlays/staging
```
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from adk_gitops.argocd.applications import repository_key, sources
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._apps import applications
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.repo is None:
        return
    own = repository_key(ctx.repo.repo_url) if ctx.repo.repo_url else ""
    for app in applications(ctx):
        for pointer, path, repo_url in sources(app):
            if own and repo_url and repository_key(repo_url) != own:
                continue  # another repository's path: not ours to judge
            if path in ctx.repo.overlay_namespaces:
                continue
            if path.startswith(("/", "..")) or "/../" in f"/{path}/":
                # Judged on the text alone: whether such a path exists on this machine is
                # nobody's business (the answer would leak it). Argo CD refuses it too.
                yield violation(app, pointer, f"{path!r} leaves the repository")
            elif path == "overlays" or path.startswith("overlays/"):
                yield violation(app, pointer, f"{path!r} is not an overlay of this repository")
            elif not _is_folder(ctx.repo.root, path):
                yield violation(app, pointer, f"{path!r} does not exist in this repository")


def _is_folder(root: Path, path: str) -> bool:
    """Whether ``path`` is a folder of the repository, through no link that leaves it."""
    from adk_gitops.bounded import outside_reason

    folder = root / path
    return not outside_reason(folder, root.resolve()) and folder.is_dir()


RULE = Rule(
    category=Category.APPLICATIONS,
    id="application-source-path",
    severity=Severity.ERROR,
    summary="Applications deploy an existing path of this repository (an overlay, under overlays/).",
    fix="Point source.path at an existing folder of this repository (an overlay, or an app of apps' folder).",
    check=_check,
    doc=__doc__ or "",
)
