"""## What it does
Checks that the migration Job is an Argo CD hook (normally `PreSync`).

## Why is this bad?
A plain Job is applied in the Sync phase together with the Deployment, so new
app pods start before (or while) the schema is migrated, and a fixed-name Job
that already completed is never re-run: the next release ships unmigrated.

## Example
```yaml
kind: Job
metadata:
  name: adk-agent-db-migration
```

## Use instead
```yaml
kind: Job
metadata:
  name: adk-agent-db-migration
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/sync-wave: "-5"
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.annotations import hook_info
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import migration_jobs, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for job in migration_jobs(ctx):
        if not hook_info(job).is_hook:
            yield violation(job, "/metadata/annotations", "the migration Job is not an Argo CD hook")


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="migration-job-presync-hook",
    severity=Severity.ERROR,
    summary="The migration Job is an Argo CD PreSync hook.",
    fix="Annotate it argocd.argoproj.io/hook: PreSync with hook-delete-policy BeforeHookCreation.",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
