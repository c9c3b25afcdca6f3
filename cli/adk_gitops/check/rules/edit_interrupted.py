"""## What it does
Reports an `adk-gitops` edit (`new-env`, `set-image`, `set-migration`,
`promote`, `init`) that was killed after it committed and before every file
was in place: its staged files wait in `.git/adk-gitops/staging-*/` (outside a
git checkout, in `.adk-gitops-staging-*/`).

## Why is this bad?
Some of the edit's files are new and some old: an Application may point at an
overlay that is not complete yet, or the AppProject may not allow its namespace.
Committing the tree in this state ships half an environment.

## Example
```text
.git/adk-gitops/staging-k2j4/manifest.json   # left by a run killed mid-write
```

## Use instead
Run any `adk-gitops` edit of the repository (re-running the interrupted command
is simplest): it completes the staged edit first, under the repository lock.
Outside a git checkout a staging folder in the tree is never rolled forward (a
folder of that name may come from anyone): re-run the edit and remove it.
"""

from __future__ import annotations

from adk_gitops.check.model import Severity
from adk_gitops.check.rules._engine_rules import no_check
from adk_gitops.check.rules._rule import Category, Rule

RULE = Rule(
    category=Category.ENGINE,
    id="edit-interrupted",
    severity=Severity.ERROR,
    summary="No adk-gitops edit is left half-written.",
    fix="Re-run the interrupted adk-gitops command: it completes the staged edit first.",
    check=no_check,
    doc=__doc__ or "",
)
