"""## What it does
Checks that every container runs under a seccomp profile, `RuntimeDefault` or
`Localhost` (set on the container or the pod).

At the rule's severity on ADK workloads, their migration Jobs and in namespaces
whose rendered Namespace enforces Pod Security `restricted`; info on other
workloads (a database, a demo app, a vendored install), summed up in one line of
text output. `check.hardening: everywhere` in `adk-gitops.yaml` judges every
workload at the rule's severity.

## Why is this bad?
`Unconfined` (the default on many clusters) exposes every system call of the
node's kernel to the container.

## Example
```yaml
spec:
  securityContext:
    runAsNonRoot: true
```

## Use instead
```yaml
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, effective_security, hardening_violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod, container in containers(ctx):
        profile = effective_security(pod, container).get("seccompProfile") or {}
        if profile.get("type") not in ("RuntimeDefault", "Localhost"):
            yield hardening_violation(
                ctx,
                res,
                f"{container.pointer}/securityContext/seccompProfile",
                f"container {container.name!r} runs without a seccomp profile",
                Severity.INFO,
            )


RULE = Rule(
    category=Category.SECURITY,
    id="seccomp-profile",
    severity=Severity.WARNING,
    summary="Every container runs under the RuntimeDefault (or a Localhost) seccomp profile.",
    fix="Set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
    check=_check,
    doc=__doc__ or "",
)
