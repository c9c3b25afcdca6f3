"""One side of a change (an overlay's render at the base or in the working tree) and two
sides as object changes: keyed by group, kind, namespace and name with kustomize's
generator hash suffix removed (a new ConfigMap hash is a content change, not a delete
and an add), in Argo CD's apply order (phase, wave, kind, name: gitops-engine
pkg/sync/sync_tasks.go, as ``synctasks`` models it). Secret values never leave this
module: each becomes ``***``, or ``*** (changed)`` when it differs from the base's.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from adk_gitops.argocd.syncplan import build_plan
from adk_gitops.kube.manifests import Resource, ResourceId

# kustomize's name hash: the first 10 hex digits of a sha256 with 0, 1, 3, a, e written
# g, h, k, m, t (sigs.k8s.io/kustomize/api hasher/hasher.go encode).
_GENERATED = re.compile(r"^(?P<name>.+)-[2456789bcdfghkmt]{10}$")
_GENERATED_KINDS = frozenset({"ConfigMap", "Secret"})
MASK = "***"


class Status(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


# How diff matches an object across a change: its ResourceId, the one identity every
# stage uses, with kustomize's generator hash removed from the name (key_of).
ObjectKey = ResourceId


def shown(key: ResourceId) -> str:
    """An object as a reviewer reads it, kubectl's way: Kind/name -n namespace."""
    where = f" -n {key.namespace}" if key.namespace else ""
    return f"{key.kind}/{key.name}{where}"


@dataclass(frozen=True)
class ObjectChange:
    key: ObjectKey
    status: Status
    before: Resource | None
    after: Resource | None
    diff: tuple[str, ...]  # unified diff lines of the (masked) objects


@dataclass(frozen=True)
class Side:
    """One side of one environment: its objects, or why there are none; ``root`` and
    ``path`` are that side's tree and the target's folder in it."""

    exists: bool
    resources: tuple[Resource, ...] = ()
    error: str = ""
    root: Path | None = None
    path: Path | None = None


def key_of(res: Resource) -> ObjectKey:
    name = res.name
    match = _GENERATED.match(name) if res.kind in _GENERATED_KINDS else None
    return ObjectKey(res.group, res.kind, res.namespace, match["name"] if match else name)


def _masked(res: Resource, other: Resource | None) -> dict[str, Any]:
    """The object as shown: Secret values masked, marked where they differ from ``other``."""
    body = copy.deepcopy(dict(res.body))
    if res.kind != "Secret":
        return body
    theirs = dict(other.body) if other is not None else {}
    for field in ("data", "stringData"):
        values = body.get(field)
        if not isinstance(values, dict):
            continue
        held = theirs.get(field)
        before: dict[str, Any] = held if isinstance(held, dict) else {}
        body[field] = {
            k: MASK if other is None or before.get(k) == v else f"{MASK} (changed)" for k, v in values.items()
        }  # a key the other side lacks counts as changed
    return body


# libyaml's emitter when PyYAML has it: ~12x faster than the pure-Python one, with the
# same text (tests/unit/diff/test_objects.py holds the two equal on awkward values).
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _lines(body: Mapping[str, Any] | None) -> list[str]:
    if body is None:
        return []
    text = yaml.dump(dict(body), Dumper=_DUMPER, sort_keys=False, default_flow_style=False, width=1 << 16)
    return text.splitlines()


def object_diff(
    label: str, key: ObjectKey, before: Resource | None, after: Resource | None
) -> tuple[str, ...]:
    """Unified diff lines; a Secret's values all read ``***`` on the base side and
    ``***`` or ``*** (changed)`` on this side."""
    old = _lines(_masked(before, None)) if before is not None else []
    new = _lines(_masked(after, before)) if after is not None else []
    return tuple(
        difflib.unified_diff(
            old, new, f"a/{label}: {shown(key)}", f"b/{label}: {shown(key)}", n=3, lineterm=""
        )
    )


def _apply_order(resources: Sequence[Resource]) -> dict[ObjectKey, int]:
    plan = build_plan(resources)
    order: dict[ObjectKey, int] = {}
    tasks = [t for step in plan.steps for t in step.tasks] + list(plan.on_failure)
    for task in tasks:
        order.setdefault(key_of(task.resource), len(order))
    return order


def changes_of(label: str, before: Side, after: Side) -> tuple[ObjectChange, ...]:
    old = {key_of(r): r for r in before.resources}
    new = {key_of(r): r for r in after.resources}
    order = _apply_order(after.resources)
    for key, rank in _apply_order(before.resources).items():
        order.setdefault(key, len(order) + rank)
    found: list[ObjectChange] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (order.get(k, len(order)), str(k))):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and dict(a.body) == dict(b.body):
            continue
        status = Status.ADDED if a is None else Status.REMOVED if b is None else Status.CHANGED
        found.append(ObjectChange(key, status, a, b, object_diff(label, key, a, b)))
    return tuple(found)
