"""## What it does
Flags two Argo CD Applications that deploy into the same namespace of the same
cluster.

## Why is this bad?
Each Application then counts the other's objects as its own: they fight over
them on every sync, and with the `resources-finalizer` deleting one Application
deletes the other's running environment. An ADK environment owns its namespace.

## Example
```yaml
# argocd/apps/staging.yaml
spec: {destination: {server: https://kubernetes.default.svc, namespace: adk-agent}}
# argocd/apps/prod.yaml
spec: {destination: {server: https://kubernetes.default.svc, namespace: adk-agent}}
```

## Use instead
```yaml
spec: {destination: {server: https://kubernetes.default.svc, namespace: adk-agent-staging}}
spec: {destination: {server: https://kubernetes.default.svc, namespace: adk-agent-prod}}
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from adk_gitops.applications import destination
from adk_gitops.manifests import Resource
from adk_gitops.model import Severity, Violation
from adk_gitops.rules._apps import applications
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import violation
from adk_gitops.rules._rule import Rule


def _check(ctx: Context) -> Iterator[Violation]:
    by_destination: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for app in applications(ctx):
        cluster, namespace = destination(app)
        if namespace:
            by_destination[cluster, namespace].append(app)
    for (_, namespace), apps in sorted(by_destination.items()):
        for app in apps if len(apps) > 1 else ():
            others = ", ".join(sorted(a.name for a in apps if a is not app))
            yield violation(
                app, "/spec/destination/namespace", f"namespace {namespace!r} is also deployed by {others}"
            )


RULE = Rule(
    id="application-namespace-shared",
    severity=Severity.ERROR,
    summary="No two Applications deploy into one namespace.",
    fix="Give each environment its own namespace (new-env names them <app>-<env>).",
    check=_check,
    doc=__doc__ or "",
)
