"""## What it does
Checks that the migration Job and the ADK app read their database credentials
from the same Secret(s).

## Why is this bad?
Two Secrets drift: the migration migrates one database (or as one user) while
the app serves from another, which then has an old schema.

## Example
```yaml
# Job:        secretKeyRef: {name: adk-db-migrate, key: url}
# Deployment: secretKeyRef: {name: adk-db, key: url}
```

## Use instead
```yaml
# both:       secretKeyRef: {name: adk-agent-db, key: url}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops import k8s
from adk_gitops.manifests import Resource
from adk_gitops.model import Severity, Violation
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import adk_apps, main_container, migration_jobs, violation
from adk_gitops.rules._rule import Category, Rule


def _secrets(res: Resource) -> set[str]:
    main = main_container(res)
    if main is None:
        return set()
    deps = k8s.container_dependencies(main)
    return {d.name for d in deps if d.kind == "Secret"}


def _check(ctx: Context) -> Iterator[Violation]:
    for job in migration_jobs(ctx):
        job_secrets = _secrets(job)
        for app in adk_apps(ctx):
            app_secrets = _secrets(app)
            if job_secrets and app_secrets and job_secrets != app_secrets:
                yield violation(
                    job,
                    "/spec/template/spec",
                    f"reads Secret(s) {sorted(job_secrets)}, {app.kind} {app.name!r} reads "
                    f"{sorted(app_secrets)}",
                )


RULE = Rule(
    category=Category.MIGRATION,
    id="db-secret-consistent",
    severity=Severity.WARNING,
    summary="The migration and the app read the same database Secret.",
    fix="Point the migration Job and the app at one Secret.",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
