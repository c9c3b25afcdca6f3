"""## What it does
Checks that the ADK app does not log in to the database as the migration does:
it reads none of the migration Job's Secrets and, with Cloud SQL IAM database
authentication (`--auto-iam-authn`), runs as another Google service account.

## Why is this bad?
The migration's role owns the schema: it may `CREATE`, `ALTER` and `DROP`
ADK's tables. Every app pod that logs in with it may do the same, so one bug or
one compromised pod can drop every session. Released ADK's app issues no DDL
once the migration ran (`prepare_tables()` finds every table), so it runs with a
role that may only `SELECT`, `INSERT`, `UPDATE` and `DELETE`.

## Example
```yaml
# Job:        secretKeyRef: {name: adk-agent-db, key: url}
# Deployment: secretKeyRef: {name: adk-agent-db, key: url}
```

## Use instead
```yaml
# Job:        secretKeyRef: {name: adk-agent-db, key: url}       (owns the schema)
# Deployment: secretKeyRef: {name: adk-agent-db-app, key: url}   (DML only)
```
`adk-gitops set-app-secret ENV adk-agent-db-app` gives an existing environment
the second Secret (README.md, "Two database roles", has the SQL).
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import (
    GSA_ANNOTATION,
    adk_apps,
    is_cloudsql_proxy,
    main_container,
    migration_jobs,
    violation,
)
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource


def _secrets(res: Resource) -> dict[str, str]:
    """Secret name -> where the main container reads it first."""
    main = main_container(res)
    found: dict[str, str] = {}
    if main is not None:
        for dep in podspec.container_dependencies(main):
            if dep.kind == "Secret":
                found.setdefault(dep.name, dep.pointer)
    return found


def _iam_account(ctx: Context, res: Resource) -> str | None:
    """The Google service account a pod logs in to Cloud SQL as, when its proxy
    uses IAM database authentication."""
    pod = podspec.pod_spec(res)
    if pod is None or not any(
        is_cloudsql_proxy(c) and "--auto-iam-authn" in [str(a) for a in c.body.get("args") or []]
        for c in podspec.containers(pod)
    ):
        return None
    sa = ctx.find("ServiceAccount", str(pod.spec.get("serviceAccountName") or "default"), res.namespace)
    return None if sa is None else sa.annotations.get(GSA_ANNOTATION)


def _check(ctx: Context) -> Iterator[Violation]:
    for job in migration_jobs(ctx):
        job_secrets = _secrets(job)
        job_account = _iam_account(ctx, job)
        for app in adk_apps(ctx):
            app_secrets = _secrets(app)
            shared = sorted(job_secrets.keys() & app_secrets.keys())
            if shared:
                yield violation(
                    app,
                    app_secrets[shared[0]],
                    f"logs in with Secret {shared[0]!r}, the migration Job {job.name!r}'s: every app pod "
                    "may ALTER or DROP the session tables",
                )
            elif job_account and _iam_account(ctx, app) == job_account:
                yield violation(
                    app,
                    "/spec/template/spec/serviceAccountName",
                    f"logs in to Cloud SQL as {job_account}, the migration Job {job.name!r}'s IAM user: "
                    "every app pod may ALTER or DROP the session tables",
                )


RULE = Rule(
    category=Category.MIGRATION,
    id="db-app-role-separate",
    severity=Severity.WARNING,
    summary="The app logs in to the database with its own role, not the migration's.",
    fix="Give the app its own DML-only Secret: `adk-gitops set-app-secret ENV NAME`.",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
