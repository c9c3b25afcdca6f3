"""Argo CD's sync order, computed offline from rendered manifests.

A faithful model of gitops-engine's task ordering (``pkg/sync/sync_tasks.go``,
``hook/``, ``syncwaves/``), with the facts and their sources collected in
docs/argocd-sync-model.md. ``plan`` prints it; ``check``'s first-sync rule uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property

from adk_gitops import k8s
from adk_gitops.annotations import HOOK_TYPES, delete_policies, hook_info, sync_wave
from adk_gitops.manifests import Resource, ResourceId


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

# Hook kinds Argo CD waits on until they finish (gitops-engine pkg/health: Job, Pod).
RUNNING_HOOK_KINDS = frozenset({"Job", "Pod"})


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

    def sort_key(self) -> tuple[int, int, int, str, str, str]:
        # Argo CD's key is (phase, wave, kind rank, name); Go's sort is not stable,
        # so namespace and group only make our output deterministic.
        res = self.resource
        return (PHASE_ORDER[self.phase], self.wave, self.kind_rank, res.name, res.namespace, res.group)


@dataclass(frozen=True)
class Step:
    """Everything Argo CD applies at one (phase, wave), then what it waits for."""

    phase: Phase
    wave: int
    tasks: tuple[Task, ...]
    waits_for: tuple[str, ...]  # "hook completion", "health"; () when nothing gates the next step


@dataclass(frozen=True)
class NotSynced:
    resource: Resource
    reason: str


@dataclass(frozen=True)
class Problem:
    """Something about the sync order a user must know. ``blocks_first_sync``
    problems make the very first sync of an environment wait forever."""

    code: str
    severity: str  # "error" | "warning" | "info"
    resource: ResourceId
    pointer: str
    message: str
    blocks_first_sync: bool = False


@dataclass(frozen=True)
class SyncPlan:
    steps: tuple[Step, ...]
    on_failure: tuple[Task, ...]  # SyncFail hooks: run together, only when the sync fails
    not_synced: tuple[NotSynced, ...]
    problems: tuple[Problem, ...]
    create_namespace: str | None = None

    @property
    def first_sync_ok(self) -> bool:
        return not any(p.blocks_first_sync for p in self.problems)

    def step_index(self, rid: ResourceId) -> int | None:
        """The first step that applies this object, or None."""
        return self._first_steps.get(rid)

    @cached_property
    def _first_steps(self) -> dict[ResourceId, int]:
        # One pass over the plan: looking each object up step by step was quadratic.
        first: dict[ResourceId, int] = {}
        for i, step in enumerate(self.steps):
            for task in step.tasks:
                first.setdefault(task.resource.id, i)
        return first


def build_plan(resources: Sequence[Resource], *, create_namespace: str | None = None) -> SyncPlan:
    tasks: list[Task] = []
    not_synced: list[NotSynced] = []
    problems: list[Problem] = []
    for res in resources:
        tasks.extend(_tasks_for(res, not_synced, problems))
    tasks.sort(key=Task.sort_key)
    tasks = _bubble_dependencies(tasks)
    on_failure = tuple(t for t in tasks if t.phase is Phase.SYNC_FAIL)
    steps = _steps([t for t in tasks if t.phase is not Phase.SYNC_FAIL])
    plan = SyncPlan(steps, on_failure, tuple(not_synced), tuple(problems), create_namespace)
    first_sync = tuple(_first_sync_problems(plan, resources))
    return replace(plan, problems=plan.problems + first_sync)


def _tasks_for(res: Resource, not_synced: list[NotSynced], problems: list[Problem]) -> Iterable[Task]:
    info = hook_info(res)
    wave = sync_wave(res)
    for bad in wave.unparsable:
        problems.append(
            Problem(
                "sync-wave-unparsable",
                "error",
                res.id,
                "/metadata/annotations",
                f"{bad} is not an integer: Argo CD silently uses {wave.value} ({wave.source})",
            )
        )
    for value in info.invalid:
        problems.append(
            Problem(
                "hook-value-invalid",
                "error",
                res.id,
                "/metadata/annotations",
                f"hook type {value!r} is not valid (case-sensitive: "
                f"{', '.join(sorted(HOOK_TYPES))}); Argo CD drops it silently",
            )
        )
    for value in info.ignored_helm:
        problems.append(
            Problem(
                "helm-hook-unsupported",
                "error",
                res.id,
                "/metadata/annotations",
                f"Helm hook {value!r} is not supported by Argo CD",
            )
        )
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
    policies, bad_policies = delete_policies(res)
    for value in bad_policies:
        problems.append(
            Problem(
                "hook-delete-policy-invalid",
                "error",
                res.id,
                "/metadata/annotations",
                f"delete policy {value!r} is not valid; Argo CD ignores it",
            )
        )
    return [Task(res, phase, wave.value, hook=True, delete_policies=policies) for phase in phases]


def _bubble_dependencies(tasks: list[Task]) -> list[Task]:
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


def _steps(tasks: list[Task]) -> tuple[Step, ...]:
    groups: list[list[Task]] = []
    for task in tasks:
        if groups and (groups[-1][0].phase, groups[-1][0].wave) == (task.phase, task.wave):
            groups[-1].append(task)
        else:
            groups.append([task])
    steps: list[Step] = []
    for n, group in enumerate(groups):
        last = n == len(groups) - 1
        waits: list[str] = []
        # A hook "completes" through its health (sync_context.go getOperationPhase): a Job
        # or Pod when it finishes; an object without a health check, such as a
        # ServiceAccount, as soon as it is created, so nothing waits for it.
        if any(t.hook and t.resource.kind in RUNNING_HOOK_KINDS for t in group):
            waits.append("hook completion")
        # sync_context.go: plain resources gate the next step on health, except in a
        # single-step plan; after the final step the operation simply ends.
        if not last and any(not t.hook for t in group):
            waits.append("health")
        steps.append(Step(group[0].phase, group[0].wave, tuple(group), tuple(waits)))
    return tuple(steps)


NOT_RENDERED = -1


def _first_sync_problems(plan: SyncPlan, resources: Sequence[Resource]) -> Iterable[Problem]:
    """Every object a hook's pod needs must exist before the hook's step."""
    # (kind, namespace, name) -> the first step applying it; None: rendered but never applied.
    first_step: dict[tuple[str, str, str], int | None] = {
        (res.kind, res.namespace, res.name): plan.step_index(res.id) for res in resources
    }
    namespaces = {r.name for r in resources if r.kind == "Namespace" and r.group == ""}
    for n, step in enumerate(plan.steps):
        for task in step.tasks:
            if not task.hook:
                continue
            pod = k8s.pod_spec(task.resource)
            if pod is None:
                continue
            yield from _hook_namespace_problem(plan, task, namespaces)
            seen: set[tuple[str, str]] = set()
            for dep in k8s.pod_dependencies(pod):
                if (dep.kind, dep.name) in seen or (dep.kind == "ServiceAccount" and dep.name == "default"):
                    continue
                seen.add((dep.kind, dep.name))
                found = first_step.get((dep.kind, task.resource.namespace, dep.name), NOT_RENDERED)
                yield from _dependency_problem(task, n, step, dep, found, plan)


def _dependency_problem(
    task: Task, n: int, step: Step, dep: k8s.Dependency, found: int | None, plan: SyncPlan
) -> Iterable[Problem]:
    """``found``: the dependency's first step, None if rendered but never applied, NOT_RENDERED."""
    rid = task.resource.id
    where = f"{step.phase} wave {step.wave}"
    if found == NOT_RENDERED:
        yield Problem(
            "hook-dependency-missing",
            "warning",
            rid,
            dep.pointer,
            f"{dep.kind} {dep.name!r} is not rendered: it must exist before the first sync "
            f"(the hook runs at {where})",
        )
    elif found is None:
        yield Problem(
            "hook-dependency-missing",
            "warning",
            rid,
            dep.pointer,
            f"{dep.kind} {dep.name!r} is rendered but never applied: it must exist before the first sync",
        )
    elif found >= n:
        later = plan.steps[found]
        yield Problem(
            "hook-dependency-order",
            "error",
            rid,
            dep.pointer,
            f"first sync deadlocks: {dep.kind} {dep.name!r} is applied at {later.phase} wave "
            f"{later.wave}, not before this hook ({where}); its pod can never start",
            blocks_first_sync=True,
        )


def _hook_namespace_problem(plan: SyncPlan, task: Task, namespaces: set[str]) -> Iterable[Problem]:
    ns = task.resource.namespace
    if not ns or ns == plan.create_namespace or ns in namespaces:
        return
    yield Problem(
        "hook-namespace-missing",
        "warning",
        task.resource.id,
        "/metadata/namespace",
        f"namespace {ns!r} must exist before the first sync: set CreateNamespace=true on the "
        "Application, or render a Namespace object",
    )
