"""## What it does
Reports a path that a kustomization, an overlay or an `argocd/` file names
which resolves (symlinks followed) outside the repository or into `.git/`.
Nothing behind it is read.

## Why is this bad?
A pull request could otherwise make `check` read the CI machine's files — a
symlinked overlay moves Kustomize's load root, and `.git/config` holds the
checkout token — and print them in findings. Argo CD's repo-server refuses
out-of-bounds symlinks too.

## Example
```yaml
configMapGenerator:
  - name: leak
    files: [../../.git/config]
```

## Use instead
```yaml
configMapGenerator:
  - name: settings
    files: [settings.env]   # a file of this overlay
```
"""

from __future__ import annotations

from adk_gitops.check.model import Severity
from adk_gitops.check.rules._engine_rules import no_check
from adk_gitops.check.rules._rule import Category, Rule

RULE = Rule(
    category=Category.ENGINE,
    id="path-outside-repository",
    severity=Severity.ERROR,
    summary="Every path read stays inside the repository and out of .git/.",
    fix="Reference files inside the repository; replace the symlink with the files themselves.",
    check=no_check,
    doc=__doc__ or "",
)
