"""## What it does
Checks that an Application's `destination.namespace` is the namespace its
overlay sets.

## Why is this bad?
Argo CD applies objects to the namespace in their manifests;
`destination.namespace` is only used for objects without one, and
`CreateNamespace=true` creates the destination. A mismatch creates an empty
namespace and deploys into one that may not exist: the PreSync hook fails with
`namespaces "x" not found`.

## Example
```yaml
spec:
  source: {path: overlays/staging}         # namespace: adk-agent-staging
  destination: {namespace: staging}
```

## Use instead
```yaml
  destination: {namespace: adk-agent-staging}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._apps import applications, source_paths
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.repo is None:
        return
    for app in applications(ctx):
        destination = (app.body.get("spec") or {}).get("destination") or {}
        wanted = str(destination.get("namespace") or "")
        for _, path in source_paths(app):
            actual = ctx.repo.overlay_namespaces.get(path)
            if actual and wanted != actual:
                yield violation(
                    app,
                    "/spec/destination/namespace",
                    f"destination namespace {wanted!r} differs from {path}'s namespace {actual!r}",
                )


RULE = Rule(
    category=Category.APPLICATIONS,
    id="application-namespace-matches",
    severity=Severity.ERROR,
    summary="An Application's destination namespace is its overlay's namespace.",
    fix="Set spec.destination.namespace to the namespace the source path deploys into.",
    check=_check,
    doc=__doc__ or "",
)
