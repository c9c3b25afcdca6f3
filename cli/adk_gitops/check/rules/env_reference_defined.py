"""## What it does
Checks that every `$(VAR)` in a container's `command` and `args` names a
variable the container defines (`env`, or `envFrom` of a rendered ConfigMap).
`$$(VAR)` is an escape and is ignored, and so is what cannot be a variable name
(`$(date +%H)`) and the script of `sh -c SCRIPT`, where `$(…)` is the shell's
command substitution, meant literally.

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

import re
from collections.abc import Iterator

from adk_gitops.adk.podenv import references
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec


def _defined(container: podspec.Container, ctx: Context, namespace: str) -> set[str] | None:
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


# What the API server accepts as an env var name (IsEnvVarName): `$(date +%H)` is
# not a reference to a variable but shell, meant literally.
_VARIABLE = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})


def _shell_script_index(container: podspec.Container) -> tuple[str, int] | None:
    """(field, index) of the script a ``sh -c SCRIPT`` container runs, if any: there an
    undefined ``$(…)`` is the shell's command substitution, left for it on purpose."""
    words = [("command", i, str(a)) for i, a in enumerate(container.body.get("command") or [])]
    words += [("args", i, str(a)) for i, a in enumerate(container.body.get("args") or [])]
    if not words or words[0][2].rsplit("/", 1)[-1] not in _SHELLS:
        return None
    for n, (_, _, word) in enumerate(words[:-1]):
        if word.startswith("-") and "c" in word.lstrip("-") and not word.startswith("--"):
            field, index, _ = words[n + 1]
            return field, index
    return None


def _check(ctx: Context) -> Iterator[Violation]:
    for res, _, container in containers(ctx):
        defined = _defined(container, ctx, res.namespace)
        if defined is None:
            continue
        script = _shell_script_index(container)
        for field in ("command", "args"):
            for i, arg in enumerate(container.body.get(field) or []):
                if (field, i) == script:
                    continue
                for name in references(str(arg)):
                    if _VARIABLE.fullmatch(name) and name not in defined:
                        yield violation(
                            res,
                            f"{container.pointer}/{field}/{i}",
                            f"$({name}) is not defined in container {container.name!r}: "
                            "Kubernetes passes it literally",
                        )


RULE = Rule(
    category=Category.MIGRATION,
    id="env-reference-defined",
    severity=Severity.ERROR,
    summary="Every $(VAR) in command and args is defined by the container's env.",
    fix="Define the variable in env, or fix the reference's name.",
    check=_check,
    doc=__doc__ or "",
)
