"""## What it does
Flags database URLs that splice a variable into the password position
(`postgresql://$(DB_USER):$(DB_PASS)@host/db`), as ADK's Helm guide does.

## Why is this bad?
Kubernetes inserts the value verbatim, never URL-encoded. A password with `@`
moves the host, `:` or `/` break the port, `%40` is decoded to `@`: the
migration fails, or authenticates with the wrong password. The expanded
password also shows in the process arguments.

## Example
```yaml
command: ["adk", "migrate", "upgrade", "--db_url",
  "postgresql://$(DB_USER):$(DB_PASS)@127.0.0.1:5432/$(DB_NAME)"]
```

## Use instead
```yaml
command: ["adk", "migrate", "upgrade", "--db_url", "$(DATABASE_URL)"]
env:
  - {name: DATABASE_URL, value: "postgresql+asyncpg://127.0.0.1:5432"}
  - {name: PGUSER, valueFrom: {secretKeyRef: {name: adk-agent-db, key: username}}}
  - {name: PGPASSWORD, valueFrom: {secretKeyRef: {name: adk-agent-db, key: password}}}
  - {name: PGDATABASE, valueFrom: {secretKeyRef: {name: adk-agent-db, key: database}}}
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
            for name in references(password) if sep else []:
                yield violation(
                    res,
                    url.pointer,
                    f"$({name}) is spliced into the URL's password: breaks on @ : / % in the value",
                )


RULE = Rule(
    category=Category.MIGRATION,
    id="db-url-password-variable",
    severity=Severity.WARNING,
    summary="No password variable spliced into a database URL.",
    fix="Use a credential-free URL and PGUSER/PGPASSWORD from the Secret.",
    check=_check,
    doc=__doc__ or "",
)
