"""check's configuration (adk-gitops.yaml `check:` or --config) end to end, and
the severities findings carry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adk_gitops.check import checkconfig, pipeline
from adk_gitops.check.model import Severity
from adk_gitops.commands.app import app
from adk_gitops.kube.schemas import DEFAULT_VERSION
from adk_gitops.targets.discover import Target, TargetKind
from tests.conftest import FIXTURES, copy_example

RULES = FIXTURES / "rules"


def findings(
    case: Path, rule: str, config: checkconfig.CheckConfig | None = None
) -> list[tuple[str, Severity]]:
    report = pipeline.check(
        [Target(case.name, case, TargetKind.FILE)],
        kubernetes_versions=(DEFAULT_VERSION,),
        repo_root=case.parent,
        config=config,
    )
    return [(f.name, f.severity) for f in report.findings if f.rule == rule]


def test_a_finding_can_carry_its_own_severity() -> None:
    assert findings(RULES / "schema-valid/fail-validate-false.yaml", "schema-valid") == [("c", Severity.INFO)]
    rule = "hook-job-before-hook-creation"
    assert findings(RULES / rule / "fail-hook-succeeded-only.yaml", rule) == [("migrate", Severity.WARNING)]
    assert findings(RULES / rule / "fail-kept-after-success.yaml", rule) == [("migrate", Severity.ERROR)]


def test_the_configured_severity_wins_over_the_findings_own() -> None:
    config = checkconfig.parse({"rules": {"schema-valid": {"severity": "error"}}}, "adk-gitops.yaml")
    case = RULES / "schema-valid/fail-validate-false.yaml"
    assert findings(case, "schema-valid", config) == [("c", Severity.ERROR)]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"disable": ["no-such-rule"]}, "check.disable: no such rule 'no-such-rule'"),
        (
            {"rules": {"job-backoff-limit": {"maximum": 3}}},
            "check.rules.job-backoff-limit: unknown key 'maximum'",
        ),
        (
            {"rules": {"job-backoff-limit": {"max": "3"}}},
            "check.rules.job-backoff-limit.max: must be a integer",
        ),
        ({"rules": {"job-backoff-limit": {"severity": "fatal"}}}, "severity: one of error, warning, info"),
        (
            {"rules": {"render-failed": {"severity": "info"}}},
            "render-failed is reported by the engine itself",
        ),
        ({"paths": [{"rules": {}}]}, "check.paths[0].match: a glob or a list of globs"),
        ({"colour": True}, "check: unknown key 'colour'"),
    ],
)
def test_bad_configuration_is_one_line_naming_the_field(block: object, message: str) -> None:
    with pytest.raises(checkconfig.CheckConfigError, match=None) as raised:
        checkconfig.parse(block, "adk-gitops.yaml")
    assert message in str(raised.value)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "repo")
    # A hook Job over the default backoff limit, in every overlay (via the base).
    job = root / "bases/adk-agent/migration-job.yaml"
    job.write_text(job.read_text().replace("backoffLimit: 3", "backoffLimit: 8"))
    shutil.copytree(root / "overlays/postgres", root / "overlays/prod-eu")
    (root / "overlays/prod-eu/kustomization.yaml").write_text(
        (root / "overlays/prod-eu/kustomization.yaml")
        .read_text()
        .replace("adk-agent-postgres", "adk-agent-prod-eu")
    )
    return root


def check(cli: CliRunner, root: Path, *args: str) -> tuple[int, dict[tuple[str, str], str]]:
    result = cli.invoke(app, ["check", "--repo", str(root), "-o", "json", *args])
    assert result.exit_code in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    return result.exit_code, {
        (f["overlay"], f["rule"]): f["severity"] for f in doc["findings"] if f["rule"] == "job-backoff-limit"
    }


@pytest.mark.e2e
def test_disable_severity_option_and_paths_end_to_end(cli: CliRunner, repo: Path, renderer: object) -> None:
    config = repo / "adk-gitops.yaml"
    base = config.read_text()
    _, found = check(cli, repo)
    assert found == {
        (o, "job-backoff-limit"): "warning"
        for o in ("overlays/cloudsql", "overlays/postgres", "overlays/prod-eu")
    }
    config.write_text(base + "check:\n  rules:\n    job-backoff-limit: {max: 10}\n")
    assert check(cli, repo)[1] == {}
    config.write_text(
        base + "check:\n  rules:\n    job-backoff-limit: {severity: info}\n"
        "  paths:\n    - match: overlays/prod*\n      rules:\n        job-backoff-limit: {severity: error}\n"
    )
    code, found = check(cli, repo)
    assert code == 1 and found[("overlays/prod-eu", "job-backoff-limit")] == "error"
    assert found[("overlays/postgres", "job-backoff-limit")] == "info"
    config.write_text(base + "check:\n  disable: [job-backoff-limit]\n")
    assert check(cli, repo)[1] == {}
    elsewhere = repo.parent / "strict.yaml"
    elsewhere.write_text("rules:\n  job-backoff-limit: {severity: error, max: 2}\n")
    code, found = check(cli, repo, "--config", str(elsewhere))
    assert code == 1 and set(found.values()) == {"error"}
    config.write_text(base + "check:\n  disable: [job-backof-limit]\n")
    result = cli.invoke(app, ["check", "--repo", str(repo)])
    assert result.exit_code == 2 and "no such rule 'job-backof-limit'" in result.stderr


@pytest.mark.e2e
def test_a_directory_without_an_adk_workload_says_so_in_one_line(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [web.yaml]\n")
    (tmp_path / "web.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
        "spec:\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n"
        "    spec:\n      containers: [{name: web, image: 'nginx:1.27'}]\n"
    )
    result = cli.invoke(app, ["check", str(tmp_path), "--repo", str(tmp_path)])
    assert result.stdout.count("no ADK workload: ADK rules skipped") == 1
    assert "migration" not in result.stdout and "adk-agent" not in result.stdout
    doc = json.loads(cli.invoke(app, ["check", str(tmp_path), "--repo", str(tmp_path), "-o", "json"]).stdout)
    assert doc["summary"]["targets"][0]["adk_rules_skipped"] is True


HARDENING = ("run-as-non-root", "drop-all-capabilities", "no-privilege-escalation", "seccomp-profile")


def _hardening(config: checkconfig.CheckConfig | None = None) -> dict[str, set[Severity]]:
    case = FIXTURES / "hardening/mixed.yaml"
    report = pipeline.check(
        [Target(case.name, case, TargetKind.FILE)],
        kubernetes_versions=(DEFAULT_VERSION,),
        repo_root=case.parent,
        config=config,
    )
    found: dict[str, set[Severity]] = {}
    for f in report.findings:
        if f.rule in HARDENING:
            found.setdefault(f.name, set()).add(f.severity)
    return found


def test_hardening_is_an_error_where_the_agent_runs_and_a_warning_elsewhere() -> None:
    assert _hardening() == {
        "agent": {Severity.ERROR, Severity.WARNING},  # seccomp-profile's own severity is a warning
        "migrate": {Severity.ERROR, Severity.WARNING},
        "exporter": {Severity.ERROR, Severity.WARNING},  # its namespace enforces `restricted`
        "db": {Severity.WARNING, Severity.INFO},
    }
    everywhere = checkconfig.parse({"hardening": "everywhere"}, "test")
    assert _hardening(everywhere)["db"] == {Severity.ERROR, Severity.WARNING}
    with pytest.raises(checkconfig.CheckConfigError, match=r"check\.hardening: one of adk, everywhere"):
        checkconfig.parse({"hardening": "all"}, "test")


def test_hardening_elsewhere_is_one_line_of_text(cli: CliRunner, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "hardening/mixed.yaml", tmp_path)
    result = cli.invoke(app, ["check", str(tmp_path / "mixed.yaml"), "--repo", str(tmp_path)])
    lines = [line for line in result.stdout.splitlines() if "StatefulSet/db" in line or " hardening " in line]
    assert lines == [
        "  warning hardening 4 Pod Security findings on 1 workload serving no ADK agent "
        "(drop-all-capabilities 1, no-privilege-escalation 1, run-as-non-root 1, seccomp-profile 1); "
        "`-o json` lists them; `check.hardening: everywhere` makes them errors",
        "  warning resources-set StatefulSet/db -n shop /spec/template/spec/containers/0/resources",
    ]


def test_a_removed_rule_says_what_replaced_it() -> None:
    from adk_gitops.check.engine import parse_suppressions

    with pytest.raises(checkconfig.CheckConfigError) as raised:
        checkconfig.parse({"rules": {"db-secret-consistent": {"severity": "info"}}}, "adk-gitops.yaml")
    assert str(raised.value) == (
        "adk-gitops.yaml: check.rules: no such rule 'db-secret-consistent' (removed: the app and the "
        "migration now log in with two roles on purpose; see db-app-role-separate)"
    )
    problems = parse_suppressions("db-secret-consistent=we used one Secret").problems
    assert problems == (
        "adk-gitops.io/ignore: no such rule 'db-secret-consistent' (removed: the app and the migration "
        "now log in with two roles on purpose; see db-app-role-separate)",
    )
