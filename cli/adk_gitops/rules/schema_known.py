"""## What it does
Lists objects no bundled schema covers (custom resources other than Argo CD's),
so they were not schema-checked.

## Why is this bad?
Other validators pass such objects silently; a typo in an `ExternalSecret` then
surfaces only in the cluster. Knowing what was not checked is part of the check.

## Example
```yaml
apiVersion: external-secrets.io/v1
kind: ExternalSecret
```

## Use instead
Nothing to change in the manifest: review such objects by hand, or suppress the
finding on the object with a reason
(`adk-gitops.io/ignore: "schema-known=validated by the operator's webhook"`).
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.model import Severity, Violation
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import violation
from adk_gitops.rules._rule import Rule


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.schemas is None:
        return
    for res in ctx.resources:
        if not ctx.schemas.has_schema(res):
            yield violation(res, "", f"no schema for {res.api_version} {res.kind}: not validated")


RULE = Rule(
    id="schema-known",
    severity=Severity.WARNING,
    summary="Objects without a bundled schema are listed as not validated.",
    fix="Review the object by hand, or suppress with the reason it is safe.",
    check=_check,
    doc=__doc__ or "",
)
