"""## What it does
Flags an object that a target renders more than once (same group, kind,
namespace and name).

## Why is this bad?
Argo CD keeps one of them and warns "RepeatedResourceWarning": which one wins
depends on manifest order, so a change to the other copy silently never applies.
Kustomize refuses duplicates within one build, but a plain directory (or a list
of files) can hold two.

## Example
```yaml
# deploy/a.yaml and deploy/b.yaml both define
kind: ConfigMap
metadata: {name: settings}
```

## Use instead
One definition per object; move the differences into that one.
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube.manifests import ResourceId


def _check(ctx: Context) -> Iterator[Violation]:
    first: dict[ResourceId, str] = {}
    for res in ctx.resources:
        if res.id in first:
            yield violation(res, "", f"defined again (first in {first[res.id]}): Argo CD keeps only one")
        else:
            first[res.id] = res.source or ctx.label


RULE = Rule(
    category=Category.SCHEMAS,
    id="object-unique",
    severity=Severity.ERROR,
    summary="A target renders each object once.",
    fix="Keep one definition of the object.",
    check=_check,
    doc=__doc__ or "",
)
