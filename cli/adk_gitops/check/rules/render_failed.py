"""## What it does
Reports an overlay that kustomize cannot build, with kustomize's own message.
The other overlays are still checked.

## Why is this bad?
Argo CD cannot build it either: the Application shows "ComparisonError" and
nothing of this environment syncs until it is fixed.

## Example
```yaml
resources:
  - ../../bases/adk-agnet    # no such directory
```

## Use instead
```yaml
resources:
  - ../../bases/adk-agent
```
"""

from __future__ import annotations

from adk_gitops.check.model import Severity
from adk_gitops.check.rules._engine_rules import no_check
from adk_gitops.check.rules._rule import Category, Rule

RULE = Rule(
    category=Category.ENGINE,
    id="render-failed",
    severity=Severity.ERROR,
    summary="Every overlay builds with kustomize.",
    fix="Run `adk-gitops render PATH` and fix what kustomize reports.",
    check=no_check,
    doc=__doc__ or "",
)
