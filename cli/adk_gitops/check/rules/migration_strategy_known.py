"""## What it does
Checks that the migration Job runs a strategy adk-gitops knows: the seed's
`adk migrate upgrade` (ADK with Alembic migrations) or released ADK's
`DatabaseSessionService.prepare_tables()` (component
`migration-prepare-tables`).

## Why is this bad?
Any other command is invisible to the checks that keep a migration safe (async
driver, credential-free URL, one migrator), and a typo here fails the first
sync at PreSync. A deliberate custom migration is fine: suppress this rule on
the Job and say why.

## Example
```yaml
containers:
  - name: migration
    command: ["adk", "migrate", "up"]
```

## Use instead
```yaml
# overlays/ENV/kustomization.yaml: released google-adk (2.x)
components:
  - ../../components/db-postgres
  - ../../components/migration-prepare-tables
```
or, on an ADK that has it, the base's `adk migrate upgrade --db_url $(DATABASE_URL)`;
`adk-gitops set-migration ENV upgrade|prepare-tables` switches an environment.
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.adk.migration import strategy_of
from adk_gitops.adk.workloads import argv
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import adk_apps, main_container, migration_jobs, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    jobs = migration_jobs(ctx)
    if not jobs or not adk_apps(ctx):
        return  # not an ADK migration: another application's Job is none of our business
    for job in jobs:
        container = main_container(job)
        if container is None or strategy_of(argv(container.body)) is not None:
            continue
        shown = " ".join(argv(container.body))[:80] or "the image's default command"
        yield violation(
            job,
            container.pointer,
            f"migration container {container.name!r} runs {shown!r}: "
            "neither `adk migrate upgrade` nor ADK's prepare_tables()",
        )


RULE = Rule(
    category=Category.MIGRATION,
    id="migration-strategy-known",
    severity=Severity.ERROR,
    summary="The migration Job runs `adk migrate upgrade` or ADK's prepare_tables().",
    fix="Select a strategy (`adk-gitops set-migration ENV prepare-tables`), or suppress with the reason.",
    check=_check,
    adk=True,
    doc=__doc__ or "",
)
