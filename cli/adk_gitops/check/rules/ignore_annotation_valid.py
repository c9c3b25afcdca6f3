"""## What it does
Checks `adk-gitops.io/ignore` suppressions: each entry (one per line, or
separated by `;`) is `RULE-ID=REASON`, names a known rule, and gives a reason.

## Why is this bad?
A suppression without a reason hides a problem without telling reviewers why
it is acceptable; one with an unknown rule id suppresses nothing.

## Example
```yaml
metadata:
  annotations:
    adk-gitops.io/ignore: hook-dependency-preexisting
```

## Use instead
```yaml
metadata:
  annotations:
    adk-gitops.io/ignore: "hook-dependency-preexisting=the DB Secret comes from External Secrets"
```
"""

from __future__ import annotations

from adk_gitops.check.model import Severity
from adk_gitops.check.rules._engine_rules import no_check
from adk_gitops.check.rules._rule import Category, Rule

RULE = Rule(
    category=Category.ENGINE,
    id="ignore-annotation-valid",
    severity=Severity.ERROR,
    summary="Suppressions name a known rule and give a reason.",
    fix='Write adk-gitops.io/ignore: "RULE-ID=why this is acceptable".',
    check=no_check,
    doc=__doc__ or "",
)
