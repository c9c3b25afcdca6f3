"""## What it does
Reports a kustomization that names a remote resource, component or file
(`https://…`, `github.com/org/repo//path?ref=v1`, `git::…`). `check` does not
fetch it and does not render the overlay, unless `--allow-remote` is given or the
repository lists it in `check.kustomize.remoteBases`.

## Why is this bad?
`check` runs on pull requests from anyone. A remote reference makes kustomize
run `git` or fetch over HTTP: it reaches the network, and a crafted ref
(`?ref=--upload-pack=…`) is a shell command. Remote bases also change under you
between review and sync.

## Example
```yaml
resources:
  - https://github.com/example/agent-base//deploy?ref=main
```

## Use instead
```yaml
resources:
  - ../../bases/adk-agent   # vendored into this repository, reviewed like the rest
```
Or pin the base and list it in `adk-gitops.yaml`, which admits it (fetched over
https, through the sandbox's network filter) and nothing else:
```yaml
check:
  kustomize:
    remoteBases:
      - https://github.com/example/agent-base//deploy?ref=v1.4.0   # exactly this
      - https://github.com/example/platform/*   # anything below, pinned to a commit or version tag
```
With `--changed-from REF` the list is read from `REF`: a pull request cannot widen it.
Or, in a trusted pipeline, `adk-gitops check --allow-remote` (every https reference;
refs beginning with `-` are always refused).
"""

from __future__ import annotations

from adk_gitops.check.model import Severity
from adk_gitops.check.rules._engine_rules import no_check
from adk_gitops.check.rules._rule import Category, Rule

RULE = Rule(
    category=Category.ENGINE,
    id="remote-reference",
    severity=Severity.ERROR,
    summary="Overlays reference nothing remote (unless listed in remoteBases, or --allow-remote).",
    fix="Vendor the remote base, or pin it and list it in check.kustomize.remoteBases (adk-gitops.yaml).",
    check=no_check,
    doc=__doc__ or "",
)
