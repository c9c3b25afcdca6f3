"""## What it does
Flags two Argo CD Applications that deploy the same object: both deploy one
source into the same namespace of the same cluster, or their sources (overlays
this run renders) hold an object of the same kind, namespace and name. The
Applications are those written in `argocd/` and those an ApplicationSet's git
directory generator makes from this repository's folders (`overlays/*`).

Two Applications that share a namespace but not an object are fine: Argo CD
tracks ownership per object (its tracking label or annotation), not per
namespace; an app of apps often puts several into one. Sources this run does not
render (another repository, a chart) are compared by source path alone.

## Why is this bad?
Each Application counts the shared object as its own: they fight over it on
every sync (Argo CD reports `SharedResourceWarning`), one prunes what the other
just applied, and deleting one Application with the `resources-finalizer`
deletes the object the other still runs.

## Example
```yaml
# argocd/apps/staging.yaml and argocd/apps/prod.yaml: both render Deployment/adk-agent
spec: {source: {path: overlays/staging}, destination: {namespace: adk-agent}}
spec: {source: {path: overlays/prod}, destination: {namespace: adk-agent}}
```

## Use instead
```yaml
spec: {source: {path: overlays/staging}, destination: {namespace: adk-agent-staging}}
spec: {source: {path: overlays/prod}, destination: {namespace: adk-agent-prod}}
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from adk_gitops.argocd.applications import AppInfo
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._apps import deployed_applications
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule

ObjectId = tuple[str, str, str, str]  # group, kind, namespace, name


def _owned(info: AppInfo, rendered: Mapping[str, frozenset[ObjectId]]) -> frozenset[ObjectId] | None:
    """What the Application would own, as Argo CD names it: an object without a
    namespace lands in the destination's. None when its source is not rendered here."""
    objects = rendered.get(info.source_path)
    if objects is None:
        return None
    return frozenset((g, k, ns or info.destination_namespace, n) for g, k, ns, n in objects)


def _shared(a: AppInfo, b: AppInfo, rendered: Mapping[str, frozenset[ObjectId]]) -> str | None:
    """Why ``a`` and ``b`` deploy the same object, or None."""
    if a.source_path == b.source_path:
        return f"the same source ({a.source_path or '.'})"
    mine, theirs = _owned(a, rendered), _owned(b, rendered)
    if mine is None or theirs is None:
        return None
    both = sorted(mine & theirs)
    if not both:
        return None
    _, kind, _, name = both[0]
    more = f" and {len(both) - 1} more" if len(both) > 1 else ""
    return f"{kind}/{name}{more}"


def _check(ctx: Context) -> Iterator[Violation]:
    """Written Applications, and those ApplicationSets in this target generate."""
    by_destination: dict[tuple[str, str], list[AppInfo]] = defaultdict(list)
    for info in deployed_applications(ctx):
        if info.destination_namespace:
            by_destination[info.cluster, info.destination_namespace].append(info)
    rendered = ctx.repo.overlay_objects if ctx.repo is not None else {}
    reported: set[tuple[str, str]] = set()
    for (_, namespace), infos in sorted(by_destination.items()):
        for info in infos:
            key = (info.resource.kind, info.resource.name)
            if key in reported:
                continue
            clashes = [
                (other.name, why)
                for other in infos
                if other.name != info.name and (why := _shared(info, other, rendered))
            ]
            if not clashes:
                continue
            reported.add(key)
            name, why = clashes[0]
            via = f" (generated as {info.name})" if info.generated else ""
            yield violation(
                info.resource,
                "/spec/template/spec/destination/namespace"
                if info.generated
                else "/spec/destination/namespace",
                f"{why} is also deployed into namespace {namespace!r} by {name}{via}",
            )


RULE = Rule(
    category=Category.APPLICATIONS,
    id="application-namespace-shared",
    severity=Severity.ERROR,
    summary="No two Applications deploy the same object.",
    fix="Give each Application its own destination namespace, or its own objects.",
    check=_check,
    doc=__doc__ or "",
)
