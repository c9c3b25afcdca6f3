"""Argo CD's sync tasks and their order, computed offline from rendered manifests: a
faithful model of gitops-engine's task ordering (``pkg/sync/sync_tasks.go``, ``hook/``,
``syncwaves/``), with the facts and their sources collected in docs/argocd-sync-model.md.
``syncplan`` builds a plan from these steps and judges the first sync.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from adk_gitops.argocd.annotations import delete_policies, hook_info, sync_wave
from adk_gitops.argocd.health import health_check
from adk_gitops.kube.manifests import Resource, ResourceId


class Phase(StrEnum):
    PRE_SYNC = "PreSync"
    SYNC = "Sync"
    POST_SYNC = "PostSync"
    SYNC_FAIL = "SyncFail"


PHASE_ORDER: Mapping[Phase, int] = {Phase.PRE_SYNC: -1, Phase.SYNC: 0, Phase.POST_SYNC: 1, Phase.SYNC_FAIL: 2}
# sync_tasks.go kindOrder (copied by gitops-engine from Helm's kind_sorter.go).
KIND_ORDER: tuple[str, ...] = (
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
    "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
    "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
    "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
    "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
)  # fmt: skip
# rank = index - len: listed kinds are negative, every other kind (all CRs) is 0 and sorts last.
KIND_RANK: Mapping[str, int] = {kind: i - len(KIND_ORDER) for i, kind in enumerate(KIND_ORDER)}


@dataclass(frozen=True)
class Task:
    """One apply of one object in one phase."""

    resource: Resource
    phase: Phase
    wave: int
    hook: bool
    delete_policies: tuple[str, ...] = ()
    moved_before: ResourceId | None = None  # a Namespace/CRD pulled in front of its first user

    @property
    def kind_rank(self) -> int:
        return KIND_RANK.get(self.resource.kind, 0)

    @property
    def name(self) -> str:
        """The name Argo CD sorts by. A hook with only ``generateName`` is named
        ``<generateName><revision[0:7]>-<phase>-<startedAt unix>``, lowercased
        (sync_context.go getSyncTasks); the revision and time are unknown offline, so
        placeholders of the same length stand in: a prefix is never compared alone."""
        meta = self.resource.metadata
        if meta.get("name") or not meta.get("generateName"):
            return self.resource.name
        return f"{meta['generateName']}0000000-{self.phase}-0000000000".lower()

    def sort_key(self) -> tuple[int, int, int, str, str, str]:
        # Argo CD's key is (phase, wave, kind rank, name) (sync_tasks.go Less); Go's
        # sort is not stable, so namespace and group only make our output deterministic.
        res = self.resource
        return (PHASE_ORDER[self.phase], self.wave, self.kind_rank, self.name, res.namespace, res.group)


class WaitKind(StrEnum):
    HOOK = "hook completion"  # a hook with a health check: until Healthy (Degraded fails the sync)
    HEALTH = "health"  # a plain resource with a health check: until Healthy


@dataclass(frozen=True)
class Wait:
    """One object a step waits for, and the health check Argo CD judges it by."""

    kind: WaitKind
    resource: ResourceId
    health_check: str


@dataclass(frozen=True)
class Step:
    """Everything Argo CD applies at one (phase, wave), then what it waits for."""

    phase: Phase
    wave: int
    tasks: tuple[Task, ...]
    waits_for: tuple[Wait, ...]  # () when nothing gates the next step (or the end)


@dataclass(frozen=True)
class NotSynced:
    resource: Resource
    reason: str


def is_namespace(task: Task, name: str | None) -> bool:
    res = task.resource
    return bool(name) and res.kind == "Namespace" and res.group == "" and res.name == name


def tasks_for(res: Resource, not_synced: list[NotSynced]) -> Iterable[Task]:
    """sync_tasks.go / sync_phase.go: the tasks of one object (none when Argo CD never
    applies it). Invalid annotation values are the annotation rules' to report."""
    info = hook_info(res)
    wave = sync_wave(res)
    if not info.is_hook:
        return [Task(res, Phase.SYNC, wave.value, hook=False)]
    if info.types == ("Skip",):  # hook/hook.go Skip: only when Skip is the sole type
        not_synced.append(NotSynced(res, "hook type Skip: never applied"))
        return []
    phases = [Phase(t) for t in info.types if t != "Skip"]
    if not phases:
        # controller/hook.go: PreDelete/PostDelete hooks run only when the Application is deleted.
        why = (
            f"{'/'.join(info.deletion)} hook: runs only when the Application is deleted"
            if info.deletion
            else "hook annotation with no valid type: Argo CD never applies it"
        )
        not_synced.append(NotSynced(res, why))
        return []
    policies, _ = delete_policies(res)
    return [Task(res, phase, wave.value, hook=True, delete_policies=policies) for phase in phases]


