"""## What it does
Checks that every hook Job sets `spec.activeDeadlineSeconds`.

## Why is this bad?
Argo CD has no per-hook timeout: it waits as long as the Job runs. A hung
migration (a lock, an unreachable database) blocks this and every later sync.

## Example
```yaml
kind: Job
spec:
  backoffLimit: 3
```

## Use instead
```yaml
kind: Job
spec:
  backoffLimit: 3
  activeDeadlineSeconds: 300
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._jobs import hook_jobs
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for job, spec in hook_jobs(ctx):
        if not isinstance(spec.get("activeDeadlineSeconds"), int):
            yield violation(
                job, "/spec/activeDeadlineSeconds", "hook Job without a deadline can block syncs forever"
            )


RULE = Rule(
    category=Category.MIGRATION,
    id="job-active-deadline",
    severity=Severity.ERROR,
    summary="Hook Jobs set activeDeadlineSeconds.",
    fix="Set spec.activeDeadlineSeconds, sized for your slowest migration.",
    check=_check,
    doc=__doc__ or "",
)
