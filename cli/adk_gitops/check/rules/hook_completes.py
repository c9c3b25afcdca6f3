"""## What it does
Checks, with the same model as `adk-gitops plan`, that a hook Job or Pod can
complete: none of its regular containers is a server that runs until stopped
(the Cloud SQL Auth Proxy, AlloyDB Auth Proxy, Envoy, Istio or Linkerd proxies).

## Why is this bad?
Argo CD waits for a hook until it completes. A plain sidecar keeps the pod
running after the migration exits, so the Job never completes: the sync waits
forever, or fails at `activeDeadlineSeconds` although the migration succeeded.
A native sidecar (an init container with `restartPolicy: Always`, Kubernetes
1.29+) is stopped when the main container exits.

## Example
```yaml
containers:
  - {name: migration, image: my-agent:1.0}
  - {name: cloud-sql-proxy, image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3}
```

## Use instead
```yaml
initContainers:
  - {name: cloud-sql-proxy, image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3, restartPolicy: Always}
containers:
  - {name: migration, image: my-agent:1.0}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.syncplan import Diagnosis
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import plan_problems
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    return plan_problems(ctx, Diagnosis.HOOK_NEVER_COMPLETES)


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="hook-completes",
    severity=Severity.ERROR,
    summary="Hook Jobs and Pods can complete: no plain sidecar serves forever.",
    fix="Move the sidecar to initContainers with restartPolicy: Always (a native sidecar).",
    check=_check,
    doc=__doc__ or "",
)
