"""## What it does
Flags Secrets with `data` or `stringData` in the rendered output.

## Why is this bad?
Base64 is not encryption: a Secret in git is readable by everyone who can read
the repository, forever (history included).

## Example
```yaml
kind: Secret
metadata: {name: adk-agent-db}
stringData:
  password: hunter2
```

## Use instead
Create the Secret out of band (`kubectl create secret generic ...`), or with
External Secrets / Sealed Secrets, and keep only its name in git.
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        if res.kind == "Secret" and res.group == "":
            for field in ("data", "stringData"):
                if res.body.get(field):
                    yield violation(res, f"/{field}", f"Secret {res.name!r} carries {field} in git")


RULE = Rule(
    category=Category.SECURITY,
    id="secret-in-manifests",
    severity=Severity.ERROR,
    summary="No Secret values in the manifests.",
    fix="Remove the Secret's data; create it out of band or with External Secrets.",
    check=_check,
    doc=__doc__ or "",
)
