"""## What it does
Notes hook Jobs whose pods have a native sidecar (such as the Cloud SQL proxy).

## Why is this bad?
It is not wrong, and it is required for the proxy; but Argo CD issue #27407
(open) reports that removing the hook finalizer from such a Job can fail with
`spec.template: field is immutable`, leaving it Terminating so later syncs
fail. Know the workaround before it happens.

## Example
```yaml
kind: Job
metadata:
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  template:
    spec:
      initContainers:
        - {name: cloud-sql-proxy, restartPolicy: Always}
```

## Use instead
Keep the native sidecar. If a migration Job gets stuck Terminating, remove its
`argocd.argoproj.io/hook-finalizer` by hand
(`kubectl patch job NAME --type=json -p='[{"op":"remove","path":"/metadata/finalizers"}]'`),
test upgrades of your Argo CD version, and follow argoproj/argo-cd#27407.
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.annotations import hook_info
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import pods, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod in pods(ctx):
        if res.kind == "Job" and hook_info(res).types:
            for container in podspec.containers(pod):
                if container.native_sidecar:
                    yield violation(
                        res,
                        container.pointer,
                        f"hook Job with native sidecar {container.name!r}: see argoproj/argo-cd#27407",
                    )


RULE = Rule(
    category=Category.CLOUDSQL_PROXY,
    id="hook-native-sidecar-finalizer",
    severity=Severity.INFO,
    summary="Hook Jobs with native sidecars are exposed to Argo CD #27407.",
    fix="Know the workaround: remove the hook finalizer by hand if the Job sticks in Terminating.",
    check=_check,
    doc=__doc__ or "",
)
