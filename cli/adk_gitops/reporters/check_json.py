"""``-o json``: the CI contract, ``schema_version`` 1. Findings are sorted stably
(overlay, kind, namespace, name, rule, pointer)."""

from __future__ import annotations

import json
from typing import Any

from adk_gitops.check.model import Finding, Report, Severity

SCHEMA_VERSION = 1


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": str(f.severity),
        "overlay": f.overlay,
        "kind": f.kind,
        "namespace": f.namespace,
        "name": f.name,
        "pointer": f.pointer,
        "file": f.file,
        "line": f.line or None,
        "column": f.column or None,
        "message": f.message,
        "fix": f.fix,
        "suppressed": f.suppressed,
    }


def render(report: Report) -> str:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "findings": [finding_json(f) for f in report.findings],
        "summary": {
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
            "suppressed": sum(1 for f in report.findings if f.suppressed),
            "fail_on": str(report.fail_on),
            "failed": report.failed,
            "kubernetes_versions": list(report.kubernetes_versions),
            "targets": [
                {
                    "overlay": t.label,
                    "resources": t.resources,
                    "rendered_by": t.rendered_by or None,
                    "adk_rules_skipped": t.adk_skipped,
                }
                for t in report.targets
            ],
        },
    }
    return json.dumps(doc, indent=2) + "\n"
