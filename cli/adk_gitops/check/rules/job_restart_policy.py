"""## What it does
Checks that hook Jobs' pods use `restartPolicy: Never` or `OnFailure`.

## Why is this bad?
The API server rejects a Job with `restartPolicy: Always`, so the sync fails at
its dry run; Argo CD's SyncFail hooks do not even run.

## Example
```yaml
spec:
  template:
    spec:
      restartPolicy: Always
```

## Use instead
```yaml
      restartPolicy: Never
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._jobs import hook_jobs
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec


def _check(ctx: Context) -> Iterator[Violation]:
    for job, _ in hook_jobs(ctx):
        pod = podspec.pod_spec(job)
        policy = pod.spec.get("restartPolicy", "Always") if pod else "Always"
        if policy not in ("Never", "OnFailure"):
            yield violation(
                job, "/spec/template/spec/restartPolicy", f"restartPolicy {policy!r} is invalid for a Job"
            )


RULE = Rule(
    category=Category.MIGRATION,
    id="job-restart-policy",
    severity=Severity.ERROR,
    summary="Hook Jobs restart with Never or OnFailure.",
    fix="Set spec.template.spec.restartPolicy: Never.",
    check=_check,
    doc=__doc__ or "",
)
