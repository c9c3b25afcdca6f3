"""## What it does
Checks that a hook Job's `ttlSecondsAfterFinished`, when set, is at least `min`
seconds (60 by default).

## Why is this bad?
A Job deleted seconds after it finishes may vanish before Argo CD records its
result. Before Argo CD 3.0 (hook finalizer, gitops-engine#646) the hook then
hung forever; since, it fails as "missing". Its logs are gone for debugging too.

## Example
```yaml
spec:
  ttlSecondsAfterFinished: 0
```

## Use instead
```yaml
spec:
  ttlSecondsAfterFinished: 86400
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._jobs import hook_jobs
from adk_gitops.check.rules._rule import Category, Rule, RuleOption


def _check(ctx: Context) -> Iterator[Violation]:
    least = ctx.option(RULE, "min")
    for job, spec in hook_jobs(ctx):
        ttl = spec.get("ttlSecondsAfterFinished")
        if isinstance(ttl, int) and ttl < least:
            yield violation(
                job, "/spec/ttlSecondsAfterFinished", f"ttlSecondsAfterFinished {ttl} is below {least}"
            )


RULE = Rule(
    category=Category.MIGRATION,
    id="job-ttl-after-finished",
    severity=Severity.WARNING,
    summary="Hook Jobs are kept at least a minute after they finish.",
    fix="Raise ttlSecondsAfterFinished (BeforeHookCreation already cleans up), or remove it.",
    check=_check,
    doc=__doc__ or "",
    options=(RuleOption("min", 60, "The shortest ttlSecondsAfterFinished allowed, in seconds."),),
)
