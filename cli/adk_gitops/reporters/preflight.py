"""``adk-gitops preflight`` output: one line per check for people (each failure
with its fix; very long server messages clipped in the middle), JSON
(schema_version 1, messages whole) for tools. Pure functions of a report."""

from __future__ import annotations

import json

from adk_gitops.live.preflight import PreflightReport, Verdict
from adk_gitops.redact import safe

SCHEMA_VERSION = 1

CLIP = 400  # the server quotes whole objects in some errors (an immutable template)


def clip(text: str, limit: int = CLIP) -> str:
    """One readable line: the head and the tail (where the server says why) of a long message."""
    if len(text) <= limit:
        return text
    tail = limit // 3
    return f"{text[: limit - tail - 3]} … {text[-tail:]}"


_MARK = {
    Verdict.OK: "ok  ",
    Verdict.FAIL: "FAIL",
    Verdict.WARN: "warn",
    Verdict.SKIP: "skip",
    Verdict.DENIED: "deny",
}


def preflight_text(report: PreflightReport) -> str:
    lines = [f"# preflight {report.target} on {report.server} (Kubernetes {report.server_version})"]
    for check in report.checks:
        lines.append(f"{_MARK[check.verdict]} {check.topic:<12} {check.subject}: {clip(check.message)}")
        if check.fix and check.verdict is not Verdict.OK:
            lines.append(f"     {'':<12} fix: {check.fix}")
    failed = sum(c.verdict is Verdict.FAIL for c in report.checks)
    denied = sum(c.verdict is Verdict.DENIED for c in report.checks)
    if report.ready:
        lines.append("ready: the first sync can start")
    else:
        unverified = f", {denied} not verified (permission denied)" if denied else ""
        lines.append(f"not ready: {failed} to fix{unverified}")
    return safe("\n".join(lines), newlines=True) + "\n"  # strings from servers and repositories


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
