"""## What it does
Flags an overlay that kustomize builds into no objects at all.

## Why is this bad?
Argo CD syncs it as an empty Application: "Synced", "Healthy", and nothing
deployed. Usually a `resources:` entry was dropped, or every object is marked
`config.kubernetes.io/local-config`.

## Example
```yaml
# overlays/staging/kustomization.yaml
resources:
  - values.yaml   # a local-config ConfigMap: never rendered
```

## Use instead
```yaml
resources:
  - ../../bases/adk-agent
  - values.yaml
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.model import Severity, Violation
from adk_gitops.rules._context import Context
from adk_gitops.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.overlay_dir is not None and not ctx.resources:
        yield Violation("", "the overlay renders no objects: Argo CD would deploy nothing")


RULE = Rule(
    category=Category.KUSTOMIZE,
    id="overlay-renders-objects",
    severity=Severity.ERROR,
    summary="Every overlay renders at least one object.",
    fix="List the base (and your resources) under resources:.",
    check=_check,
    doc=__doc__ or "",
)
