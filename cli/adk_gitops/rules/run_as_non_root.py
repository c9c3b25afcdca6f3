"""## What it does
Checks that every container (init containers and sidecars included) runs with
`runAsNonRoot: true`, set on the container or the pod.

## Why is this bad?
A container running as root turns any escape or misconfiguration into root on
the node's kernel. Pod Security "restricted" refuses it.

## Example
```yaml
containers:
  - name: migration
    image: adk-agent
```

## Use instead
```yaml
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.model import Severity, Violation
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import containers, effective_security, violation
from adk_gitops.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod, container in containers(ctx):
        if effective_security(pod, container).get("runAsNonRoot") is not True:
            yield violation(
                res,
                f"{container.pointer}/securityContext/runAsNonRoot",
                f"container {container.name!r} may run as root",
            )


RULE = Rule(
    category=Category.SECURITY,
    id="run-as-non-root",
    severity=Severity.ERROR,
    summary="Every container runs with runAsNonRoot: true.",
    fix="Set securityContext.runAsNonRoot: true (pod or container).",
    check=_check,
    doc=__doc__ or "",
)
