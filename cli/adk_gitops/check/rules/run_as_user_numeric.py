"""## What it does
Checks that a container with `runAsNonRoot: true` also has a numeric
`runAsUser` (container or pod).

## Why is this bad?
The kubelet can only verify "non-root" for a numeric user. Images built by
`adk deploy gke` declare `USER myuser`, a name, so the kubelet refuses to start
them: `container has runAsNonRoot and image has non-numeric user`.

## Example
```yaml
securityContext:
  runAsNonRoot: true
```

## Use instead
```yaml
securityContext:
  runAsNonRoot: true
  runAsUser: 1000     # the uid of the image's user
  runAsGroup: 1000
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, effective_security, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod, container in containers(ctx):
        sc = effective_security(pod, container)
        if sc.get("runAsNonRoot") is True and not isinstance(sc.get("runAsUser"), int):
            yield violation(
                res,
                f"{container.pointer}/securityContext/runAsUser",
                f"container {container.name!r}: runAsNonRoot without a numeric runAsUser",
            )


RULE = Rule(
    category=Category.SECURITY,
    id="run-as-user-numeric",
    severity=Severity.WARNING,
    summary="runAsNonRoot comes with a numeric runAsUser.",
    fix="Set runAsUser (and runAsGroup) to the image user's uid, e.g. 1000.",
    check=_check,
    doc=__doc__ or "",
)
