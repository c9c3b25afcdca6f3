"""## What it does
Checks that every container (init containers and sidecars included) runs with
`runAsNonRoot: true`, set on the container or the pod.

At the rule's severity on ADK workloads, their migration Jobs and in namespaces
whose rendered Namespace enforces Pod Security `restricted`; a warning on other
workloads (a database, a demo app, a vendored install), summed up in one line of
text output. `check.hardening: everywhere` in `adk-gitops.yaml` judges every
workload at the rule's severity.

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

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, effective_security, hardening_violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod, container in containers(ctx):
        if effective_security(pod, container).get("runAsNonRoot") is not True:
            yield hardening_violation(
                ctx,
                res,
                f"{container.pointer}/securityContext/runAsNonRoot",
                f"container {container.name!r} may run as root",
                Severity.WARNING,
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
