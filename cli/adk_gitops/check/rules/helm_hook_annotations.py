"""## What it does
Notes `helm.sh/hook*` annotations on any object (from a chart, Kustomize or plain
YAML): Argo CD supports them on purpose, and this says what they mean to it.

## Why is this bad?
It is not wrong, but it is easy to misread: Argo CD gives them its own meaning
(every sync is an "install" and an "upgrade", so `pre-install` and `pre-upgrade`
both run on every sync as PreSync; weights become waves), and an Argo CD hook on
the same object overrides them. Argo CD's own annotation says it directly.

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

from adk_gitops.argocd.annotations import (
    HELM_DELETE_POLICY,
    HELM_HOOK,
    HELM_WEIGHT,
    HOOK,
    SYNC_WAVE,
    delete_policies,
    hook_info,
    sync_wave,
)
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube.manifests import Resource
from adk_gitops.syntax import annotation_pointer


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        for key in sorted(k for k in res.annotations if k.startswith("helm.sh/hook")):
            yield violation(
                res,
                annotation_pointer(key),
                f"{key}: {res.annotations[key]!r}, which Argo CD reads as {_meaning(res, key)}",
            )


def _meaning(res: Resource, key: str) -> str:
    """What Argo CD makes of one Helm annotation (gitops-engine hook/helm)."""
    if key == HELM_HOOK:
        info = hook_info(res)
        if HOOK in res.annotations and info.types:
            return "nothing: its argocd.argoproj.io/hook wins"
        return f"hook {'/'.join(info.types or info.deletion) or 'none Argo CD supports'} on every sync"
    if key == HELM_WEIGHT:
        return (
            f"sync wave {sync_wave(res).value}"
            if SYNC_WAVE not in res.annotations
            else "nothing (sync-wave wins)"
        )
    if key == HELM_DELETE_POLICY:
        return f"delete policy {','.join(delete_policies(res)[0])}"
    return "nothing (Argo CD does not support it)"


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="helm-hook-annotations",
    severity=Severity.INFO,
    summary="Helm hook annotations are read as Argo CD reads them.",
    fix="Optionally state it directly: argocd.argoproj.io/hook, sync-wave and hook-delete-policy.",
    check=_check,
    doc=__doc__ or "",
)
