"""## What it does
Flags `helm.sh/hook*` annotations in Kustomize output.

## Why is this bad?
Argo CD honours them on any object, but with Argo CD's meaning (every sync is an
"install" and an "upgrade"; weights become waves), and an Argo CD hook on the
same object overrides them. Two vocabularies for one behaviour confuse reviews.

## Example
```yaml
annotations:
  helm.sh/hook: pre-install,pre-upgrade
```

## Use instead
```yaml
annotations:
  argocd.argoproj.io/hook: PreSync
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.model import Severity, Violation
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import violation
from adk_gitops.rules._rule import Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        for key in sorted(k for k in res.annotations if k.startswith("helm.sh/hook")):
            yield violation(
                res,
                f"/metadata/annotations/{key.replace('/', '~1')}",
                f"Helm annotation {key} in Kustomize output; use Argo CD's own",
            )


RULE = Rule(
    id="helm-hook-annotations",
    severity=Severity.WARNING,
    summary="Kustomize output uses Argo CD hook annotations, not Helm's.",
    fix="Replace helm.sh/hook* with argocd.argoproj.io/hook, sync-wave and hook-delete-policy.",
    check=_check,
    doc=__doc__ or "",
)
