"""## What it does
Checks what the Kubernetes API server validates in code rather than in its
schema: object, container, volume and port names (DNS-1123 / DNS-1035 labels,
IANA port names of at most 15 characters), label and annotation keys and label
values, the enum values of pod, container and Service fields, int32 and port
ranges, non-negative counts, rolling-update percentages and resource
quantities. Messages use the server's words. Where the server's rule changed
between minors (a Service name may start with a digit from 1.36), it is judged
for the `--kubernetes-version`s checked, and the message names the minors.

## Why is this bad?
The schema accepts `name: Agent`, `replicas: -1` or `memory: 1GB`; the API
server does not. The manifest merges green and the sync
fails, or the migration hook never starts.

## Example
```yaml
containers:
  - name: Agent
    ports: [{name: http-agent-public, containerPort: 8080}]
    resources: {requests: {memory: 1GB}}
```

## Use instead
```yaml
containers:
  - name: agent
    ports: [{name: http, containerPort: 8080}]
    resources: {requests: {memory: 1Gi}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube.validation.objects import syntax_problems


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        for problem in syntax_problems(res):
            if problem.holds_for(ctx.kubernetes_versions):
                yield violation(res, problem.pointer, problem.worded)


RULE = Rule(
    category=Category.SCHEMAS,
    id="api-values-valid",
    severity=Severity.ERROR,
    summary="Names, labels, ranges and quantities are ones the API server accepts.",
    fix="Use the value the message asks for (lowercase names, in-range numbers, Ki/Mi/Gi quantities).",
    check=_check,
    doc=__doc__ or "",
)
