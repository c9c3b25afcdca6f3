"""## What it does
Checks that a pod running the Cloud SQL Auth Proxy uses a ServiceAccount,
rendered in the same overlay, annotated with a well-formed
`iam.gke.io/gcp-service-account: NAME@PROJECT.iam.gserviceaccount.com`.

## Why is this bad?
Without Workload Identity the proxy has no Google credentials: it cannot reach
the Cloud SQL Admin API and the migration cannot connect.

## Example
```yaml
kind: ServiceAccount
metadata:
  name: adk-agent
```

## Use instead
```yaml
kind: ServiceAccount
metadata:
  name: adk-agent
  annotations:
    iam.gke.io/gcp-service-account: adk-agent@my-project.iam.gserviceaccount.com
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import GSA_ANNOTATION as ANNOTATION
from adk_gitops.check.rules._helpers import is_cloudsql_proxy, pods, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec
from adk_gitops.syntax import GSA


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod in pods(ctx):
        if not any(is_cloudsql_proxy(c) for c in podspec.containers(pod)):
            continue
        sa_name = str(pod.spec.get("serviceAccountName") or "default")
        sa = ctx.find("ServiceAccount", sa_name, res.namespace)
        if sa is None:
            continue  # not rendered: hook-dependency-preexisting lists it
        value = sa.annotations.get(ANNOTATION)
        if value is None:
            yield violation(
                sa,
                "/metadata/annotations",
                f"runs the Cloud SQL proxy for {res.kind} {res.name!r} without {ANNOTATION}",
            )
        elif not GSA.fullmatch(value):
            yield violation(
                sa,
                "/metadata/annotations/iam.gke.io~1gcp-service-account",
                f"{value!r} is not NAME@PROJECT.iam.gserviceaccount.com",
            )


RULE = Rule(
    category=Category.CLOUDSQL_PROXY,
    id="cloudsql-workload-identity",
    severity=Severity.ERROR,
    summary="Pods running the Cloud SQL proxy use a Workload Identity ServiceAccount.",
    fix="Annotate the pod's ServiceAccount with iam.gke.io/gcp-service-account (a Google service account).",
    check=_check,
    doc=__doc__ or "",
)
