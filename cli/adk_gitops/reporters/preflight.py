"""``adk-gitops preflight`` output: one line per check for people (each failure
with its fix), JSON (schema_version 1) for tools. Pure functions of a report."""

from __future__ import annotations

import json

from adk_gitops.live.preflight import PreflightReport, Verdict

SCHEMA_VERSION = 1

_MARK = {Verdict.OK: "ok  ", Verdict.FAIL: "FAIL", Verdict.WARN: "warn", Verdict.SKIP: "skip"}


def preflight_text(report: PreflightReport) -> str:
    lines = [f"# preflight {report.target} on {report.server} (Kubernetes {report.server_version})"]
    for check in report.checks:
        lines.append(f"{_MARK[check.verdict]} {check.topic:<12} {check.subject}: {check.message}")
        if check.fix and check.verdict is not Verdict.OK:
            lines.append(f"     {'':<12} fix: {check.fix}")
    failed = sum(c.verdict is Verdict.FAIL for c in report.checks)
    lines.append("ready: the first sync can start" if report.ready else f"not ready: {failed} to fix")
    return "\n".join(lines) + "\n"


def preflight_json(report: PreflightReport) -> str:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "target": report.target,
        "server": report.server,
        "server_version": report.server_version,
        "ready": report.ready,
        "checks": [
            {
                "topic": str(c.topic),
                "verdict": str(c.verdict),
                "subject": c.subject,
                "message": c.message,
                "fix": c.fix or None,
                "source": c.resource.source if c.resource is not None else None,
            }
            for c in report.checks
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
