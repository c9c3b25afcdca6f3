"""## What it does
Flags an overlay that kustomize builds into no objects at all.

A folder of manifests with no objects at its top level but YAML files in its
subfolders is a warning that nothing was checked.

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

import os
from collections.abc import Iterator
from pathlib import Path

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.overlay_dir is not None and not ctx.resources:
        yield Violation("", "the overlay renders no objects: Argo CD would deploy nothing")
    if ctx.folder is not None and not ctx.resources:
        nested = _nested_manifests(ctx.folder)
        if nested:
            # Not a defect of the repository, but a check that checked nothing must say so.
            yield Violation(
                "",
                f"no objects at the folder's top level; its subfolders hold {nested} YAML file"
                f"{'s' if nested != 1 else ''} (Argo CD reads those only with `directory.recurse: true`): "
                "nothing was checked; name the subfolders",
                severity=Severity.WARNING,
            )


def _nested_manifests(folder: Path, most: int = 10_000) -> int:
    """How many .yaml/.yml files sit below ``folder``'s top level (links not followed)."""
    count = 0
    for _, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        count += sum(1 for f in files if f.endswith((".yaml", ".yml")))
        if count >= most:
            break
    top = sum(1 for f in folder.iterdir() if f.name.endswith((".yaml", ".yml")))
    return count - top


RULE = Rule(
    category=Category.KUSTOMIZE,
    id="overlay-renders-objects",
    severity=Severity.ERROR,
    summary="Every overlay renders at least one object.",
    fix="List the base (and your resources) under resources:.",
    check=_check,
    doc=__doc__ or "",
)
