"""## What it does
Checks, with the same model as `adk-gitops plan`, that the namespace of every
hook exists before the first sync: the Application creates it
(`CreateNamespace=true`) or the overlay renders it (Argo CD then moves the
Namespace in front of its first user, sync_tasks.go adjustDeps).

## Why is this bad?
A PreSync hook is applied before anything else. Into a namespace that does not
exist yet it fails with `namespaces "x" not found`, and the first sync fails.

## Example
```yaml
# argocd/apps/staging.yaml: no CreateNamespace, and the overlay renders no Namespace
syncPolicy: {}
```

## Use instead
```yaml
syncPolicy:
  syncOptions: [CreateNamespace=true]
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
    return plan_problems(ctx, Diagnosis.HOOK_NAMESPACE_MISSING)


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="hook-namespace-exists",
    severity=Severity.WARNING,
    summary="Every hook's namespace exists before the first sync.",
    fix="Set CreateNamespace=true on the Application, or render the Namespace.",
    check=_check,
    doc=__doc__ or "",
)
