"""``adk-gitops plan`` output: text for people, JSON (schema_version 1) for tools."""

from __future__ import annotations

import json
from typing import Any

from adk_gitops.syncplan import Problem, SyncPlan, Task

SCHEMA_VERSION = 1


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


def _problem_json(problem: Problem) -> dict[str, Any]:
    rid = problem.resource
    return {
        "code": problem.code,
        "severity": problem.severity,
        "kind": rid.kind,
        "name": rid.name,
        "namespace": rid.namespace or None,
        "pointer": problem.pointer,
        "message": problem.message,
        "blocks_first_sync": problem.blocks_first_sync,
    }


def plan_json(plan: SyncPlan) -> str:
    steps = [
        {
            "phase": str(s.phase),
            "wave": s.wave,
            "waits_for": list(s.waits_for),
            "resources": [_task_json(t) for t in s.tasks],
        }
        for s in plan.steps
    ]
    if plan.on_failure:
        steps.append(
            {
                "phase": "SyncFail",
                "wave": None,
                "waits_for": ["hook completion"],
                "resources": [_task_json(t) for t in plan.on_failure],
            }
        )
    doc = {
        "schema_version": SCHEMA_VERSION,
        "create_namespace": plan.create_namespace,
        "steps": steps,
        "not_synced": [
            {"kind": n.resource.kind, "name": n.resource.name, "reason": n.reason} for n in plan.not_synced
        ],
        "problems": [_problem_json(p) for p in plan.problems],
        "first_sync": "ok" if plan.first_sync_ok else "deadlock",
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


def plan_text(plan: SyncPlan, label: str) -> str:
    out = [f"Sync plan for {label}", ""]
    n = 0
    if plan.create_namespace:
        n += 1
        out += [
            f"{n}. before everything: create namespace {plan.create_namespace} (CreateNamespace=true)",
            "",
        ]
    for i, step in enumerate(plan.steps):
        n += 1
        out.append(f"{n}. {step.phase} wave {step.wave}: apply")
        out += [_task_line(t) for t in step.tasks]
        if step.waits_for:
            waits = " and ".join(step.waits_for)
        elif i == len(plan.steps) - 1:
            waits = "nothing: the sync ends"
        else:
            waits = "nothing (no health check: done once created), then Argo CD's 2 s pause between steps"
        out += [f"   then wait for: {waits}", ""]
    if plan.on_failure:
        out.append("If any step fails: SyncFail hooks, all at once")
        out += [_task_line(t) for t in plan.on_failure]
        out.append("")
    if plan.not_synced:
        out.append("Never applied by a sync:")
        out += [f"    {ns.resource.kind}/{ns.resource.name}: {ns.reason}" for ns in plan.not_synced]
        out.append("")
    for p in plan.problems:
        out.append(f"{p.severity}: {p.resource}: {p.message} [{p.code} at {p.pointer}]")
    if plan.problems:
        out.append("")
    if plan.first_sync_ok:
        out.append("First sync: can complete (every hook dependency exists before its hook runs).")
    else:
        blockers = sorted({p.resource.name for p in plan.problems if p.blocks_first_sync})
        out.append(f"First sync: DEADLOCK: {', '.join(blockers)} would wait forever (see errors above).")
    return "\n".join(out) + "\n"
