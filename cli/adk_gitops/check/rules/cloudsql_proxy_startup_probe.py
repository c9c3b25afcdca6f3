"""## What it does
Checks that a Cloud SQL Auth Proxy native sidecar has a `startupProbe` (on the
proxy's `/startup` health endpoint, enabled by `--health-check`).

## Why is this bad?
Without one, the kubelet starts the migration as soon as the proxy *process*
runs, before it listens: the first connection can fail and burn a retry.

## Example
```yaml
initContainers:
  - name: cloud-sql-proxy
    restartPolicy: Always
    args: ["--port=5432", "p:r:i"]
```

## Use instead
```yaml
    args: ["--port=5432", "--health-check", "--http-address=0.0.0.0", "--http-port=9801", "p:r:i"]
    startupProbe:
      httpGet: {path: /startup, port: 9801}
      periodSeconds: 1
      failureThreshold: 60
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, is_cloudsql_proxy, violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    for res, _, container in containers(ctx):
        if is_cloudsql_proxy(container) and container.native_sidecar and "startupProbe" not in container.body:
            yield violation(res, f"{container.pointer}/startupProbe", "proxy sidecar without a startupProbe")


RULE = Rule(
    category=Category.CLOUDSQL_PROXY,
    id="cloudsql-proxy-startup-probe",
    severity=Severity.WARNING,
    summary="The Cloud SQL proxy sidecar has a startupProbe.",
    fix="Add --health-check and a startupProbe on /startup.",
    check=_check,
    doc=__doc__ or "",
)
