"""What a reviewer needs to know first about an environment's changes: a migration, an
image, a replica count, a sync that can no longer complete, and what the next sync does
with each removed object (from the Application after the change).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from adk_gitops.argocd.applications import Pruning, pruning
from adk_gitops.check.rules._helpers import is_migration_job, main_container
from adk_gitops.diff.objects import ObjectChange, Side, Status, key_of, shown
from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource


class Impact(StrEnum):
    """What a reviewer needs to know first, most important first."""

    RENDER_FAILED = "render-failed"
    NEW_ENVIRONMENT = "new-environment"
    REMOVED_ENVIRONMENT = "removed-environment"
    SYNC_ERROR = "sync-error"
    MIGRATION = "migration"
    ROLLOUT = "rollout"
    CONFIGURATION = "configuration"
    OBJECTS_ADDED = "objects-added"
    OBJECTS_REMOVED = "objects-removed"


@dataclass(frozen=True)
class ImpactLine:
    impact: Impact
    text: str


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _image(res: Resource | None) -> str:
    container = main_container(res) if res is not None else None
    return str(container.body.get("image", "")) if container is not None else ""


def _arrow(before: str, after: str) -> str:
    """``A -> B``; for one repository, its tags or digests: ``REPO:A -> B``."""
    if before == after or not before:
        return after
    repo_a, _, ref_a = before.rpartition("@") if "@" in before else before.rpartition(":")
    repo_b, _, ref_b = after.rpartition("@") if "@" in after else after.rpartition(":")
    if repo_a and repo_a == repo_b and "/" not in ref_a + ref_b:
        return f"{repo_b}: {ref_a} -> {ref_b}"
    return f"{before} -> {after}"


def _template(res: Resource | None) -> Any:
    return (res.body.get("spec") or {}).get("template") if res is not None else None


SyncErrors = Callable[[Side], tuple[str, ...]]
ApplicationOf = Callable[[Side], Resource | None]  # the Application deploying a side, if any


def impacts_of(
    label: str,
    before: Side,
    after: Side,
    changes: Sequence[ObjectChange],
    errors_of: SyncErrors,
    application_of: ApplicationOf,
) -> tuple[ImpactLine, ...]:
    lines: list[ImpactLine] = []
    if before.error or after.error:
        side = "the base" if before.error else "this change"
        lines.append(
            ImpactLine(Impact.RENDER_FAILED, f"does not render at {side}: {before.error or after.error}")
        )
        return tuple(lines)
    if not after.exists:
        lines.append(
            ImpactLine(
                Impact.REMOVED_ENVIRONMENT,
                f"environment removed: its {_count(len(before.resources), 'object')} stay in the cluster "
                "until its Application is deleted (with the resources finalizer: deleted with it)",
            )
        )
        return tuple(lines)
    if not changes:
        return ()
    if label == "argocd":
        listed = ", ".join(shown(c.key) for c in changes)
        return (ImpactLine(Impact.CONFIGURATION, f"Argo CD's own objects change: {listed}"),)
    if not before.exists:
        lines.append(
            ImpactLine(
                Impact.NEW_ENVIRONMENT,
                f"new environment: the first sync creates {_count(len(after.resources), 'object')}",
            )
        )
    known = set(errors_of(before))  # judged once: running the sync rules is the cost
    new_errors = [e for e in errors_of(after) if e not in known]
    lines += [ImpactLine(Impact.SYNC_ERROR, f"sync now fails: {e}") for e in new_errors]
    old_jobs = {key_of(r): r for r in before.resources if is_migration_job(r)}
    for job in (r for r in after.resources if is_migration_job(r)):
        previous = old_jobs.get(key_of(job))
        image = _arrow(_image(previous), _image(job)) if previous is not None else _image(job)
        if previous is None or _image(previous) != _image(job):
            text = f"the migration Job {job.name} runs with {image}, before the app rolls out"
        else:
            text = f"the migration Job {job.name} runs again, same image {image} (every sync runs it)"
        lines.append(ImpactLine(Impact.MIGRATION, text))
    rollouts = [
        c
        for c in changes
        if c.after is not None
        and c.key.kind != "Job"
        and podspec.pod_spec(c.after) is not None
        and (c.before is None or _template(c.before) != _template(c.after))
    ]
    for change in rollouts:
        if change.before is None:
            what = f"starts with {_image(change.after)}"
        elif _image(change.before) != _image(change.after):
            what = f"rolls out {_arrow(_image(change.before), _image(change.after))}"
        else:
            what = "rolls out (pod template changed)"
        lines.append(ImpactLine(Impact.ROLLOUT, f"{change.key.kind} {change.key.name} {what}"))
    if not rollouts and before.exists:
        changed = sum(1 for c in changes if c.status is Status.CHANGED)
        if changed:
            lines.append(
                ImpactLine(
                    Impact.CONFIGURATION,
                    f"configuration only: {_count(changed, 'object')} change, no pod restarts",
                )
            )
    if before.exists:
        added = [shown(c.key) for c in changes if c.status is Status.ADDED]
        if added:
            lines.append(ImpactLine(Impact.OBJECTS_ADDED, f"{len(added)} added: {', '.join(added)}"))
        # The next sync follows the Application after the change (it is applied first).
        app = application_of(after) or application_of(before)
        fates: dict[str, list[str]] = {}
        for change in changes:
            if change.status is Status.REMOVED and change.before is not None:
                fate = _FATES[pruning(app, change.before)] if app is not None else _NO_APPLICATION
                fates.setdefault(fate, []).append(shown(change.key))
        for fate, keys in fates.items():
            lines.append(
                ImpactLine(Impact.OBJECTS_REMOVED, f"{len(keys)} removed: {', '.join(keys)} ({fate})")
            )
    return tuple(lines)


# What the next sync does with an object the change removes (applications.pruning).
_FATES = {
    Pruning.AUTOMATED: "deleted by the next automated sync: automated.prune",
    Pruning.NOT_AUTOMATED: "left in the cluster: automated sync does not prune; a sync with prune deletes it",
    Pruning.MANUAL: "deleted when someone syncs with prune: the Application does not sync automatically",
    Pruning.KEPT: "kept in the cluster: Prune=false",
    Pruning.CONFIRM: "deleted once someone confirms the prune: Prune=confirm",
}
_NO_APPLICATION = "deleted only if the Application prunes"
