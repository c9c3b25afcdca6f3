"""## What it does
Flags an Argo CD Application whose destination is a Kubernetes system namespace
(`default`, `kube-system`, any `kube-*`) or Argo CD's own namespace (where the
Application itself lives).

## Why is this bad?
An environment there shares the namespace with the cluster's own components or
with Argo CD: pruning and the resources finalizer can delete objects that are not
the agent's, and namespace-wide policies (quotas, Pod Security) are not the
agent's to set.

Two exceptions belong in Argo CD's namespace: an app of apps (an Application
whose source, in this repository, holds only Argo CD objects), and Argo CD
managing itself (its source is Argo CD's own install: the `argo-cd` chart, the
argoproj/argo-cd repository, or a folder here whose kustomization or manifests
name them).

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

import re
from collections.abc import Iterator, Mapping
from typing import Any

from adk_gitops import bounded
from adk_gitops.argocd.applications import destination, source_paths, system_namespace
from adk_gitops.bounded import outside_reason
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._apps import applications
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kube.manifests import Resource
from adk_gitops.targets.load import load_file

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


# Argo CD's own install: its Helm chart's name, its repositories, its CRD's name.
_ARGOCD_INSTALL = re.compile(r"argoproj/argo-cd\b|argoproj\.github\.io/argo-helm|applications\.argoproj\.io")


def _sources(app: Resource) -> list[Mapping[str, Any]]:
    spec = app.body.get("spec") or {}
    sources = [spec.get("source"), *(spec.get("sources") or [])] if isinstance(spec, Mapping) else []
    return [s for s in sources if isinstance(s, Mapping)]


def _argo_cd_itself(ctx: Context, app: Resource) -> bool:
    """Whether ``app`` installs Argo CD (self-management, as Argo CD's docs describe)."""
    for source in _sources(app):
        if source.get("chart") == "argo-cd" or _ARGOCD_INSTALL.search(str(source.get("repoURL") or "")):
            return True
    if ctx.repo is None:
        return False
    root = ctx.repo.root.resolve()
    for _, path in source_paths(app):
        folder = ctx.repo.root / path
        if outside_reason(folder, root) or not folder.is_dir():
            continue
        for file in sorted(folder.iterdir()):
            if file.suffix in (".yaml", ".yml") and file.is_file() and not outside_reason(file, root):
                try:
                    text = bounded.read_text(file)
                except (OSError, UnicodeDecodeError):
                    continue
                if _ARGOCD_INSTALL.search(text):
                    return True
    return False


def _check(ctx: Context) -> Iterator[Violation]:
    for app in applications(ctx):
        namespace = destination(app)[1]
        argocd = app.namespace or "argocd"
        why = system_namespace(namespace, argocd) if namespace else None
        if why and namespace == argocd and (_app_of_apps(ctx, app) or _argo_cd_itself(ctx, app)):
            continue
        if why:
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
