"""## What it does
Checks that every `$(VAR)` in a container's `command` and `args` names a
variable the container defines (`env`, or `envFrom` of a rendered ConfigMap).
`$$(VAR)` is an escape and is ignored.

## Why is this bad?
Kubernetes leaves an undefined reference as the literal text: the migration
runs with `--db_url $(DATABASE_URL)` and fails, or connects somewhere else.

## Example
```yaml
command: ["adk", "migrate", "upgrade", "--db_url", "$(DATABASE_URL)"]
env:
  - name: DB_URL
    valueFrom: {secretKeyRef: {name: db, key: url}}
```

## Use instead
```yaml
env:
  - name: DATABASE_URL
    valueFrom: {secretKeyRef: {name: db, key: url}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops import k8s
from adk_gitops.model import Severity, Violation
from adk_gitops.podenv import references
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import containers, violation
from adk_gitops.rules._rule import Rule


def _defined(container: k8s.Container, ctx: Context, namespace: str) -> set[str] | None:
    """Names the container defines; None when an envFrom source is not rendered (unknown keys)."""
    names = {str(e.get("name")) for e in container.body.get("env") or []}
    for source in container.body.get("envFrom") or []:
        ref = source.get("configMapRef") or source.get("secretRef")
        kind = "ConfigMap" if "configMapRef" in source else "Secret"
        found = ctx.find(kind, str((ref or {}).get("name", "")), namespace)
        if found is None:
            return None
        data = {**(found.body.get("data") or {}), **(found.body.get("stringData") or {})}
        names |= {f"{source.get('prefix', '')}{k}" for k in data}
    return names


def _check(ctx: Context) -> Iterator[Violation]:
    for res, _, container in containers(ctx):
        defined = _defined(container, ctx, res.namespace)
        if defined is None:
            continue
        for field in ("command", "args"):
            for i, arg in enumerate(container.body.get(field) or []):
                for name in references(str(arg)):
                    if name not in defined:
                        yield violation(
                            res,
                            f"{container.pointer}/{field}/{i}",
                            f"$({name}) is not defined in container {container.name!r}: "
                            "Kubernetes passes it literally",
                        )


RULE = Rule(
    id="env-reference-defined",
    severity=Severity.ERROR,
    summary="Every $(VAR) in command and args is defined by the container's env.",
    fix="Define the variable in env, or fix the reference's name.",
    check=_check,
    doc=__doc__ or "",
)
