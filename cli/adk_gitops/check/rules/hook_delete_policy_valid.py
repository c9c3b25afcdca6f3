"""## What it does
Checks that every hook delete policy is one of `HookSucceeded`, `HookFailed`,
`BeforeHookCreation` (or Helm's `hook-succeeded`, `hook-failed`,
`before-hook-creation`).

## Why is this bad?
Argo CD ignores unknown values without a word, so the hook behaves as if the
policy were not there.

## Example
```yaml
argocd.argoproj.io/hook-delete-policy: OnSuccess
```

## Use instead
```yaml
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.annotations import DELETE_POLICY, delete_policies, hook_info
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.syntax import annotation_pointer


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        if not hook_info(res).is_hook:
            continue
        for value in delete_policies(res)[1]:
            key = (
                DELETE_POLICY
                if value in res.annotations.get(DELETE_POLICY, "")
                else "helm.sh/hook-delete-policy"
            )
            yield violation(
                res,
                annotation_pointer(key),
                f"delete policy {value!r} is not valid and is ignored",
            )


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="hook-delete-policy-valid",
    severity=Severity.ERROR,
    summary="Hook delete policies are values Argo CD knows.",
    fix="Use HookSucceeded, HookFailed or BeforeHookCreation.",
    check=_check,
    doc=__doc__ or "",
)
