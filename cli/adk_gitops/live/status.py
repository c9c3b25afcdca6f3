"""``status``: where the sync of one environment stands, and why it waits.

``collect`` reads the Argo CD Application, the migration hook Jobs, their pods,
events and (when asked and the cluster can serve them) logs into frozen data;
``diagnose`` turns what it read into the operations guide's rows; ``phase_of``
decides the exit code. Only ``collect`` talks to the cluster.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from adk_gitops.kube.podspec import mapping, mappings
from adk_gitops.live.api import Cluster
from adk_gitops.live.diagnoses import Diagnosis, Observation, Source, diagnose
from adk_gitops.live.environment import Target

APPLICATION = ("argoproj.io/v1alpha1", "Application")
# The Job controller labels its pods with the Job's name (batch/v1, 1.27+ prefix).
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
MAX_EVENTS = 5  # per object, newest last


class Phase(StrEnum):
    SYNCED = "synced"  # synced and healthy: exit 0
    FAILED = "failed"  # failed, degraded, or stuck: exit 1
    PROGRESSING = "progressing"  # still running: exit 3


@dataclass(frozen=True)
class HookResult:
    kind: str
    name: str
    hook_type: str
    phase: str
    message: str


@dataclass(frozen=True)
class AppState:
    name: str
    namespace: str
    served: bool  # does the cluster serve Application at all (Argo CD installed)?
    found: bool
    sync: str = ""
    revision: str = ""
    health: str = ""
    health_message: str = ""
    operation_phase: str = ""
    operation_message: str = ""
    hooks: tuple[HookResult, ...] = ()

    @property
    def operation_running(self) -> bool:
        return self.operation_phase in ("Running", "Terminating")

    @property
    def operation_failed(self) -> bool:
        return self.operation_phase in ("Failed", "Error")


@dataclass(frozen=True)
class Condition:
    type: str
    status: str
    reason: str
    message: str


@dataclass(frozen=True)
class ContainerState:
    name: str
    init: bool
    state: str  # waiting, running, terminated, or unknown (never started)
    reason: str
    message: str
    exit_code: int | None
    restarts: int


@dataclass(frozen=True)
class PodState:
    name: str
    phase: str
    containers: tuple[ContainerState, ...]


@dataclass(frozen=True)
class EventInfo:
    type: str
    reason: str
    message: str
    object: str  # "Job NAME", "Pod NAME"
    count: int


@dataclass(frozen=True)
class LogTail:
    pod: str
    container: str
    lines: tuple[str, ...]
    error: str = ""  # why the cluster could not serve them


@dataclass(frozen=True)
class JobState:
    name: str
    namespace: str
    found: bool
    active: int = 0
    succeeded: int = 0
    failed: int = 0
    conditions: tuple[Condition, ...] = ()
    start_time: str = ""
    completion_time: str = ""
    pods: tuple[PodState, ...] = ()
    events: tuple[EventInfo, ...] = ()
    logs: tuple[LogTail, ...] = ()

    def condition(self, kind: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == kind and c.status == "True"), None)

    @property
    def state(self) -> str:
        if not self.found:
            return "not found"
        if self.condition("Failed"):
            return "failed"
        if self.condition("Complete"):
            return "succeeded"
        return "running"


@dataclass(frozen=True)
class StatusReport:
    target: str
    server: str
    application: AppState | None  # None: no Application in the repository for this overlay
    jobs: tuple[JobState, ...]
    diagnoses: tuple[Diagnosis, ...]
    phase: Phase

    @property
    def settled(self) -> bool:
        """Nothing is running any more: a watch can stop."""
        return self.phase is not Phase.PROGRESSING and not any(j.state == "running" for j in self.jobs)


def collect(cluster: Cluster, target: Target, *, log_lines: int = 0) -> StatusReport:
    app = _application(cluster, target)
    jobs = tuple(_job(cluster, target.namespace_of(j), j.name, log_lines) for j in target.hook_jobs)
    found = tuple(diagnose(observations(app, jobs)))
    return StatusReport(target.label, cluster.server, app, jobs, found, phase_of(app, jobs, found))


def _application(cluster: Cluster, target: Target) -> AppState | None:
    if target.application is None:
        return None
    name, namespace = target.application.name, target.application_namespace
    if cluster.resource(*APPLICATION) is None:
        return AppState(name, namespace, served=False, found=False)
    answer = cluster.get(*APPLICATION, name, namespace)
    if not answer.ok or not isinstance(answer.body, Mapping):
        return AppState(name, namespace, served=True, found=False)
    status = mapping(answer.body.get("status"))
    sync, health, operation = (
        mapping(status.get("sync")),
        mapping(status.get("health")),
        mapping(status.get("operationState")),
    )
    hooks = tuple(
        HookResult(
            str(r.get("kind", "")),
            str(r.get("name", "")),
            str(r.get("hookType", "")),
            str(r.get("hookPhase", "")),
            str(r.get("message", "")),
        )
        for r in mappings(mapping(operation.get("syncResult")).get("resources"))
        if r.get("hookType")
    )
    return AppState(
        name,
        namespace,
        served=True,
        found=True,
        sync=str(sync.get("status", "")),
        revision=str(sync.get("revision", "")),
        health=str(health.get("status", "")),
        health_message=str(health.get("message", "")),
        operation_phase=str(operation.get("phase", "")),
        operation_message=str(operation.get("message", "")),
        hooks=hooks,
    )


def _job(cluster: Cluster, namespace: str, name: str, log_lines: int) -> JobState:
    answer = cluster.get("batch/v1", "Job", name, namespace)
    if not answer.ok or not isinstance(answer.body, Mapping):
        return JobState(name, namespace, found=False)
    status = mapping(answer.body.get("status"))
    bodies = cluster.list("v1", "Pod", namespace, labels=f"{JOB_NAME_LABEL}={name}")
    pods = tuple(_pod(p) for p in bodies)
    # By uid: a Job of the same name deleted by BeforeHookCreation left its events behind.
    events = _events(cluster, namespace, "Job", name, _uid(answer.body))
    for body, pod in zip(bodies, pods, strict=True):
        events += _events(cluster, namespace, "Pod", pod.name, _uid(body))
    logs: list[LogTail] = []
    if log_lines > 0:
        for pod in pods:
            for container in pod.containers:
                if _failed(container):
                    logs.append(_logs(cluster, namespace, pod.name, container.name, log_lines))
    return JobState(
        name,
        namespace,
        found=True,
        active=int(status.get("active") or 0),
        succeeded=int(status.get("succeeded") or 0),
        failed=int(status.get("failed") or 0),
        conditions=tuple(
            Condition(
                str(c.get("type", "")),
                str(c.get("status", "")),
                str(c.get("reason", "")),
                str(c.get("message", "")),
            )
            for c in mappings(status.get("conditions"))
        ),
        start_time=str(status.get("startTime") or ""),
        completion_time=str(status.get("completionTime") or ""),
        pods=pods,
        events=events,
        logs=tuple(logs),
    )


def _failed(container: ContainerState) -> bool:
    return (container.state == "terminated" and container.exit_code not in (0, None)) or (
        container.reason == "CrashLoopBackOff"
    )


def _pod(body: Mapping[str, Any]) -> PodState:
    status = mapping(body.get("status"))
    spec = mapping(body.get("spec"))
    statuses = {
        (init, str(s.get("name"))): s
        for init, key in ((True, "initContainerStatuses"), (False, "containerStatuses"))
        for s in mappings(status.get(key))
    }
    containers = []
    for init, key in ((True, "initContainers"), (False, "containers")):
        for c in mappings(spec.get(key)):
            name = str(c.get("name", ""))
            s = statuses.get((init, name), {})
            state = mapping(s.get("state"))
            kind = next((k for k in ("waiting", "running", "terminated") if k in state), "unknown")
            detail = mapping(state.get(kind))
            code = detail.get("exitCode")
            containers.append(
                ContainerState(
                    name,
                    init,
                    kind,
                    str(detail.get("reason", "")),
                    str(detail.get("message", "")),
                    int(code) if isinstance(code, int) else None,
                    int(s.get("restartCount") or 0),
                )
            )
    name = str(mapping(body.get("metadata")).get("name", ""))
    return PodState(name, str(status.get("phase", "")), tuple(containers))


def _uid(body: Mapping[str, Any]) -> str:
    return str(mapping(body.get("metadata")).get("uid", ""))


def _events(cluster: Cluster, namespace: str, kind: str, name: str, uid: str) -> tuple[EventInfo, ...]:
    fields = f"involvedObject.kind={kind},involvedObject.name={name},involvedObject.uid={uid}"
    items = cluster.list("v1", "Event", namespace, fields=fields)
    items = sorted(items, key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
    return tuple(
        EventInfo(
            str(e.get("type", "")),
            str(e.get("reason", "")),
            " ".join(str(e.get("message", "")).split()),
            f"{kind} {name}",
            int(e.get("count") or 1),
        )
        for e in items[-MAX_EVENTS:]
    )


def _logs(cluster: Cluster, namespace: str, pod: str, container: str, lines: int) -> LogTail:
    answer = cluster.logs(namespace, pod, container, lines)
    if not answer.ok:
        return LogTail(pod, container, (), f"logs unavailable: {answer.message}")
    return LogTail(pod, container, tuple(answer.text.splitlines()[-lines:]))


def observations(app: AppState | None, jobs: Sequence[JobState]) -> Iterator[Observation]:
    """What the rows of the troubleshooting table are matched against."""
    for job in jobs:
        about = f"Job {job.namespace}/{job.name}"
        for pod in job.pods:
            for c in pod.containers:
                if c.state == "waiting" and c.reason:
                    text = f"{c.reason}: {c.message}" if c.message else c.reason
                    yield Observation(Source.WAITING, f"pod {pod.name} container {c.name}", text, c.name)
        for event in job.events:
            if event.type == "Warning":
                yield Observation(Source.EVENT, event.object, f"{event.reason}: {event.message}")
        for log in job.logs:
            if log.lines:
                yield Observation(
                    Source.LOG,
                    f"pod {log.pod} container {log.container} log",
                    "\n".join(log.lines),
                    log.container,
                )
        for condition in job.conditions:
            if condition.status == "True" and condition.type == "Failed":
                text = f"Failed: {condition.reason}: {condition.message}"
                yield Observation(Source.CONDITION, about, text)
    if app is not None:
        about = f"Application {app.namespace}/{app.name}"
        if not app.found:
            yield Observation(Source.APPLICATION, about, "NotFound" if app.served else "NotServed")
        elif app.operation_failed:
            yield Observation(Source.APPLICATION, about, f"{app.operation_phase}: {app.operation_message}")
        elif app.sync == "OutOfSync" and not app.operation_running:
            yield Observation(Source.APPLICATION, about, "OutOfSync")


def phase_of(app: AppState | None, jobs: Sequence[JobState], found: Sequence[Diagnosis]) -> Phase:
    """0 synced and healthy, 1 failed, degraded or stuck, 3 still in progress."""
    if any(j.state == "failed" for j in jobs) or any(d.symptom.blocking for d in found):
        return Phase.FAILED
    if app is not None and (not app.found or app.operation_failed):
        return Phase.FAILED
    if any(j.state == "running" for j in jobs) or (app is not None and app.operation_running):
        return Phase.PROGRESSING
    if app is None:
        return Phase.SYNCED if jobs and all(j.state == "succeeded" for j in jobs) else Phase.FAILED
    if app.health == "Progressing":
        return Phase.PROGRESSING
    if app.sync == "Synced" and app.health == "Healthy":
        return Phase.SYNCED
    return Phase.FAILED
