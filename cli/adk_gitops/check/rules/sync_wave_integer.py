"""## What it does
Checks that `argocd.argoproj.io/sync-wave` and `helm.sh/hook-weight` are
integers as Go's `strconv.Atoi` reads them (optional sign, digits, no spaces).

## Why is this bad?
An unparsable wave silently falls back to the hook weight, or to wave 0: the
object runs in a different order than written, with no error.

## Example
```yaml
argocd.argoproj.io/sync-wave: "-5 "
```

## Use instead
```yaml
argocd.argoproj.io/sync-wave: "-5"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.annotations import sync_wave
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.syntax import annotation_pointer


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        wave = sync_wave(res)
        for bad in wave.unparsable:
            key = bad.split("=", 1)[0]
            yield violation(
                res,
                annotation_pointer(key),
                f"{bad} is not an integer: Argo CD uses wave {wave.value} instead",
            )


RULE = Rule(
    category=Category.SYNC_ORDER,
    id="sync-wave-integer",
    severity=Severity.ERROR,
    summary="Sync waves and hook weights are integers.",
    fix='Write the wave as a quoted integer, e.g. "-5".',
    check=_check,
    doc=__doc__ or "",
)
