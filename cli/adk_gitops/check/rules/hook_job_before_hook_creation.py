"""## What it does
Checks that a fixed-name hook Job is deleted before it is created again: its
delete policy includes `BeforeHookCreation` (or no policy, which means the same).

## Why is this bad?
Argo CD *applies* hooks. A Job that is kept is re-applied on the next sync: unchanged
it counts as done without running, with a new image the apply fails with
`spec.template: field is immutable`. With `HookFailed` or `Never` a successful Job
is kept, so the migration never runs again: an error. With `HookSucceeded` (Argo
CD's own documented migration example) the Job is deleted when the sync succeeds,
so the trap is only after a failed sync: a warning.

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

from adk_gitops.argocd.annotations import delete_policies, hook_info
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        if res.kind != "Job" or not res.metadata.get("name") or not hook_info(res).types:
            continue
        policies, _ = delete_policies(res)
        if "BeforeHookCreation" in policies:
            continue
        if "HookSucceeded" in policies:
            yield Violation(
                "/metadata/annotations",
                "fixed-name hook Job deleted only on success (HookSucceeded): after a failed sync the kept "
                "Job is re-applied, not re-run, and a new image fails as immutable",
                res.id,
                Severity.WARNING,
            )
        else:
            yield violation(
                res,
                "/metadata/annotations",
                f"fixed-name hook Job with delete policy {','.join(policies)}: a kept Job is never re-run",
            )


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="hook-job-before-hook-creation",
    severity=Severity.ERROR,
    summary="Fixed-name hook Jobs use the BeforeHookCreation delete policy.",
    fix="Set argocd.argoproj.io/hook-delete-policy: BeforeHookCreation.",
    check=_check,
    doc=__doc__ or "",
)
