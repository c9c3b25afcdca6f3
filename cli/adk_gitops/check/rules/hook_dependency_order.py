"""## What it does
Checks, with the same model as `adk-gitops plan`, that every object a hook's pod
needs and that the overlay renders — its ServiceAccount, Secrets and ConfigMaps
(env, envFrom, volumes), image pull Secrets, PVCs — is applied before the hook:
in an earlier Argo CD step, or earlier in the same step (Argo CD applies a step
kind group by kind group, ServiceAccount and Secret before Job). A Secret created
by a controller from an ExternalSecret, SealedSecret, VaultStaticSecret or
Certificate counts once its producer is applied no later than the hook. The
message says whether the sync then fails (and after how long:
`activeDeadlineSeconds`) or waits forever.

## Why is this bad?
A PreSync hook runs before every Sync-phase object exists. On a new environment
the Job's pod can never be created (missing ServiceAccount) or started (missing
Secret): the Job never runs, and the first sync waits forever or fails at its
deadline.

## Example
```yaml
kind: ServiceAccount          # a plain resource: created in the Sync phase
metadata: {name: migrator}
---
kind: Job
metadata:
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  template:
    spec: {serviceAccountName: migrator}
```

## Use instead
```yaml
kind: ServiceAccount
metadata:
  name: migrator
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/sync-wave: "-10"   # before the Job's wave
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
    return plan_problems(ctx, Diagnosis.DEPENDENCY_ORDER)


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="hook-dependency-order",
    severity=Severity.ERROR,
    summary="Everything a hook's pod needs is applied before the hook (no first-sync deadlock).",
    fix="Make the dependency a hook at an earlier wave, or create it outside the Application.",
    check=_check,
    doc=__doc__ or "",
)
