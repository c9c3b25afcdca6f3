"""## What it does
Checks that every container drops all Linux capabilities
(`capabilities.drop: [ALL]`).

At the rule's severity on ADK workloads, their migration Jobs and in namespaces
whose rendered Namespace enforces Pod Security `restricted`; a warning on other
workloads (a database, a demo app, a vendored install), summed up in one line of
text output. `check.hardening: everywhere` in `adk-gitops.yaml` judges every
workload at the rule's severity.

## Why is this bad?
The default set includes capabilities such as NET_RAW that an ADK agent, its
migration or the Cloud SQL proxy never need, and an attacker can use.

## Example
```yaml
securityContext:
  capabilities:
    drop: ["NET_RAW"]
```

## Use instead
```yaml
securityContext:
  capabilities:
    drop: ["ALL"]
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
        caps = (container.body.get("securityContext") or {}).get("capabilities") or {}
        if "ALL" not in [str(c).upper() for c in caps.get("drop") or []]:
            yield hardening_violation(
                ctx,
                res,
                f"{container.pointer}/securityContext/capabilities/drop",
                f"container {container.name!r} does not drop ALL capabilities",
                Severity.WARNING,
            )


RULE = Rule(
    category=Category.SECURITY,
    id="drop-all-capabilities",
    severity=Severity.ERROR,
    summary="Every container drops ALL capabilities.",
    fix='Set securityContext.capabilities.drop: ["ALL"].',
    check=_check,
    doc=__doc__ or "",
)
