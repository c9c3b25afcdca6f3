"""## What it does
Flags an Argo CD Application whose destination is a Kubernetes system namespace
(`default`, `kube-system`, any `kube-*`) or Argo CD's own namespace (where the
Application itself lives).

## Why is this bad?
An environment there shares the namespace with the cluster's own components or
with Argo CD: pruning and the resources finalizer can delete objects that are not
the agent's, and namespace-wide policies (quotas, Pod Security) are not the
agent's to set.

## Example
```yaml
metadata: {name: adk-agent-dev, namespace: argocd}
spec: {destination: {namespace: default}}
```

## Use instead
```yaml
spec: {destination: {namespace: adk-agent-dev}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.applications import destination, system_namespace
from adk_gitops.model import Severity, Violation
from adk_gitops.rules._apps import applications
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import violation
from adk_gitops.rules._rule import Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for app in applications(ctx):
        namespace = destination(app)[1]
        why = system_namespace(namespace, app.namespace or "argocd") if namespace else None
        if why:
            yield violation(app, "/spec/destination/namespace", f"deploys into {why}")


RULE = Rule(
    id="application-system-namespace",
    severity=Severity.ERROR,
    summary="No Application deploys into a system namespace or Argo CD's.",
    fix="Deploy into the environment's own namespace.",
    check=_check,
    doc=__doc__ or "",
)
