"""## What it does
Lists the objects a hook's pod needs that the overlay does not render (other
than the `default` ServiceAccount): they must exist before the first sync.

## Why is this bad?
Nothing in git creates them. If the DB Secret is missing when the PreSync
migration starts, its pod stays in `CreateContainerConfigError` and the sync
waits. This is often intended (Secrets stay out of git): make it a checklist
item, or suppress with a reason.

## Example
```yaml
env:
  - name: DATABASE_URL
    valueFrom: {secretKeyRef: {name: adk-agent-db, key: url}}   # created by hand?
```

## Use instead
```yaml
# Create adk-agent-db before the first sync (kubectl create secret, or an
# ExternalSecret outside this Application / as an earlier PreSync hook), and
# record it on the Job:
metadata:
  annotations:
    adk-gitops.io/ignore: "hook-dependency-preexisting=DB Secret is created by External Secrets"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.syncplan import Diagnosis
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import plan_problems
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    return plan_problems(ctx, Diagnosis.DEPENDENCY_PREEXISTING)


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="hook-dependency-preexisting",
    severity=Severity.WARNING,
    summary="Objects a hook needs but git does not create must exist before the first sync.",
    fix="Create them before the first sync (see the README), or render them as earlier hooks.",
    check=_check,
    doc=__doc__ or "",
)
