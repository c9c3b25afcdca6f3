"""## What it does
Checks the API server's required-field, cross-field and uniqueness rules for
the kinds this project renders: every container has an image; container,
volume, port and mount names are unique; mounts name a volume (a
StatefulSet's `volumeClaimTemplates` count as volumes); init
containers carry probes or lifecycle hooks only as native sidecars
(`restartPolicy: Always`); a probe has exactly one handler; requests stay
within limits; a Deployment's selector is non-empty and matches its template
labels, its pods restart `Always`, `Recreate` has no `rollingUpdate`, and
`progressDeadlineSeconds` exceeds `minReadySeconds`; a Job's pods restart
`OnFailure` or `Never` (only `Never` with a `podFailurePolicy`) and its selector
is generated; a Service has ports (unless headless or ExternalName), named when
more than one, an ExternalName service its `externalName`, no `nodePort` on a
ClusterIP service and no `clusterIP: None` on a LoadBalancer or NodePort one.
Where the server's rule changed between minors (an init container's
`restartPolicy: OnFailure` is refused by 1.29 to 1.33 only), it is judged for the
`--kubernetes-version`s checked, and the message names the minors.

## Why is this bad?
Each of these passes a JSON schema and is rejected by the API server at sync
time, after the change merged.

## Example
```yaml
kind: Job
spec:
  template:
    spec:
      containers:
        - name: migration
```

## Use instead
```yaml
kind: Job
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migration
          image: us-docker.pkg.dev/my-project/adk/agent:1.0
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube.validation.objects import consistency_problems


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        for problem in consistency_problems(res):
            if problem.holds_for(ctx.kubernetes_versions):
                yield violation(res, problem.pointer, problem.worded)


RULE = Rule(
    category=Category.SCHEMAS,
    id="api-fields-consistent",
    severity=Severity.ERROR,
    summary="Required, cross-field and uniqueness rules of the API server hold.",
    fix="Add the required field or make the fields agree, as the message says.",
    check=_check,
    doc=__doc__ or "",
)
