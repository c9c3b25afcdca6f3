"""## What it does
Flags a hook whose pod reads a ConfigMap or Secret with a Kustomize
generator's content-hash suffix (`name-<10 chars>`) that the overlay renders as
a plain (Sync-phase) object.

## Why is this bad?
Every content change gives the generated object a new name, created only in the
Sync phase, after PreSync: the hook deadlocks not just on the first sync but
on every config change.

## Example
```yaml
configMapGenerator:
  - name: migrate-settings    # rendered as migrate-settings-7h2k9m5b4f
```

## Use instead
```yaml
# Bake values into the Job (replacements from a local-config values file), or
generatorOptions:
  disableNameSuffixHash: true   # and make the ConfigMap an earlier PreSync hook
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from adk_gitops.argocd.annotations import hook_info
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import pods, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec

# kustomize's hash suffix: 10 hex characters with 0, 1, 3, a, e replaced by g, h, k, m, t
# (kubernetes-sigs/kustomize api/hasher/hasher.go, encode).
HASHED = re.compile(r"-[2456789bcdfghkmt]{10}$")


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod in pods(ctx):
        if not hook_info(res).types:
            continue
        for dep in podspec.pod_dependencies(pod):
            if dep.kind not in ("ConfigMap", "Secret") or not HASHED.search(dep.name):
                continue
            target = ctx.find(dep.kind, dep.name, res.namespace)
            if target is not None and not hook_info(target).is_hook:
                yield violation(
                    res,
                    dep.pointer,
                    f"reads generated {dep.kind} {dep.name!r}, renamed on every change and created after"
                    " PreSync",
                )


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="hook-reads-generated-name",
    severity=Severity.ERROR,
    summary="Hooks do not read hash-suffixed generated ConfigMaps or Secrets.",
    fix="Bake the values into the hook, or disable the name suffix and make the object an earlier hook.",
    check=_check,
    doc=__doc__ or "",
)
