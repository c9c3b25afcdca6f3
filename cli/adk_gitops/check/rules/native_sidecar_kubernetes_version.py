"""## What it does
Flags native sidecars (init containers with `restartPolicy: Always`) when
checking for a Kubernetes version below 1.29.

## Why is this bad?
Native sidecars are on by default from Kubernetes 1.29. Where the feature is
off, the API server silently drops `restartPolicy` from init containers: the
proxy becomes a blocking init container and the pod hangs in `Init:0/1`.

## Example
```sh
adk-gitops check --kubernetes-version 1.28   # cluster is 1.28
```

## Use instead
Upgrade the control plane and node pools to 1.29 or later (GKE: every
supported version), and check with that version.
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube.podspec import NATIVE_SIDECARS_ON_BY_DEFAULT


def _check(ctx: Context) -> Iterator[Violation]:
    old = [
        v
        for v in ctx.kubernetes_versions
        if tuple(int(p) for p in v.split(".")) < NATIVE_SIDECARS_ON_BY_DEFAULT
    ]
    if not old:
        return
    for res, _, container in containers(ctx):
        if container.native_sidecar:
            yield violation(
                res,
                f"{container.pointer}/restartPolicy",
                f"native sidecar {container.name!r} needs Kubernetes 1.29+, checking for {', '.join(old)}",
            )


RULE = Rule(
    category=Category.CLOUDSQL_PROXY,
    id="native-sidecar-kubernetes-version",
    severity=Severity.ERROR,
    summary="Native sidecars only target Kubernetes 1.29 or later.",
    fix="Target Kubernetes 1.29+ (--kubernetes-version), or upgrade the cluster.",
    check=_check,
    doc=__doc__ or "",
)
