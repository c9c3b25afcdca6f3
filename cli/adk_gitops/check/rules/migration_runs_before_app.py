"""## What it does
Checks, with the same model as `adk-gitops plan`, that the migration Job runs in
an earlier Argo CD step than every app workload: a `PreSync` hook, or a `Sync`
hook at a lower wave.

## Why is this bad?
A migration in the same step as the Deployment (or after it) lets new pods run
against the old schema: the race the migration Job exists to prevent.

## Example
```yaml
kind: Job
metadata:
  annotations:
    argocd.argoproj.io/hook: PostSync   # runs after the Deployment rolled out
```

## Use instead
```yaml
    argocd.argoproj.io/hook: PreSync
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import adk_apps, migration_jobs, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    plan = ctx.plan
    for job in migration_jobs(ctx):
        job_step = plan.step_index(job.id)
        if job_step is None:
            continue  # never applied: hook-type-valid reports why
        for app in adk_apps(ctx):
            app_step = plan.step_index(app.id)
            if app_step is not None and app_step <= job_step:
                step = plan.steps[job_step]
                yield violation(
                    job,
                    "/metadata/annotations",
                    f"runs at {step.phase} wave {step.wave}, not before {app.kind} {app.name!r}",
                )


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="migration-runs-before-app",
    severity=Severity.ERROR,
    summary="The migration runs in an earlier Argo CD step than every app workload.",
    fix="Make the migration a PreSync hook, or a Sync hook at a wave below the app's.",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
