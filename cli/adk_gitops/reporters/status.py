"""``adk-gitops status`` output: a compact view for people, JSON
(schema_version 1, docs in cli/adk_gitops/reporters/schemas/output-status.json) for tools.
Pure functions of a report."""

from __future__ import annotations

import json
import re
from typing import Any

from adk_gitops.live.status import AppState, JobState, Phase, StatusReport
from adk_gitops.redact import safe

SCHEMA_VERSION = 1

_VERDICT = {
    Phase.SYNCED: "synced and healthy",
    Phase.FAILED: "failed: see the problems above",
    Phase.PROGRESSING: "in progress",
}


def _app_lines(app: AppState | None) -> list[str]:
    if app is None:
        return ["application  none in argocd/ for this overlay"]
    if not app.served:
        return [f"application  {app.namespace}/{app.name}: Argo CD not installed (no Application CRD)"]
    if not app.found:
        return [f"application  {app.namespace}/{app.name}: not found"]
    health = app.health + (f" ({app.health_message})" if app.health_message else "")
    line = f"application  {app.namespace}/{app.name}: sync {app.sync or '?'}, health {health or '?'}"
    if app.operation_phase:
        line += f", operation {app.operation_phase}"
        if app.operation_message:
            line += f": {app.operation_message}"
    lines = [line]
    lines += [
        f"  hook       {h.hook_type} {h.kind} {h.name}: {h.phase} {h.message}".rstrip() for h in app.hooks
    ]
    return lines


def _job_lines(job: JobState) -> list[str]:
    where = f"{job.namespace}/{job.name}"
    if not job.found:
        return [f"job          {where}: not found (not created yet, or deleted by its hook policy)"]
    counts = f"active {job.active}, succeeded {job.succeeded}, failed {job.failed}"
    times = "".join(
        f", {label} {value}"
        for label, value in (("started", job.start_time), ("done", job.completion_time))
        if value
    )
    lines = [f"job          {where}: {job.state} ({counts}{times})"]
    for cond in job.conditions:
        if cond.status == "True":
            lines.append(f"  condition  {cond.type}: {cond.reason}: {cond.message}".rstrip(": "))
    if not job.pods:
        lines.append("  pods       none")
    for pod in job.pods:
        states = []
        for c in pod.containers:
            detail = ("not started" if c.state == "unknown" else c.state) + (
                f" {c.reason}" if c.reason else ""
            )
            if c.exit_code is not None:
                detail += f" (exit {c.exit_code})"
            if c.restarts:
                detail += f", {c.restarts} restarts"
            states.append(f"{'init ' if c.init else ''}{c.name} {detail}")
        lines.append(f"  pod        {pod.name}: {pod.phase or '?'}; {'; '.join(states)}")
    for e in job.events:
        count = f" (x{e.count})" if e.count > 1 else ""
        lines.append(f"  event      {e.object}: {e.type} {e.reason}{count}: {e.message}")
    for log in job.logs:
        if log.error:
            lines.append(f"  logs       {log.pod}/{log.container}: {log.error}")
            continue
        if not log.lines:  # the API server answers 200 and nothing for a pod no node ran
            lines.append(f"  logs       {log.pod}/{log.container}: none served")
            continue
        lines.append(f"  logs       {log.pod}/{log.container}, last {len(log.lines)} lines:")
        lines += [f"    | {line}" for line in log.lines]
    return lines


def _filled(text: str, report: StatusReport) -> str:
    """The guide's placeholders (ENV, APP) as this report knows them."""
    text = re.sub(r"\bENV\b", report.target, text)
    if report.application is not None:
        text = re.sub(r"\bAPP\b", report.application.name, text)
    return text


def status_text(report: StatusReport) -> str:
    lines = [f"# status {report.target} on {report.server}"]
    lines += _app_lines(report.application)
    for job in report.jobs:
        lines += _job_lines(job)
    for d in report.diagnoses:
        lines.append(f"problem      {d.line}")
        lines.append(f"  cause      {_filled(d.symptom.cause, report)}")
        lines.append(f"  fix        {_filled(d.symptom.fix, report)}")
    stuck = report.phase is Phase.FAILED and any(j.state == "running" for j in report.jobs)
    verdict = (
        "stuck: the hook cannot finish until the problems above are fixed"
        if stuck
        else _VERDICT[report.phase]
    )
    lines.append(f"status: {verdict}")
    return safe("\n".join(lines), newlines=True) + "\n"  # strings from servers and repositories


def status_doc(report: StatusReport) -> dict[str, Any]:
    app = report.application
    return {
        "schema_version": SCHEMA_VERSION,
        "target": report.target,
        "server": report.server,
        "phase": str(report.phase),
        "application": None
        if app is None
        else {
            "name": app.name,
            "namespace": app.namespace,
            "installed": app.served,
            "found": app.found,
            "sync": app.sync or None,
            "revision": app.revision or None,
            "health": app.health or None,
            "health_message": app.health_message or None,
            "operation": {"phase": app.operation_phase, "message": app.operation_message}
            if app.operation_phase
            else None,
            "hooks": [
                {
                    "kind": h.kind,
                    "name": h.name,
                    "hook_type": h.hook_type,
                    "phase": h.phase,
                    "message": h.message,
                }
                for h in app.hooks
            ],
        },
        "jobs": [
            {
                "name": j.name,
                "namespace": j.namespace,
                "state": j.state,
                "active": j.active,
                "succeeded": j.succeeded,
                "failed": j.failed,
                "start_time": j.start_time or None,
                "completion_time": j.completion_time or None,
                "conditions": [
                    {"type": c.type, "status": c.status, "reason": c.reason, "message": c.message}
                    for c in j.conditions
                ],
                "pods": [
                    {
                        "name": p.name,
                        "phase": p.phase,
                        "containers": [
                            {
                                "name": c.name,
                                "init": c.init,
                                "state": c.state,
                                "reason": c.reason or None,
                                "message": c.message or None,
                                "exit_code": c.exit_code,
                                "restarts": c.restarts,
                            }
                            for c in p.containers
                        ],
                    }
                    for p in j.pods
                ],
                "events": [
                    {
                        "type": e.type,
                        "reason": e.reason,
                        "message": e.message,
                        "object": e.object,
                        "count": e.count,
                    }
                    for e in j.events
                ],
                "logs": [
                    {
                        "pod": log.pod,
                        "container": log.container,
                        "lines": list(log.lines),
                        "error": log.error or None,
                    }
                    for log in j.logs
                ],
            }
            for j in report.jobs
        ],
        "problems": [
            {
                "id": d.symptom.id,
                "about": d.observation.about,
                "evidence": d.evidence,
                "cause": _filled(d.symptom.cause, report),
                "fix": _filled(d.symptom.fix, report),
                "blocking": d.symptom.blocking,
            }
            for d in report.diagnoses
        ],
    }


def status_json(report: StatusReport, *, compact: bool = False) -> str:
    """One document; ``compact``: one line, for ``--watch`` (JSON Lines)."""
    doc = status_doc(report)
    return (json.dumps(doc, separators=(",", ":")) if compact else json.dumps(doc, indent=2)) + "\n"
