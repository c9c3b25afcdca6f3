"""Argo CD's sync order, computed offline from rendered manifests.

A faithful model of gitops-engine's task ordering (``pkg/sync/sync_tasks.go``,
``hook/``, ``syncwaves/``), with the facts and their sources collected in
docs/argocd-sync-model.md. ``plan`` prints it; ``check``'s first-sync rule uses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property

from adk_gitops.argocd.annotations import delete_policies, hook_info, sync_wave
from adk_gitops.argocd.appproject import Refusal, operation_message
from adk_gitops.argocd.health import health_check, produced_secret
from adk_gitops.kube import podspec
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


@dataclass(frozen=True)
class Problem:
    """A fact about the sync order that a rule judges: ``rule`` is the id of the rule
    that reports it (and sets its severity). ``blocks_first_sync`` facts keep the
    very first sync of an environment from completing."""

    rule: str
    resource: ResourceId
    pointer: str
    message: str
    blocks_first_sync: bool = False
    subject: Resource | None = None  # the object, when it is not one of the target's (an Application)
    hangs: bool = False  # a blocked first sync waits forever (nothing bounds the hook)


class Verdict(StrEnum):
    """How the very first sync ends."""

    COMPLETES = "completes"
    FAILS = "fails"  # refused before anything is applied, or a hook fails (a deadline)
    HANGS = "hangs"  # waits forever: Argo CD has no hook timeout


@dataclass(frozen=True)
class SyncPlan:
    steps: tuple[Step, ...]
    on_failure: tuple[Task, ...]  # SyncFail hooks: run together, only when the sync fails
    not_synced: tuple[NotSynced, ...]
    problems: tuple[Problem, ...]
    create_namespace: str | None = None
    # A rendered Namespace named as the Application's destination: created before
    # everything else, with or without CreateNamespace (sync_context.go Sync,
    # getNamespaceCreationTask, before the dry run).
    first: tuple[Task, ...] = ()
    # Why Argo CD ends the operation before applying anything: the Application's
    # InvalidSpecError conditions (its project, source or destination), else the
    # AppProject's refusal of a task (appproject.py). "" when neither.
    refused: str = ""

    @property
    def first_sync_ok(self) -> bool:
        return not self.refused and not any(p.blocks_first_sync for p in self.problems)

    @property
    def verdict(self) -> Verdict:
        blocking = [p for p in self.problems if p.blocks_first_sync and p.rule != RULE_PROJECT]
        if self.refused:
            return Verdict.FAILS
        if not blocking:
            return Verdict.COMPLETES
        return Verdict.HANGS if any(p.hangs for p in blocking) else Verdict.FAILS

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


def build_plan(
    resources: Sequence[Resource],
    *,
    create_namespace: str | None = None,
    destination_namespace: str | None = None,
    refusals: Sequence[Refusal] = (),
    invalid_spec: Sequence[Refusal] = (),
) -> SyncPlan:
    """``create_namespace``: what CreateNamespace=true creates first;
    ``destination_namespace``: the Application's, whose rendered Namespace is applied first;
    ``refusals``: the tasks the Application's AppProject refuses; ``invalid_spec``: what
    the project refuses of the Application itself (both from appproject.py)."""
    tasks: list[Task] = []
    not_synced: list[NotSynced] = []
    for res in resources:
        tasks.extend(_tasks_for(res, not_synced))
    tasks.sort(key=Task.sort_key)
    tasks = _bubble_dependencies(tasks)
    on_failure = tuple(t for t in tasks if t.phase is Phase.SYNC_FAIL)
    first = tuple(t for t in tasks if _is_namespace(t, destination_namespace))
    steps = _steps([t for t in tasks if t.phase is not Phase.SYNC_FAIL and t not in first])
    if invalid_spec:
        # controller/sync.go SyncAppState: the conditions end the operation (OperationError),
        # formatted by util/argo FormatAppConditions as "Type: message", joined by ";".
        refused = ";".join(f"InvalidSpecError: {r.message}" for r in invalid_spec)
    else:
        refused = operation_message(refusals) if refusals else ""
    plan = SyncPlan(steps, on_failure, tuple(not_synced), (), create_namespace, first, refused)
    refused_tasks = [
        Problem(RULE_PROJECT, r.resource.id, r.pointer, r.message, blocks_first_sync=True, subject=r.resource)
        for r in refusals
    ]
    return replace(plan, problems=(*refused_tasks, *_first_sync_problems(plan, resources)))


# The rule that reports what the AppProject refuses of a sync's tasks.
RULE_PROJECT = "appproject-permits-sync"


def _is_namespace(task: Task, name: str | None) -> bool:
    res = task.resource
    return bool(name) and res.kind == "Namespace" and res.group == "" and res.name == name


def _tasks_for(res: Resource, not_synced: list[NotSynced]) -> Iterable[Task]:
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


NOT_RENDERED = -1
# Containers that serve until stopped: as a plain (non-native) sidecar of a hook Job's
# pod they keep it running, so the Job never completes.
_LONG_RUNNING = re.compile(
    r"(^|/)(cloud-sql-proxy|cloudsql-proxy|gce-proxy|alloydb-auth-proxy|proxyv2|envoy|linkerd2?-proxy)(:|@|$)"
)


def _first_sync_problems(plan: SyncPlan, resources: Sequence[Resource]) -> Iterable[Problem]:
    """Every object a hook's pod needs must exist before the hook's pod is created."""
    # (kind, namespace, name) -> the first step applying it; None: rendered but never applied.
    first_step: dict[tuple[str, str, str], int | None] = {
        (res.kind, res.namespace, res.name): plan.step_index(res.id) for res in resources
    }
    # Secrets a controller creates from an ExternalSecret, SealedSecret, ... (health.py).
    produced: dict[tuple[str, str], tuple[int, Resource]] = {}
    for res in resources:
        secret, at = produced_secret(res), plan.step_index(res.id)
        key = (res.namespace, secret)
        if secret and at is not None and (key not in produced or at < produced[key][0]):
            produced[key] = (at, res)
    namespaces = {r.name for r in resources if r.kind == "Namespace" and r.group == ""}
    for n, step in enumerate(plan.steps):
        for task in step.tasks:
            if not task.hook:
                continue
            pod = podspec.pod_spec(task.resource)
            if pod is None:
                continue
            yield from _hook_namespace_problem(plan, task, namespaces)
            yield from _never_completes(task, pod)
            seen: set[tuple[str, str]] = set()
            for dep in podspec.pod_dependencies(pod):
                if (dep.kind, dep.name) in seen or (dep.kind == "ServiceAccount" and dep.name == "default"):
                    continue
                seen.add((dep.kind, dep.name))
                ns = task.resource.namespace
                found = first_step.get((dep.kind, ns, dep.name), NOT_RENDERED)
                if found == NOT_RENDERED and dep.kind == "Secret" and (ns, dep.name) in produced:
                    at, producer = produced[ns, dep.name]
                    yield from _produced_problem(task, n, step, dep, at, producer, plan)
                else:
                    yield from _dependency_problem(task, n, step, dep, found, plan)


def _deadline(task: Task) -> int | None:
    res = task.resource
    pod = podspec.pod_spec(res)
    spec = res.body.get("spec")
    holder = spec if res.kind == "Job" and isinstance(spec, Mapping) else (pod.spec if pod else {})
    deadline = holder.get("activeDeadlineSeconds")
    return deadline if isinstance(deadline, int) and not isinstance(deadline, bool) else None


def _outcome(task: Task) -> str:
    """What a missing dependency does to the sync: fail (when) or hang."""
    deadline = _deadline(task)
    if deadline is not None:
        return f"the sync fails after {deadline}s (activeDeadlineSeconds), the hook never having run"
    return "the sync waits forever (no activeDeadlineSeconds bounds it)"


def _dependency_problem(
    task: Task, n: int, step: Step, dep: podspec.Dependency, found: int | None, plan: SyncPlan
) -> Iterable[Problem]:
    """``found``: the dependency's first step, None if rendered but never applied, NOT_RENDERED."""
    rid = task.resource.id
    where = f"{step.phase} wave {step.wave}"
    if found == NOT_RENDERED:
        yield Problem(
            "hook-dependency-preexisting",
            rid,
            dep.pointer,
            f"{dep.kind} {dep.name!r} is not rendered: it must exist before the first sync "
            f"(the hook runs at {where})",
        )
    elif found is None:
        yield Problem(
            "hook-dependency-preexisting",
            rid,
            dep.pointer,
            f"{dep.kind} {dep.name!r} is rendered but never applied: it must exist before the first sync",
        )
    elif found > n or (found == n and KIND_RANK.get(dep.kind, 0) >= task.kind_rank):
        # sync_context.go: within one step the create tasks run kind group by kind group
        # (processCreateTasks per run of one kind, each ending in ss.Wait()), so a
        # dependency of an earlier kind group in the same step exists in time.
        later = plan.steps[found]
        refused_pod = task.resource.kind == "Pod" and dep.kind == "ServiceAccount"
        if refused_pod:
            outcome = (
                "the sync fails at once: the API server refuses a Pod whose ServiceAccount does not exist"
            )
        else:
            outcome = _outcome(task)
        yield Problem(
            "hook-dependency-order",
            rid,
            dep.pointer,
            f"first sync cannot complete: {dep.kind} {dep.name!r} is applied at {later.phase} wave "
            f"{later.wave}, after this hook ({where}): {outcome}",
            blocks_first_sync=True,
            hangs=not refused_pod and _deadline(task) is None,
        )


