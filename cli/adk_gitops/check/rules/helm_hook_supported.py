"""## What it does
Flags Helm hooks Argo CD does not support: `pre-rollback`, `post-rollback`,
`test`, `test-success`, `test-failure`.

## Why is this bad?
Argo CD ignores such an object entirely: it is never applied, with no error.

## Example
```yaml
annotations:
  helm.sh/hook: pre-rollback
```

## Use instead
```yaml
annotations:
  argocd.argoproj.io/hook: SyncFail   # or drop the hook
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.annotations import hook_info
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        for value in hook_info(res).ignored_helm:
            yield violation(
                res, "/metadata/annotations/helm.sh~1hook", f"Helm hook {value!r} is not supported by Argo CD"
            )


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="helm-hook-supported",
    severity=Severity.ERROR,
    summary="No Helm hooks that Argo CD ignores (rollback, test).",
    fix="Use an Argo CD hook type, or remove the hook.",
    check=_check,
    doc=__doc__ or "",
)
