"""How Argo CD reads one object's sync annotations: hook types, sync wave,
delete policies, sync options, and the Helm annotations it maps.

Kept apart from the ordering (``syncplan``), as gitops-engine keeps ``hook/``,
``hook/helm/`` and ``syncwaves/`` apart from ``sync_tasks.go``. Every rule cites
the engine file it follows (argoproj/argo-cd, ``gitops-engine/pkg/sync/``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adk_gitops.kube.manifests import Resource

HOOK = "argocd.argoproj.io/hook"
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
HELM_HOOK = "helm.sh/hook"
HELM_WEIGHT = "helm.sh/hook-weight"
HELM_DELETE_POLICY = "helm.sh/hook-delete-policy"

# common/types.go NewHookType: the hook types the sync engine knows.
ENGINE_HOOK_TYPES = ("PreSync", "Sync", "PostSync", "SyncFail", "Skip")
# Argo CD's controller/hook.go runs these itself, when the Application is deleted.
DELETION_HOOK_TYPES = ("PreDelete", "PostDelete")
HOOK_TYPES = frozenset(ENGINE_HOOK_TYPES + DELETION_HOOK_TYPES)
# common/types.go NewHookDeletePolicy (Never: applied, never deleted).
DELETE_POLICIES = frozenset({"HookSucceeded", "HookFailed", "BeforeHookCreation", "Never"})
# hook/helm/type.go: the Helm hooks the engine maps to sync phases.
HELM_HOOK_TYPES: Mapping[str, str] = {
    "pre-install": "PreSync",
    "pre-upgrade": "PreSync",
    "post-install": "PostSync",
    "post-upgrade": "PostSync",
}
# Argo CD's controller maps these to its deletion hooks.
HELM_DELETION_HOOKS: Mapping[str, str] = {"pre-delete": "PreDelete", "post-delete": "PostDelete"}
HELM_IGNORED_HOOKS = frozenset({"pre-rollback", "post-rollback", "test", "test-success", "test-failure"})
HELM_DELETE_POLICIES: Mapping[str, str] = {
    "before-hook-creation": "BeforeHookCreation",
    "hook-succeeded": "HookSucceeded",
    "hook-failed": "HookFailed",
}

# Go's strconv.Atoi on 64-bit: optional sign, ASCII digits, nothing else, within int64.
_ATOI = re.compile(r"[+-]?[0-9]+")
_INT64 = (-(2**63), 2**63 - 1)


def csv(value: str | None) -> list[str]:
    """resource/annotations.go GetAnnotationCSVs: split on commas, trim, drop empties and duplicates."""
    seen: list[str] = []
    for item in (value or "").split(","):
        item = item.strip()
        if item and item not in seen:
            seen.append(item)
    return seen


def atoi(text: str) -> int | None:
    """strconv.Atoi: the int, or None where Go returns an error (overflow included)."""
    if not _ATOI.fullmatch(text):
        return None
    value = int(text)
    return value if _INT64[0] <= value <= _INT64[1] else None


@dataclass(frozen=True)
class HookInfo:
    """How Argo CD reads one object's hook annotations."""

    is_hook: bool  # hook/hook.go IsHook, with Skip counted as a hook (never applied)
    types: tuple[str, ...]  # the engine's hook types (hook.go Types): Argo CD's, else Helm's
    deletion: tuple[str, ...]  # PreDelete/PostDelete: run by the controller on deletion only
    invalid: tuple[str, ...]  # values Argo CD drops silently
    ignored_helm: tuple[str, ...]  # Helm hooks Argo CD does not support (rollback, test)


def hook_info(resource: Resource) -> HookInfo:
    ann = resource.annotations
    types: list[str] = []
    deletion: list[str] = []
    invalid: list[str] = []
    for value in csv(ann.get(HOOK)):
        if value in ENGINE_HOOK_TYPES:
            types.append(value)
        elif value in DELETION_HOOK_TYPES:
            deletion.append(value)
        else:
            invalid.append(value)
    ignored_helm: list[str] = []
    helm_types: list[str] = []
    for value in csv(ann.get(HELM_HOOK)):
        if value in HELM_HOOK_TYPES:
            if HELM_HOOK_TYPES[value] not in helm_types:
                helm_types.append(HELM_HOOK_TYPES[value])
        elif value in HELM_DELETION_HOOKS:
            if not deletion:
                deletion.append(HELM_DELETION_HOOKS[value])
        elif value in HELM_IGNORED_HOOKS:
            ignored_helm.append(value)
        elif value != "crd-install":
            invalid.append(value)
    # hook.go Types: "we ignore Helm hooks if we have Argo hook" (a valid engine type).
    if not types:
        types = helm_types
    # helm/hook.go IsHook compares the raw value: " crd-install" is a hook, "crd-install" is not.
    helm_hook = HELM_HOOK in ann and ann[HELM_HOOK] != "crd-install"
    return HookInfo(
        HOOK in ann or helm_hook, tuple(types), tuple(deletion), tuple(invalid), tuple(ignored_helm)
    )


@dataclass(frozen=True)
class Wave:
    value: int
    source: str  # the annotation it came from, or "default"
    unparsable: tuple[str, ...] = ()  # annotation values that silently fell back


def sync_wave(resource: Resource) -> Wave:
    """syncwaves/waves.go Wave: sync-wave, else helm.sh/hook-weight (helm/weight.go),
    else 0; a value Atoi refuses (a word, a space, beyond int64) falls through."""
    ann = resource.annotations
    bad: list[str] = []
    for key in (SYNC_WAVE, HELM_WEIGHT):
        if key in ann:
            value = atoi(ann[key])
            if value is not None:
                return Wave(value, key, tuple(bad))
            bad.append(f"{key}={ann[key]!r}")
    return Wave(0, "default", tuple(bad))


def delete_policies(resource: Resource) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(valid policies, invalid values). Argo CD and Helm policies merge as a union;
    with none valid, BeforeHookCreation applies (hook/delete_policy.go)."""
    ann = resource.annotations
    valid: list[str] = []
    invalid: list[str] = []
    for value in csv(ann.get(DELETE_POLICY)):
        (valid if value in DELETE_POLICIES else invalid).append(value)
    for value in csv(ann.get(HELM_DELETE_POLICY)):
        mapped = HELM_DELETE_POLICIES.get(value)
        if mapped is None:
            invalid.append(value)
        elif mapped not in valid:
            valid.append(mapped)
    return (tuple(valid) or ("BeforeHookCreation",)), tuple(invalid)


def sync_options(resource: Resource) -> tuple[str, ...]:
    """The object's ``argocd.argoproj.io/sync-options`` (e.g. ``Validate=false``)."""
    return tuple(csv(resource.annotations.get(SYNC_OPTIONS)))


def option_value(options: Sequence[str], key: str) -> str | None:
    """The value of ``key=value`` among sync options, the first found, or None
    (gitops-engine pkg/sync/resource/annotations.go GetAnnotationOptionValue)."""
    prefix = f"{key}="
    return next((o.removeprefix(prefix) for o in options if o.startswith(prefix)), None)
