"""## What it does
Checks that the ADK app does not set `ADK_AUTO_MIGRATE_DB` to anything but
`"false"`.

## Why is this bad?
With auto-migration on, every replica migrates at start-up, concurrently and
without a lock, racing the migration Job and each other.

## Example
```yaml
env:
  - name: ADK_AUTO_MIGRATE_DB
    value: "true"
```

## Use instead
```yaml
env:
  - name: ADK_AUTO_MIGRATE_DB
    value: "false"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import adk_apps, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec


def _check(ctx: Context) -> Iterator[Violation]:
    for app in adk_apps(ctx):
        pod = podspec.pod_spec(app)
        for container in podspec.containers(pod) if pod else ():
            for i, env in enumerate(container.body.get("env") or []):
                if env.get("name") != "ADK_AUTO_MIGRATE_DB":
                    continue
                if "valueFrom" in env or str(env.get("value", "")).strip().lower() != "false":
                    shown = env.get("value", "a reference")
                    yield violation(
                        app,
                        f"{container.pointer}/env/{i}",
                        f"ADK_AUTO_MIGRATE_DB is {shown!r}: replicas would migrate concurrently",
                    )


RULE = Rule(
    category=Category.MIGRATION,
    id="app-auto-migrate-disabled",
    severity=Severity.ERROR,
    summary='The app never migrates by itself (ADK_AUTO_MIGRATE_DB is "false" or unset).',
    fix='Set ADK_AUTO_MIGRATE_DB to "false"; the migration Job migrates.',
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
