"""## What it does
Checks that each Argo CD Application's `source.path` (and `sources[].path`)
exists in this repository, and that a path under `overlays/` is an overlay (a
kustomization of kind Kustomization, not a Component). Other folders, such as
an app of apps' `argocd/apps`, only need to exist.

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

from adk_gitops.model import Severity, Violation
from adk_gitops.rules._apps import applications, source_paths
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import violation
from adk_gitops.rules._rule import Rule


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.repo is None:
        return
    for app in applications(ctx):
        for pointer, path in source_paths(app):
            if path in ctx.repo.overlay_namespaces:
                continue
            if path == "overlays" or path.startswith("overlays/"):
                yield violation(app, pointer, f"{path!r} is not an overlay of this repository")
            elif not (ctx.repo.root / path).is_dir():
                yield violation(app, pointer, f"{path!r} does not exist in this repository")


RULE = Rule(
    id="application-source-path",
    severity=Severity.ERROR,
    summary="Applications deploy an existing path of this repository (an overlay, under overlays/).",
    fix="Point source.path at overlays/<env> (or another existing folder, for an app of apps).",
    check=_check,
    doc=__doc__ or "",
)
