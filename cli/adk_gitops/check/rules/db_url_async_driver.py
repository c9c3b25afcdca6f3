"""## What it does
Checks that the database URLs the ADK app uses, and the migration Job when it
runs released ADK's `prepare_tables()`, name an async SQLAlchemy driver
(`postgresql+asyncpg://`, `postgresql+psycopg://`, `mysql+aiomysql://`).

## Why is this bad?
google-adk's `DatabaseSessionService` builds its engine with
`create_async_engine`: a URL that resolves to a synchronous driver fails with
"resolves to a synchronous driver". `postgresql://` names no driver, so it works
on SQLAlchemy 2.1 (psycopg 3) and fails on 2.0 (psycopg2): the same manifest
breaks when the image is rebuilt. `adk migrate upgrade` converts the URL to a
synchronous one itself, so its Job is not checked.

## Example
```yaml
env:
  - name: DATABASE_URL
    value: postgresql://127.0.0.1:5432
```

## Use instead
```yaml
env:
  - name: DATABASE_URL
    value: postgresql+asyncpg://127.0.0.1:5432
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.adk.migration import Strategy, strategy_of, sync_driver
from adk_gitops.adk.workloads import argv
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import (
    adk_apps,
    db_urls,
    is_cloudsql_proxy,
    main_container,
    migration_jobs,
    violation,
)
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec


def _check(ctx: Context) -> Iterator[Violation]:
    checked = list(adk_apps(ctx))
    for job in migration_jobs(ctx):
        main = main_container(job)
        if main is not None and strategy_of(argv(main.body)) is Strategy.PREPARE_TABLES:
            checked.append(job)
    for res in checked:
        spec = podspec.pod_spec(res)
        for container in podspec.containers(spec) if spec else ():
            if container.init or is_cloudsql_proxy(container):
                continue
            for url in db_urls(container):
                why = sync_driver(url.text.split("://", 1)[0])
                if why:
                    yield violation(res, url.pointer, f"{why}; ADK's session service needs an async one")


RULE = Rule(
    category=Category.MIGRATION,
    id="db-url-async-driver",
    severity=Severity.ERROR,
    summary="ADK's session database URLs name an async driver.",
    fix="Write the scheme as postgresql+asyncpg:// (or another async driver).",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
