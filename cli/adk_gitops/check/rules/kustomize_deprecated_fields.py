"""## What it does
Flags deprecated kustomization fields in the overlay and everything it
includes: `commonLabels`, `vars`, `bases`, `patchesStrategicMerge`,
`patchesJson6902`, `imageTags`.

## Why is this bad?
They still work in kustomize v5 but are slated for removal, and `commonLabels`
also rewrites selectors, which are immutable on Deployments: adding a label
later breaks the next sync.

## Example
```yaml
bases: [../../bases/adk-agent]
commonLabels: {team: agents}
patchesStrategicMerge: [replicas.yaml]
```

## Use instead
```yaml
resources: [../../bases/adk-agent]
labels:
  - pairs: {team: agents}
    includeSelectors: false
patches:
  - path: replicas.yaml
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kustomize import guard, kustomization
from adk_gitops.kustomize.kustomization import kustomization_id

REPLACEMENTS = {
    "commonLabels": "labels (with includeSelectors: false)",
    "vars": "replacements",
    "bases": "resources",
    "patchesStrategicMerge": "patches",
    "patchesJson6902": "patches",
    "imageTags": "images",
}


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.overlay_dir is None:
        return
    real_paths = ctx.repo.real_paths if ctx.repo is not None else None
    for file, doc, _ in kustomization.walk(ctx.overlay_dir, is_remote=guard.is_remote, real_paths=real_paths):
        for field, instead in REPLACEMENTS.items():
            if field in doc:
                path = ctx.repo_path(file)
                yield Violation(
                    f"/{field}", f"{field} is deprecated: use {instead}", kustomization_id(path), file=path
                )


RULE = Rule(
    category=Category.KUSTOMIZE,
    id="kustomize-deprecated-fields",
    severity=Severity.WARNING,
    summary="Kustomizations use no deprecated fields.",
    fix="Replace the field as the message says (kustomize edit fix does most of it).",
    check=_check,
    doc=__doc__ or "",
)
