"""## What it does
Checks every object a sync applies against the AppProject of the Application
that deploys it, as Argo CD does before it applies anything
(controller/sync.go `validateSyncPermissions`): a cluster-scoped kind (the
Namespace that `CreateNamespace=true` creates included) must be in
`clusterResourceWhitelist` (by group, kind and, when the entry has one, name)
and not in `clusterResourceBlacklist`; a namespaced kind must not be left out of
`namespaceResourceWhitelist` or be in `namespaceResourceBlacklist`; and a
namespaced object's namespace must be one of the project's `destinations`.
Kinds whose scope is unknown offline (a custom resource without its
CustomResourceDefinition) are not judged.

## Why is this bad?
gitops-engine validates every task first and, if one is refused, fails the whole
operation before anything exists: `one or more synchronization tasks are not
valid: resource :Namespace is not permitted in project adk-agent`. A new
environment never gets its namespace, its migration or its app.

## Example
```yaml
# argocd/project.yaml
spec:
  destinations: [{server: https://kubernetes.default.svc, namespace: adk-agent-dev}]
  clusterResourceWhitelist: []        # the auto-created Namespace is refused
# argocd/apps/dev.yaml
spec:
  syncPolicy: {syncOptions: [CreateNamespace=true]}
```

## Use instead
```yaml
spec:
  clusterResourceWhitelist:
    - {group: "", kind: Namespace, name: adk-agent-dev}   # only the environments' own
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
    return plan_problems(ctx, Diagnosis.PROJECT_REFUSES_TASK)


RULE = Rule(
    category=Category.SYNC_ORDER,
    id=Diagnosis.PROJECT_REFUSES_TASK.value,
    severity=Severity.ERROR,
    summary="The Application's AppProject permits every object its sync applies.",
    fix="Allow the kind (and name) in the AppProject's resource lists, or its namespace in destinations.",
    check=_check,
    doc=__doc__ or "",
)
