"""## What it does
Checks that the migration Job's container runs the same image as the app's.

## Why is this bad?
The migration must bring the schema to exactly what the new app version expects.
A different image (a stale tag, an `images:` entry that moved only one of them)
migrates to the wrong revision: the skew the migration Job exists to prevent.

## Example
```yaml
images:
  - name: adk-agent-migrate
    newTag: "1.4.0"
  - name: adk-agent
    newTag: "1.5.0"
```

## Use instead
```yaml
images:            # one placeholder in both, one entry moves both
  - name: adk-agent
    newTag: "1.5.0"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import adk_apps, main_container, migration_jobs, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for job in migration_jobs(ctx):
        job_main = main_container(job)
        for app in adk_apps(ctx):
            app_main = main_container(app)
            if job_main is None or app_main is None:
                continue
            if job_main.body.get("image") != app_main.body.get("image"):
                yield violation(
                    job,
                    f"{job_main.pointer}/image",
                    f"image {job_main.body.get('image')!r} differs from {app.kind} {app.name!r}'s "
                    f"{app_main.body.get('image')!r}",
                )


RULE = Rule(
    category=Category.MIGRATION,
    id="migration-image-matches-app",
    severity=Severity.ERROR,
    summary="The migration Job runs the app's image.",
    fix="Use one image placeholder in both and one kustomize images: entry.",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
