"""## What it does
Flags a hook delete policy (`argocd.argoproj.io/hook-delete-policy`,
`helm.sh/hook-delete-policy`) on an object that is not a hook.

## Why is this bad?
Argo CD applies delete policies to hooks only. On a plain object the annotation
does nothing, and its author expected it to: typically a fixed-name migration Job
whose hook annotation was lost, which now runs once as a plain resource and is
never re-run (`spec.template` is immutable on the next image).

## Example
```yaml
kind: Job
metadata:
  name: db-migrate
  annotations:
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
```

## Use instead
```yaml
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.annotations import DELETE_POLICY, HELM_DELETE_POLICY, hook_info
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.syntax import annotation_pointer


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        if hook_info(res).is_hook:
            continue
        for key in (DELETE_POLICY, HELM_DELETE_POLICY):
            if key in res.annotations:
                yield violation(
                    res,
                    annotation_pointer(key),
                    f"{key} on an object that is not a hook: Argo CD ignores it",
                )


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="delete-policy-without-hook",
    severity=Severity.WARNING,
    summary="Hook delete policies are set on hooks only.",
    fix="Add the hook annotation it was meant for, or remove the delete policy.",
    check=_check,
    doc=__doc__ or "",
)
