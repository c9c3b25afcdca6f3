"""## What it does
Checks that every instance the Cloud SQL Auth Proxy serves is a well-formed
connection name, `PROJECT:REGION:INSTANCE` (a legacy domain-scoped
`example.com:PROJECT:REGION:INSTANCE` too), optionally with `?port=N`.

## Why is this bad?
A placeholder left unreplaced, a missing region or a typo only shows at run
time: the proxy exits, the migration cannot connect and the sync fails.

## Example
```yaml
args: ["--port=5432", "my-project:adk-sessions"]
```

## Use instead
```yaml
args: ["--port=5432", "my-project:europe-west1:adk-sessions"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, is_cloudsql_proxy, violation
from adk_gitops.check.rules._proxy import instance_names
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.syntax import CONNECTION_NAME


def _check(ctx: Context) -> Iterator[Violation]:
    for res, _, container in containers(ctx):
        if not is_cloudsql_proxy(container):
            continue
        names = instance_names(container)
        if not names:
            yield violation(
                res, f"{container.pointer}/args", "the proxy is given no instance connection name"
            )
        for pointer, name in names:
            if not CONNECTION_NAME.fullmatch(name):
                yield violation(res, pointer, f"{name!r} is not PROJECT:REGION:INSTANCE")


RULE = Rule(
    category=Category.CLOUDSQL_PROXY,
    id="cloudsql-instance-name",
    severity=Severity.ERROR,
    summary="Cloud SQL instance connection names are PROJECT:REGION:INSTANCE.",
    fix="Give the proxy PROJECT:REGION:INSTANCE (`gcloud sql instances describe NAME`: connectionName).",
    check=_check,
    doc=__doc__ or "",
)
