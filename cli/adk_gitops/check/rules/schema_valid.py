"""## What it does
Validates every object strictly (unknown fields are errors) against the
Kubernetes schemas of each `--kubernetes-version` (default 1.34), and Argo CD
`Application`, `AppProject` and `ApplicationSet` objects against Argo CD's own
CRD schemas (v3.6.1), read as the API server reads them: unknown fields are
errors where the CRD is strict, nulls are pruned, metadata is ObjectMeta.
CEL rules of the CRDs are not evaluated. Every error is reported, each with its JSON pointer. An object
annotated `argocd.argoproj.io/sync-options: Validate=false` is applied by Argo
CD without validation: its findings are reported as info.

## Why is this bad?
A typo (`serviceAccount: ` under the wrong key, `imagePullPolicy: always`) is
either rejected at sync time, after merge, or — for unknown fields — silently
dropped by the API server, so the setting you wrote never applies.

## Example
```yaml
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migration
          comand: ["adk", "migrate", "upgrade"]
```

## Use instead
```yaml
          command: ["adk", "migrate", "upgrade"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.annotations import sync_options
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    from adk_gitops.kube.schemas import NoSchema

    if ctx.schemas is None:
        return
    for res in ctx.resources:
        by_error: dict[tuple[str, str], list[str]] = {}
        try:
            for error in ctx.schemas.validate(res):
                by_error.setdefault((error.pointer, error.message), []).append(error.version)
        except NoSchema:
            continue  # schema-known reports it
        unvalidated = "Validate=false" in sync_options(res)
        for (pointer, message), versions in by_error.items():
            where = "" if len(ctx.kubernetes_versions) == 1 else f" (Kubernetes {', '.join(versions)})"
            if unvalidated:  # Argo CD applies it with --validate=false: the server decides
                yield Violation(
                    pointer,
                    f"{message}{where} (Validate=false: Argo CD syncs it unvalidated)",
                    res.id,
                    Severity.INFO,
                )
            else:
                yield violation(res, pointer, f"{message}{where}")


RULE = Rule(
    category=Category.SCHEMAS,
    id="schema-valid",
    severity=Severity.ERROR,
    summary="Every object matches its schema, with no unknown fields.",
    fix="Fix the field the message names (spelling, type, or the Kubernetes version it needs).",
    check=_check,
    doc=__doc__ or "",
)