def _produced_problem(
    task: Task, n: int, step: Step, dep: podspec.Dependency, found: int, producer: Resource, plan: SyncPlan
) -> Iterable[Problem]:
    """A Secret a controller creates: in time if its producer is applied in an earlier
    step (whose health Argo CD waits for) or the same one (the pod retries until the
    Secret appears); never if the producer comes after the hook."""
    if found > n:
        later = plan.steps[found]
        yield Problem(
            "hook-dependency-order",
            task.resource.id,
            dep.pointer,
            f"first sync cannot complete: Secret {dep.name!r} is created from {producer.kind} "
            f"{producer.name!r}, applied at {later.phase} wave {later.wave}, after this hook "
            f"({step.phase} wave {step.wave}): {_outcome(task)}",
            blocks_first_sync=True,
            hangs=_deadline(task) is None,
        )


def _never_completes(task: Task, pod: podspec.PodSpec) -> Iterable[Problem]:
    """A hook Job or Pod with a plain sidecar that serves forever never completes."""
    if task.resource.kind not in ("Job", "Pod"):
        return
    regular = [c for c in podspec.containers(pod) if not c.init]
    if len(regular) < 2:
        return
    for container in regular:
        if _LONG_RUNNING.search(str(container.body.get("image", ""))) and not podspec.stopped_by_peer(
            pod, container
        ):
            yield Problem(
                "hook-completes",
                task.resource.id,
                container.pointer,
                f"container {container.name!r} serves until stopped: as a plain sidecar it keeps the "
                f"pod running, so the hook never completes and {_outcome(task).removeprefix('the ')}; "
                "make it a native sidecar (initContainers with restartPolicy: Always)",
                blocks_first_sync=True,
                hangs=_deadline(task) is None,
            )


def _hook_namespace_problem(plan: SyncPlan, task: Task, namespaces: set[str]) -> Iterable[Problem]:
    ns = task.resource.namespace
    created_first = {t.resource.name for t in plan.first}
    if not ns or ns == plan.create_namespace or ns in namespaces or ns in created_first:
        return
    yield Problem(
        "hook-namespace-exists",
        task.resource.id,
        "/metadata/namespace",
        f"namespace {ns!r} must exist before the first sync: set CreateNamespace=true on the "
        "Application, or render a Namespace object",
    )
