"""## What it does
Checks that every container requests CPU and memory and limits memory.

## Why is this bad?
Without requests the scheduler packs pods blindly; without a memory limit one
leaking agent takes the node down with its neighbours. A native sidecar's
requests add to the pod's, so the proxy needs them too.

## Example
```yaml
containers:
  - name: agent
    image: adk-agent
```

## Use instead
```yaml
    resources:
      requests: {cpu: 250m, memory: 512Mi}
      limits: {memory: 1Gi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res, _, container in containers(ctx):
        resources = container.body.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        missing = [f"requests.{r}" for r in ("cpu", "memory") if r not in requests]
        missing += ["limits.memory"] if "memory" not in limits else []
        if missing:
            yield violation(
                res,
                f"{container.pointer}/resources",
                f"container {container.name!r} sets no {', '.join(missing)}",
            )


RULE = Rule(
    category=Category.SECURITY,
    id="resources-set",
    severity=Severity.WARNING,
    summary="Every container requests CPU and memory and limits memory.",
    fix="Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.",
    check=_check,
    doc=__doc__ or "",
)