def bubble_dependencies(tasks: list[Task]) -> list[Task]:
    """sync_tasks.go adjustDeps: a Namespace (CRD) that sorts after its first user
    moves right in front of it and takes that task's phase and wave."""

    def namespace_key(t: Task) -> str | None:
        r = t.resource
        return f"ns:{r.name}" if r.kind == "Namespace" and r.group == "" else None

    def namespace_users(t: Task) -> Iterable[str]:
        return [f"ns:{t.resource.namespace}"] if t.resource.namespace else []

    def crd_key(t: Task) -> str | None:
        r = t.resource
        if r.kind != "CustomResourceDefinition":
            return None
        spec = r.body.get("spec") or {}
        names = spec.get("names") or {}
        return f"crd:{spec.get('group', '')}/{names.get('kind', '')}"

    def crd_users(t: Task) -> Iterable[str]:
        return [f"crd:{t.resource.group}/{t.resource.kind}"]

    tasks = _adjust(tasks, namespace_key, namespace_users)
    return _adjust(tasks, crd_key, crd_users)


def _adjust(
    tasks: list[Task], key_of: Callable[[Task], str | None], users_of: Callable[[Task], Iterable[str]]
) -> list[Task]:
    out = list(tasks)
    first_user: dict[str, int] = {}
    i = 0
    while i < len(out):
        task = out[i]
        key = key_of(task)
        if key is not None:
            j = first_user.get(key)
            if j is not None:
                user = out[j]
                moved = replace(task, phase=user.phase, wave=user.wave, moved_before=user.resource.id)
                del out[i]
                out.insert(j, moved)
                first_user = {k: (v + 1 if v >= j else v) for k, v in first_user.items()}
        else:
            for k in users_of(task):
                first_user.setdefault(k, i)
        i += 1
    return out


def into_steps(tasks: list[Task]) -> tuple[Step, ...]:
    groups: list[list[Task]] = []
    for task in tasks:
        if groups and (groups[-1][0].phase, groups[-1][0].wave) == (task.phase, task.wave):
            groups[-1].append(task)
        else:
            groups.append([task])
    steps: list[Step] = []
    for n, group in enumerate(groups):
        # sync_context.go Sync: "if it is the last phase/wave and the only remaining tasks
        # are non-hooks, then we are successful EVEN if those objects subsequently
        # degraded": such a final step waits for nothing. Any other step waits for its
        # hooks and for its plain resources' health.
        ends_at_apply = n == len(groups) - 1 and not any(t.hook for t in group)
        # sync_context.go l.594-595 (gitops-engine v3.6.1): a sync of a single (phase,
        # wave) is not multiStep (sync_tasks.go l.270), and then only running hooks are
        # waited for, never a plain resource's health.
        single_step = len(groups) == 1
        waits: list[Wait] = []
        for task in [] if ends_at_apply else [t for t in group if t.hook or not single_step]:
            # A hook "completes" through its health (getOperationPhase); one without a
            # health check (a ServiceAccount) is done once created: nothing to wait for.
            check = health_check(task.resource)
            if check:
                kind = WaitKind.HOOK if task.hook else WaitKind.HEALTH
                waits.append(Wait(kind, task.resource.id, check))
        steps.append(Step(group[0].phase, group[0].wave, tuple(group), tuple(waits)))
    return tuple(steps)
