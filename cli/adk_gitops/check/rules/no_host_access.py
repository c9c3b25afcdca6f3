"""## What it does
Flags privileged containers and pods sharing the node's network, PID or IPC
namespaces, or mounting `hostPath` volumes.

## Why is this bad?
Each of these gives the pod the node itself: its processes, its network, its
files. An agent, its migration and the Cloud SQL proxy need none of them.

## Example
```yaml
spec:
  hostNetwork: true
  volumes:
    - name: data
      hostPath: {path: /var/lib/adk}
```

## Use instead
```yaml
spec:
  volumes:
    - name: data
      emptyDir: {}
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import pods, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod in pods(ctx):
        for field in ("hostNetwork", "hostPID", "hostIPC"):
            if pod.spec.get(field) is True:
                yield violation(res, f"{pod.pointer}/{field}", f"{field} shares the node's namespace")
        for i, volume in enumerate(pod.spec.get("volumes") or []):
            if isinstance(volume, Mapping) and "hostPath" in volume:
                yield violation(
                    res,
                    f"{pod.pointer}/volumes/{i}/hostPath",
                    f"volume {volume.get('name')!r} mounts the node's filesystem",
                )
        for container in podspec.containers(pod):
            if (container.body.get("securityContext") or {}).get("privileged") is True:
                yield violation(
                    res,
                    f"{container.pointer}/securityContext/privileged",
                    f"container {container.name!r} is privileged",
                )


RULE = Rule(
    category=Category.SECURITY,
    id="no-host-access",
    severity=Severity.ERROR,
    summary="No privileged containers, host namespaces or hostPath volumes.",
    fix="Remove privileged, hostNetwork, hostPID, hostIPC and hostPath.",
    check=_check,
    doc=__doc__ or "",
)
