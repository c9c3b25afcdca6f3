"""## What it does
Checks that the migration Job runs one pod: `parallelism` and `completions`
unset or 1.

## Why is this bad?
`adk migrate upgrade` takes no database lock. Two pods migrating at once can
corrupt the schema or fail half-way.

## Example
```yaml
spec:
  parallelism: 2
```

## Use instead
```yaml
spec:
  parallelism: 1
  completions: 1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import migration_jobs, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for job in migration_jobs(ctx):
        spec = job.body.get("spec") or {}
        for field in ("parallelism", "completions"):
            if field in spec and spec[field] != 1:
                yield violation(
                    job, f"/spec/{field}", f"{field} is {spec[field]!r}: migrations must not run twice"
                )


RULE = Rule(
    category=Category.MIGRATION,
    id="job-single-pod",
    severity=Severity.ERROR,
    summary="The migration Job runs exactly one pod.",
    fix="Set parallelism: 1 and completions: 1 (or leave them unset).",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
