"""## What it does
Lists objects no bundled schema covers, so they were not schema-checked: a
custom resource (a group such as `external-secrets.io`) as info, and an object of
a Kubernetes group (the core group, `apps`, `*.k8s.io`) as a warning, since that
is usually a typo (`kind: Deploymnet`) or an API version the release lacks.

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

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.schemas is None:
        return
    for res in ctx.resources:
        if ctx.schemas.has_schema(res):
            continue
        if _custom(res.group):  # a CRD's object: expected to be unknown offline
            yield Violation(
                "", f"{res.api_version} {res.kind} is a custom resource: not validated offline",
                res.id, Severity.INFO,
            )  # fmt: skip
        else:
            yield violation(res, "", f"no schema for {res.api_version} {res.kind}: not validated (a typo?)")


def _custom(group: str) -> bool:
    """A group no Kubernetes release defines (``external-secrets.io``), as opposed to
    the core group and ``*.k8s.io`` ones, where a missing schema means a typo."""
    return "." in group and not group.endswith(".k8s.io")


RULE = Rule(
    category=Category.SCHEMAS,
    id="schema-known",
    severity=Severity.WARNING,
    summary="Objects without a bundled schema are listed as not validated.",
    fix="Review the object by hand, or suppress with the reason it is safe.",
    check=_check,
    doc=__doc__ or "",
)
