"""## What it does
Checks that every hook Job sets `spec.backoffLimit` to at most 6.

## Why is this bad?
A failing migration is retried `backoffLimit` times (default 6) with growing
back-off before Argo CD sees the failure; a large value hides a broken release
for a long time, and each retry hits the database again.

## Example
```yaml
spec:
  backoffLimit: 20
```

## Use instead
```yaml
spec:
  backoffLimit: 3
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._jobs import hook_jobs
from adk_gitops.check.rules._rule import Category, Rule, RuleOption


def _check(ctx: Context) -> Iterator[Violation]:
    most = ctx.option(RULE, "max")
    for job, spec in hook_jobs(ctx):
        limit = spec.get("backoffLimit")
        if not isinstance(limit, int):
            yield violation(job, "/spec/backoffLimit", "backoffLimit is not set (Kubernetes retries 6 times)")
        elif limit > most:
            yield violation(job, "/spec/backoffLimit", f"backoffLimit {limit} is above {most}")


RULE = Rule(
    category=Category.MIGRATION,
    id="job-backoff-limit",
    severity=Severity.WARNING,
    summary="Hook Jobs set a small backoffLimit (at most `max`, 6 by default).",
    fix="Set spec.backoffLimit, e.g. 3.",
    check=_check,
    doc=__doc__ or "",
    options=(RuleOption("max", 6, "The largest backoffLimit allowed."),),
)
