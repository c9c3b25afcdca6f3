"""Reporters are pure functions of a Report: golden files pin their output.
Regenerate with UPDATE_GOLDEN=1 after an intended change, and review the diff."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from adk_gitops import __version__
from adk_gitops.check.model import Finding, Report, Severity, TargetResult
from adk_gitops.check.rules import ALL_RULES
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube.manifests import ResourceId
from adk_gitops.kustomize.kustomization import kustomization_id
from adk_gitops.reporters import check_github, check_json, check_junit, check_sarif, check_text
from tests.conftest import FIXTURES, REPO

GOLDEN = REPO / "tests" / "golden" / "reporters"


MIGRATION_JOB = ResourceId("batch", "Job", "adk-agent-prod", "adk-agent-db-migration")


def finding(rule: str, severity: Severity, **kw: str | bool | ResourceId | None) -> Finding:
    base: dict[str, object] = {
        "overlay": "overlays/prod",
        "subject": MIGRATION_JOB,
        "pointer": "",
        "message": "m",
        "fix": "f",
        "file": "overlays/prod/kustomization.yaml",
    }
    base.update(kw)
    return Finding(rule=rule, severity=severity, **base)  # type: ignore[arg-type]


PROD_TARGETS = (
    TargetResult("overlays/broken", 0, ""),
    TargetResult("overlays/prod", 6, "kubectl kustomize (v5.6.0)"),
    TargetResult("overlays/staging", 6, "kubectl kustomize (v5.6.0)"),
)
SIDECAR_NOTE = "hook Job with native sidecar 'cloud-sql-proxy': see argoproj/argo-cd#27407"
REPORT = Report(
    findings=tuple(
        sorted(
            [
                finding(
                    "job-active-deadline",
                    Severity.ERROR,
                    pointer="/spec/activeDeadlineSeconds",
                    message="hook Job without a deadline can block syncs forever",
                    fix="Set spec.activeDeadlineSeconds, sized for your slowest migration.",
                ),
                finding(
                    "hook-dependency-preexisting",
                    Severity.WARNING,
                    pointer="/spec/template/spec/volumes/0",
                    message="ServiceAccount 'x' is not rendered: it must exist before the first sync",
                    suppressed=True,
                    suppression_reason="created by the platform team",
                ),
                finding(
                    "hook-native-sidecar-finalizer",
                    Severity.INFO,
                    pointer="/spec/initContainers/0",
                    message=SIDECAR_NOTE,
                ),
                finding(
                    "kustomize-deprecated-fields",
                    Severity.WARNING,
                    subject=kustomization_id("overlays/prod/kustomization.yaml"),
                    pointer="/commonLabels",
                    message="commonLabels is deprecated: use labels, 50% of the time: now",
                    file="overlays/prod/kustomization.yaml",
                ),
                finding(
                    "render-failed",
                    Severity.ERROR,
                    overlay="overlays/broken",
                    subject=None,
                    message="overlays/broken: accumulating resources: 'missing.yaml': no such file",
                    file="overlays/broken/kustomization.yaml",
                ),
            ]
        )
    ),
    targets=PROD_TARGETS,
    kubernetes_versions=("1.34",),
    fail_on=Severity.ERROR,
)

RENDERERS = {
    "text.txt": lambda r: check_text.render(r, color=False),
    "text-color.txt": lambda r: check_text.render(r, color=True),
    "json.json": check_json.render,
    # The rules the report names, in catalogue order: a new rule leaves this golden as it is.
    "sarif.json": lambda r: check_sarif.render(
        r, [x for x in ALL_RULES if x.id in {f.rule for f in r.findings}]
    ),
    "junit.xml": check_junit.render,
    "github.txt": check_github.render,
}


@pytest.mark.parametrize("name", RENDERERS)
def test_golden(name: str) -> None:
    text = RENDERERS[name](REPORT).replace(__version__, "VERSION")
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    schema = json.loads((FIXTURES / "schemas" / "sarif-2.1.0.json").read_text())
    doc = json.loads(check_sarif.render(REPORT, ALL_RULES))
    jsonschema.Draft4Validator(schema).validate(doc)
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert all(r["help"]["markdown"] and r["shortDescription"]["text"] for r in rules)
    by_rule = {res["ruleId"]: res for res in run["results"]}
    assert by_rule["hook-dependency-preexisting"]["suppressions"] == [
        {"kind": "inSource", "justification": "created by the platform team"}
    ]
    assert "suppressions" not in by_rule["job-active-deadline"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_json_contract() -> None:
    doc = json.loads(check_json.render(REPORT))
    assert doc["schema_version"] == 1
    keys = {
        "rule",
        "severity",
        "overlay",
        "kind",
        "namespace",
        "name",
        "pointer",
        "file",
        "line",
        "column",
        "message",
        "fix",
        "suppressed",
    }
    assert all(set(f) == keys for f in doc["findings"])
    assert doc["summary"] | {"targets": None} == {
        "errors": 2,
        "warnings": 1,
        "infos": 1,
        "suppressed": 1,
        "fail_on": "error",
        "failed": True,
        "kubernetes_versions": ["1.34"],
        "targets": None,
    }


def test_junit_counts_and_skips() -> None:
    root = ET.fromstring(check_junit.render(REPORT))
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "2", "3")
    staging = root.find("testsuite[@name='overlays/staging']")
    assert staging is not None and [c.get("name") for c in staging] == ["check"]


def test_github_annotations_escape_and_skip_suppressed() -> None:
    lines = check_github.render(REPORT).splitlines()
    assert len(lines) == 4
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any("50%25 of the time" in line for line in lines)
    assert not any("hook-dependency-preexisting" in line for line in lines)


def test_text_has_no_color_codes_unless_asked() -> None:
    assert "\x1b[" not in check_text.render(REPORT, color=False)
    assert "\x1b[" in check_text.render(REPORT, color=True)


def _fake_rule(rule_id: str, severity: Severity) -> Rule:
    return Rule(
        rule_id,
        severity,
        f"{rule_id} holds.",
        f"Fix {rule_id}.",
        lambda ctx: iter(()),
        "## What it does\n",
        category=Category.SCHEMAS,
    )


def test_reporters_take_the_rules_they_report_on_and_carry_file_line_and_column() -> None:
    """A two-rule registry of its own: nothing is read from the global catalogue."""
    rules = (_fake_rule("first-rule", Severity.ERROR), _fake_rule("second-rule", Severity.WARNING))
    located = Finding(
        overlay="overlays/prod", subject=ResourceId("batch", "Job", "p", "m"), rule="second-rule",
        pointer="/spec/x",
        message="bad x", severity=Severity.WARNING, fix="Fix it.", file="bases/app/job.yaml",
        line=12, column=7,
    )  # fmt: skip
    report = Report((located,), (TargetResult("overlays/prod", 1, ""),), ("1.34",), Severity.WARNING)
    sarif = json.loads(check_sarif.render(report, rules))
    run = sarif["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["first-rule", "second-rule"]
    (result,) = run["results"]
    assert result["ruleIndex"] == 1
    physical = result["locations"][0]["physicalLocation"]
    assert physical == {
        "artifactLocation": {"uri": "bases/app/job.yaml"},
        "region": {"startLine": 12, "startColumn": 7},
    }
    assert "file=bases/app/job.yaml,line=12,col=7," in check_github.render(report)
    found = json.loads(check_json.render(report))["findings"][0]
    assert (found["line"], found["column"]) == (12, 7)
    assert "file: bases/app/job.yaml:12" in check_junit.render(report)
    assert "at bases/app/job.yaml:12" in check_text.render(report)
