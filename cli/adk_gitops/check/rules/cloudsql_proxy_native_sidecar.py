"""## What it does
Checks that the Cloud SQL Auth Proxy runs as a native sidecar
(`initContainers` with `restartPolicy: Always`) in Jobs and other workloads.

## Why is this bad?
As an ordinary container the proxy never exits, so a Job's pod never completes
(unless the proxy's `--quitquitquit` endpoint is on and the migration calls it when
done, the classic pattern, which this rule accepts):
the migration "hangs" after it finished, the Job hits its deadline and fails,
and the sync with it. As a plain init container it blocks the pod forever.

## Example
```yaml
containers:
  - name: migration
  - name: cloud-sql-proxy
    image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3
```

## Use instead
```yaml
initContainers:
  - name: cloud-sql-proxy
    image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3
    restartPolicy: Always
containers:
  - name: migration
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, is_cloudsql_proxy, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod, container in containers(ctx):
        if not is_cloudsql_proxy(container) or container.native_sidecar:
            continue
        if container.init:
            yield violation(
                res,
                f"{container.pointer}/restartPolicy",
                "proxy init container without restartPolicy: Always blocks the pod forever",
            )
        elif res.kind in ("Job", "CronJob") and not podspec.stopped_by_peer(pod, container):
            yield violation(res, container.pointer, "proxy in containers: the Job never completes")


RULE = Rule(
    category=Category.CLOUDSQL_PROXY,
    id="cloudsql-proxy-native-sidecar",
    severity=Severity.ERROR,
    summary="The Cloud SQL proxy is a native sidecar (initContainer, restartPolicy: Always).",
    fix="Move the proxy to initContainers and set restartPolicy: Always.",
    check=_check,
    doc=__doc__ or "",
)
