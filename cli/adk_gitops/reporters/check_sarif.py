"""``-o sarif``: SARIF 2.1.0 for code scanning. Rules with their help text in
``tool.driver.rules``; suppressed findings carry ``suppressions``; results have
stable ``partialFingerprints`` so they track across runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from adk_gitops import __version__
from adk_gitops.check.model import Finding, Report, Severity
from adk_gitops.check.rules._rule import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
INFO_URI = "https://github.com/adk-gitops/adk-gitops"


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.fix, "markdown": rule.doc.strip()},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["kubernetes", "argo-cd"]},
    }


def _fingerprint(f: Finding) -> str:
    key = "\x1f".join((f.rule, f.overlay, f.kind, f.namespace, f.name, f.pointer))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    logical = "/".join(p for p in (f.overlay, f.kind, f.namespace, f.name) if p) + (f.pointer or "")
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.message} (fix: {f.fix})" if f.fix else f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": f.file or f.overlay},
                    "region": _region(f),
                },
                "logicalLocations": [{"fullyQualifiedName": logical, "kind": "object"}],
            }
        ],
        "partialFingerprints": {"adkGitopsFinding/v1": _fingerprint(f)},
    }
    if f.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": f.suppression_reason}]
    return result


def _region(f: Finding) -> dict[str, int]:
    region = {"startLine": f.line or 1}
    if f.column:
        region["startColumn"] = f.column
    return region


def render(report: Report, rules: Sequence[Rule]) -> str:
    """``rules``: the catalogue the report's findings come from (described in the run)."""
    index = {rule.id: i for i, rule in enumerate(rules)}
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "adk-gitops",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": [_rule_json(r) for r in rules],
                    }
                },
                "results": [_result(f, index) for f in report.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
