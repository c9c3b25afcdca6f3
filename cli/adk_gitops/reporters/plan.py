"""``adk-gitops plan`` output: text for people, JSON (schema_version 2) for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from adk_gitops.argocd.syncplan import SyncPlan
from adk_gitops.argocd.synctasks import Step, Task, Wait, WaitKind
from adk_gitops.check.model import Finding
from adk_gitops.redact import safe
from adk_gitops.reporters.check_json import finding_json

SCHEMA_VERSION = 3  # 3: first_sync "refused" and refused (the AppProject); 2: findings replace problems


def _task_json(task: Task) -> dict[str, Any]:
    res = task.resource
    return {
        "kind": res.kind,
        "name": res.name,
        "namespace": res.namespace or None,
        "hook": task.hook,
        "delete_policy": list(task.delete_policies) if task.hook else None,
        "moved_before": str(task.moved_before) if task.moved_before else None,
    }


def _wait_json(wait: Wait) -> dict[str, Any]:
    rid = wait.resource
    return {
        "for": str(wait.kind),
        "kind": rid.kind,
        "name": rid.name,
        "namespace": rid.namespace or None,
        "health_check": wait.health_check,
    }


def plan_json(plan: SyncPlan, findings: Sequence[Finding] = ()) -> str:
    """``findings``: the sync rules' findings for this target (check's engine)."""
    steps = [
        {
            "phase": str(s.phase),
            "wave": s.wave,
            "waits_for": [_wait_json(w) for w in s.waits_for],
            "resources": [_task_json(t) for t in s.tasks],
        }
        for s in plan.steps
    ]
    if plan.on_failure:
        steps.append(
            {
                "phase": "SyncFail",
                "wave": None,
                "waits_for": [_wait_json(w) for w in _hook_waits(plan.on_failure)],
                "resources": [_task_json(t) for t in plan.on_failure],
            }
        )
    doc = {
        "schema_version": SCHEMA_VERSION,
        "create_namespace": plan.create_namespace,
        "first": [_task_json(t) for t in plan.first],
        "steps": steps,
        "not_synced": [
            {"kind": n.resource.kind, "name": n.resource.name, "reason": n.reason} for n in plan.not_synced
        ],
        "findings": [finding_json(f) for f in findings],
        "first_sync": "refused" if plan.refused else "ok" if plan.first_sync_ok else "deadlock",
        "refused": plan.refused or None,
        "verdict": str(plan.verdict),
    }
    return json.dumps(doc, indent=2) + "\n"


def _task_line(task: Task) -> str:
    res = task.resource
    ns = f" -n {res.namespace}" if res.namespace else ""
    bits = []
    if task.hook:
        bits.append(f"hook, delete policy {','.join(task.delete_policies)}")
    if task.moved_before:
        bits.append(f"moved before {task.moved_before}")
    extra = f"  ({'; '.join(bits)})" if bits else ""
    return f"    {res.kind}/{res.name}{ns}{extra}"


def _hook_waits(tasks: Sequence[Task]) -> tuple[Wait, ...]:
    from adk_gitops.argocd.health import health_check

    return tuple(
        Wait(WaitKind.HOOK, t.resource.id, check) for t in tasks if (check := health_check(t.resource))
    )


def _waits_text(step: Step, last: bool) -> str:
    if not step.waits_for:
        if last:
            return "nothing: the sync ends once these are applied"
        return "nothing (no health check: done once created), then Argo CD's 2 s pause between steps"
    parts = []
    for wait in step.waits_for:
        rid = wait.resource
        what = "to complete" if wait.kind is WaitKind.HOOK else "to be healthy"
        parts.append(f"{rid.kind}/{rid.name} {what} ({wait.health_check})")
    # controller/appcontroller.go l.87 (argo-cd v3.6.1): a change of a managed resource
    # re-queues the operation after appOperationRequeueDelay; the real controller took ~5 s.
    return "; ".join(parts) + "; the next step starts ~5 s after (Argo CD's re-queue delay)"


def _finding_line(f: Finding) -> str:
    label = "suppressed" if f.suppressed else str(f.severity)
    obj = f"{f.kind}/{f.name}" + (f" -n {f.namespace}" if f.namespace else "") if f.kind else f.overlay
    reason = f" (reason: {f.suppression_reason})" if f.suppressed else ""
    return f"{label}: {f.rule}: {obj} {f.pointer}: {f.message}{reason}"


def plan_text(plan: SyncPlan, label: str, findings: Sequence[Finding] = ()) -> str:
    out = [f"Sync plan for {label}", ""]
    n = 0
    # gitops-engine sync_context.go getNamespaceCreationTask: with CreateNamespace=true a
    # rendered Namespace of the destination's name is that one task, applied once.
    rendered = {t.resource.name for t in plan.first}
    if plan.create_namespace:
        n += 1
        name = plan.create_namespace
        source = " from the rendered Namespace" if name in rendered else ""
        out += [f"{n}. before everything: create namespace {name}{source} (CreateNamespace=true)", ""]
    if plan.first and not (plan.create_namespace and rendered == {plan.create_namespace}):
        n += 1
        out.append(
            f"{n}. before everything (the Application's own namespace, created before the dry run): apply"
        )
        out += [_task_line(t) for t in plan.first]
        out.append("")
    for i, step in enumerate(plan.steps):
        n += 1
        out.append(f"{n}. {step.phase} wave {step.wave}: apply")
        out += [_task_line(t) for t in step.tasks]
        waits = _waits_text(step, i == len(plan.steps) - 1)
        out += [f"   then wait for: {waits}", ""]
    if plan.on_failure:
        out.append("If any step fails: SyncFail hooks, all at once")
        out += [_task_line(t) for t in plan.on_failure]
        out.append("")
    if plan.not_synced:
        out.append("Never applied by a sync:")
        out += [f"    {ns.resource.kind}/{ns.resource.name}: {ns.reason}" for ns in plan.not_synced]
        out.append("")
    out += [_finding_line(f) for f in findings]
    if findings:
        out.append("")
    if plan.refused:
        out.append(f"First sync: REFUSED before anything is applied: {plan.refused}")
    elif plan.first_sync_ok:
        out.append("First sync: can complete (every hook dependency exists before its hook runs).")
    else:
        blockers = sorted({p.resource.name for p in plan.problems if p.blocks_first_sync})
        out.append(f"First sync: DEADLOCK: {', '.join(blockers)} would wait forever (see errors above).")
    return safe("\n".join(out), newlines=True) + "\n"  # strings from servers and repositories
