"""## What it does
Checks that every `argocd.argoproj.io/hook` value is one of Argo CD's exact,
case-sensitive hook types: `PreSync`, `Sync`, `PostSync`, `SyncFail`, `Skip`,
`PreDelete`, `PostDelete`.

## Why is this bad?
Argo CD silently drops an object whose hook values are all invalid: it is never
applied and no error is shown. A `presync` migration simply never runs.

## Example
```yaml
annotations:
  argocd.argoproj.io/hook: presync
```

## Use instead
```yaml
annotations:
  argocd.argoproj.io/hook: PreSync
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.annotations import HOOK_TYPES, hook_info
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule

_POINTER = "/metadata/annotations/argocd.argoproj.io~1hook"


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        info = hook_info(res)
        for value in info.invalid:
            where = (
                _POINTER
                if value in res.annotations.get("argocd.argoproj.io/hook", "")
                else ("/metadata/annotations/helm.sh~1hook")
            )
            dropped = " (the object is never applied)" if not info.types else ""
            yield violation(
                res, where, f"hook type {value!r} is not one of {', '.join(sorted(HOOK_TYPES))}{dropped}"
            )


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="hook-type-valid",
    severity=Severity.ERROR,
    summary="Hook annotations use Argo CD's exact hook types.",
    fix="Spell the hook type exactly: PreSync, Sync, PostSync, SyncFail, Skip, PreDelete or PostDelete.",
    check=_check,
    doc=__doc__ or "",
)
