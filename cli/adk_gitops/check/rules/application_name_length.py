"""## What it does
Checks that Argo CD Application names are at most 63 characters.

## Why is this bad?
Argo CD writes the Application name into a label value
(`app.kubernetes.io/instance`), limited to 63 characters: syncing fails on
every resource (argoproj/argo-cd#4045, #5594).

## Example
```yaml
metadata:
  name: adk-customer-support-agent-with-a-long-name-europe-west1-production
```

## Use instead
```yaml
metadata:
  name: adk-support-prod-euw1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._apps import applications
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule

MAX_LENGTH = 63


def _check(ctx: Context) -> Iterator[Violation]:
    for app in applications(ctx):
        if len(app.name) > MAX_LENGTH:
            yield violation(app, "/metadata/name", f"name is {len(app.name)} characters (max {MAX_LENGTH})")


RULE = Rule(
    category=Category.APPLICATIONS,
    id="application-name-length",
    severity=Severity.ERROR,
    summary="Application names fit a 63-character label value.",
    fix="Shorten the Application's name (or the env name it is built from).",
    check=_check,
    doc=__doc__ or "",
)
