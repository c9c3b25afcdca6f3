"""## What it does
Checks that an overlay deploying an ADK app that keeps sessions in a database
(`--session_service_uri`, `DATABASE_URL` or a `*SESSION_SERVICE_URI` variable,
other than `memory://` or Agent Engine; or the database given in parts, as
`SESSION_DB_*` or `DB_*` variables) renders exactly one migration Job (a Job
running `adk migrate ...` or ADK's `prepare_tables()`, or labelled
`app.kubernetes.io/component: migration`).

An ADK app whose session store its manifests do not show (set in its code) is
reported as info, saying so.

## Why is this bad?
Without it, the app starts against a schema nobody migrated (with
`ADK_AUTO_MIGRATE_DB=false` it refuses to start, or fails on first use). With
two, both migrate at once: `adk migrate` takes no lock of its own (only a shared
lock, as the base's Job command takes, serialises them; two Jobs are still two
migrations to reason about).

## Example
```yaml
# overlays/prod/kustomization.yaml renders a Deployment running `adk api_server`, and no Job
resources: [../../bases/agent-without-migration]
```

## Use instead
```yaml
resources: [../../bases/adk-agent]   # Deployment + the PreSync migration Job
```
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from adk_gitops.adk.workloads import SessionStore, session_store
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import adk_apps, migration_jobs, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    stores = {app: session_store(app) for app in adk_apps(ctx)}
    apps = [app for app, store in stores.items() if store is SessionStore.DATABASE]
    unknown = [app for app, store in stores.items() if store is SessionStore.UNKNOWN]
    jobs = migration_jobs(ctx)
    if apps and not jobs:
        yield violation(apps[0], "", "this ADK app keeps sessions in a database but has no migration Job")
    elif unknown and not jobs:
        found = violation(
            unknown[0],
            "",
            "this ADK app's session store cannot be determined from its manifests (no "
            "--session_service_uri, DATABASE_URL, *SESSION_SERVICE_URI, SESSION_DB_* or DB_* variable): "
            "if it keeps sessions in a database, it needs a migration Job",
        )
        yield replace(found, severity=Severity.INFO)
    for extra in jobs[1:]:
        yield violation(
            extra, "", f"a second migration Job (besides {jobs[0].name!r}): migrations would race"
        )


RULE = Rule(
    category=Category.MIGRATION,
    id="migration-job-required",
    severity=Severity.ERROR,
    summary="An overlay whose ADK app keeps sessions in a database renders exactly one migration Job.",
    fix="Include the base's migration Job once; remove duplicates.",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
