"""## What it does
Checks that every container sets `allowPrivilegeEscalation: false`.

At the rule's severity on ADK workloads, their migration Jobs and in namespaces
whose rendered Namespace enforces Pod Security `restricted`; a warning on other
workloads (a database, a demo app, a vendored install), summed up in one line of
text output. `check.hardening: everywhere` in `adk-gitops.yaml` judges every
workload at the rule's severity.

## Why is this bad?
Without it a process can gain more privileges than its parent (setuid
binaries), the first step of most container escapes.

## Example
```yaml
securityContext:
  runAsNonRoot: true
```

## Use instead
```yaml
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, hardening_violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res, _, container in containers(ctx):
        sc = container.body.get("securityContext") or {}
        if sc.get("allowPrivilegeEscalation") is not False:
            yield hardening_violation(
                ctx,
                res,
                f"{container.pointer}/securityContext/allowPrivilegeEscalation",
                f"container {container.name!r} allows privilege escalation",
                Severity.WARNING,
            )


RULE = Rule(
    category=Category.SECURITY,
    id="no-privilege-escalation",
    severity=Severity.ERROR,
    summary="Every container sets allowPrivilegeEscalation: false.",
    fix="Set securityContext.allowPrivilegeEscalation: false on the container.",
    check=_check,
    doc=__doc__ or "",
)
