"""Argo CD's sync plan for one environment, computed offline from rendered manifests:
the ordered steps (``synctasks``, gitops-engine's task ordering), what the AppProject
refuses before anything is applied, and what keeps the very first sync from
completing (``Diagnosis``), with the facts and their sources collected in
docs/argocd-sync-model.md. ``plan`` prints it; ``check``'s sync rules report it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property

from adk_gitops.argocd.appproject import Refusal, operation_message
from adk_gitops.argocd.health import produced_secret
from adk_gitops.argocd.synctasks import (
    KIND_RANK,
    NotSynced,
    Phase,
    Step,
    Task,
    bubble_dependencies,
    into_steps,
    is_namespace,
    tasks_for,
)
from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource, ResourceId


class Diagnosis(StrEnum):
    """What the sync model can find about an environment's sync: a closed set, each
    judged (and given its severity) by the check rule of the same id."""

    PROJECT_REFUSES_TASK = "appproject-permits-sync"  # controller/sync.go validateSyncPermissions
    DEPENDENCY_PREEXISTING = "hook-dependency-preexisting"  # a hook needs what no step creates
    DEPENDENCY_ORDER = "hook-dependency-order"  # a hook needs what a later step creates
    HOOK_NEVER_COMPLETES = "hook-completes"  # a hook Job whose pod cannot finish
    HOOK_NAMESPACE_MISSING = "hook-namespace-exists"  # a hook in a namespace nothing creates first


@dataclass(frozen=True)
class Problem:
    """A fact about the sync order that a rule judges: ``rule`` is the diagnosis, and
    the id of the rule that reports it (and sets its severity). ``blocks_first_sync`` facts keep the
    very first sync of an environment from completing."""

    rule: Diagnosis
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
        blocking = [
            p for p in self.problems if p.blocks_first_sync and p.rule != Diagnosis.PROJECT_REFUSES_TASK
        ]
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
        tasks.extend(tasks_for(res, not_synced))
    tasks.sort(key=Task.sort_key)
    tasks = bubble_dependencies(tasks)
    on_failure = tuple(t for t in tasks if t.phase is Phase.SYNC_FAIL)
    first = tuple(t for t in tasks if is_namespace(t, destination_namespace))
    steps = into_steps([t for t in tasks if t.phase is not Phase.SYNC_FAIL and t not in first])
    if invalid_spec:
        # controller/sync.go SyncAppState: the conditions end the operation (OperationError),
        # formatted by util/argo FormatAppConditions as "Type: message", joined by ";".
        refused = ";".join(f"InvalidSpecError: {r.message}" for r in invalid_spec)
    else:
        refused = operation_message(refusals) if refusals else ""
    plan = SyncPlan(steps, on_failure, tuple(not_synced), (), create_namespace, first, refused)
    refused_tasks = [
        Problem(
            Diagnosis.PROJECT_REFUSES_TASK,
            r.resource.id,
            r.pointer,
            r.message,
            blocks_first_sync=True,
            subject=r.resource,
        )
        for r in refusals
    ]
    return replace(plan, problems=(*refused_tasks, *_first_sync_problems(plan, resources)))


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
            Diagnosis.DEPENDENCY_PREEXISTING,
            rid,
            dep.pointer,
            f"{dep.kind} {dep.name!r} is not rendered: it must exist before the first sync "
            f"(the hook runs at {where})",
        )
    elif found is None:
        yield Problem(
            Diagnosis.DEPENDENCY_PREEXISTING,
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
            Diagnosis.DEPENDENCY_ORDER,
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
            Diagnosis.DEPENDENCY_ORDER,
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
                Diagnosis.HOOK_NEVER_COMPLETES,
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
        Diagnosis.HOOK_NAMESPACE_MISSING,
        task.resource.id,
        "/metadata/namespace",
        f"namespace {ns!r} must exist before the first sync: set CreateNamespace=true on the "
        "Application, or render a Namespace object",
    )
