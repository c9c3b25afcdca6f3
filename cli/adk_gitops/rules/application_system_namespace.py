"""## What it does
Flags an Argo CD Application whose destination is a Kubernetes system namespace
(`default`, `kube-system`, any `kube-*`) or Argo CD's own namespace (where the
Application itself lives).

## Why is this bad?
An environment there shares the namespace with the cluster's own components or
with Argo CD: pruning and the resources finalizer can delete objects that are not
the agent's, and namespace-wide policies (quotas, Pod Security) are not the
agent's to set.

An app of apps is the exception: an Application whose source (in this
repository) holds only Argo CD objects belongs in Argo CD's namespace.

## Example
```yaml
metadata: {name: adk-agent-dev, namespace: argocd}
spec: {destination: {namespace: default}}
```

## Use instead
```yaml
spec: {destination: {namespace: adk-agent-dev}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.applications import destination, source_paths, system_namespace
from adk_gitops.errors import AdkGitopsError
from adk_gitops.guard import outside_reason
from adk_gitops.inputs import load_file
from adk_gitops.manifests import Resource
from adk_gitops.model import Severity, Violation
from adk_gitops.rules._apps import applications
from adk_gitops.rules._context import Context
from adk_gitops.rules._helpers import violation
from adk_gitops.rules._rule import Category, Rule

_ARGOCD_KINDS = frozenset({"Application", "ApplicationSet", "AppProject"})


def _app_of_apps(ctx: Context, app: Resource) -> bool:
    """Whether every source of ``app`` is a folder of this repository holding only
    Argo CD objects (Argo CD reads a directory source's .yaml, .yml and .json)."""
    if ctx.repo is None:
        return False
    root = ctx.repo.root.resolve()
    paths = [path for _, path in source_paths(app)]
    for path in paths:
        folder = ctx.repo.root / path
        if outside_reason(folder, root) or not folder.is_dir():
            return False
        kinds: set[str] = set()
        for file in sorted(folder.iterdir()):
            if (
                file.suffix in (".yaml", ".yml", ".json")
                and file.is_file()
                and not outside_reason(file, root)
            ):
                try:
                    kinds |= {res.kind for res in load_file(file, str(file))}
                except AdkGitopsError:
                    return False
        if not kinds <= _ARGOCD_KINDS:
            return False
    return bool(paths)


def _check(ctx: Context) -> Iterator[Violation]:
    for app in applications(ctx):
        namespace = destination(app)[1]
        argocd = app.namespace or "argocd"
        why = system_namespace(namespace, argocd) if namespace else None
        if why and not (namespace == argocd and _app_of_apps(ctx, app)):
            yield violation(app, "/spec/destination/namespace", f"deploys into {why}")


RULE = Rule(
    category=Category.APPLICATIONS,
    id="application-system-namespace",
    severity=Severity.ERROR,
    summary="No Application deploys into a system namespace or Argo CD's.",
    fix="Deploy into the environment's own namespace.",
    check=_check,
    doc=__doc__ or "",
)
