"""## What it does
Checks that a fixed-name hook Job is deleted before it is created again: its
delete policy includes `BeforeHookCreation` (or no policy, which means the same).

## Why is this bad?
Argo CD *applies* hooks. A completed Job kept by `HookSucceeded` alone (after a
failed sync) is re-applied unchanged and counts as succeeded without running;
with a new image the apply fails with `spec.template: field is immutable`.

## Example
```yaml
argocd.argoproj.io/hook: PreSync
argocd.argoproj.io/hook-delete-policy: HookSucceeded
```

## Use instead
```yaml
argocd.argoproj.io/hook: PreSync
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.annotations import delete_policies, hook_info
from adk_gitops.model import Severity, Violation
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import violation
from adk_gitops.rules._rule import Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        if res.kind != "Job" or not res.metadata.get("name") or not hook_info(res).types:
            continue
        policies, _ = delete_policies(res)
        if "BeforeHookCreation" not in policies:
            yield violation(
                res,
                "/metadata/annotations",
                f"fixed-name hook Job with delete policy {','.join(policies)}: a kept Job is never re-run",
            )


RULE = Rule(
    id="hook-job-before-hook-creation",
    severity=Severity.ERROR,
    summary="Fixed-name hook Jobs use the BeforeHookCreation delete policy.",
    fix="Set argocd.argoproj.io/hook-delete-policy: BeforeHookCreation.",
    check=_check,
    doc=__doc__ or "",
)
