"""## What it does
Flags database URLs in manifests that carry a literal password
(`postgresql://user:hunter2@host/db`).

## Why is this bad?
The password is in git, in every rendered copy, and in the process arguments.

## Example
```yaml
env:
  - name: DATABASE_URL
    value: postgresql+asyncpg://adk:hunter2@10.0.0.5:5432/sessions
```

## Use instead
```yaml
env:
  - name: DATABASE_URL
    value: postgresql+asyncpg://10.0.0.5:5432/sessions
  - name: PGPASSWORD
    valueFrom: {secretKeyRef: {name: adk-agent-db, key: password}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.adk.podenv import references
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, db_urls, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res, _, container in containers(ctx):
        for url in db_urls(container):
            _, sep, password = url.userinfo.partition(":")
            if sep and password and not references(password):
                yield violation(res, url.pointer, "database URL with a literal password")


RULE = Rule(
    category=Category.MIGRATION,
    id="db-url-literal-credentials",
    severity=Severity.ERROR,
    summary="Database URLs in manifests carry no literal password.",
    fix="Move the password to a Secret and pass it as PGPASSWORD (or a url Secret key).",
    check=_check,
    doc=__doc__ or "",
)
