"""The shipped repository's AppProject, as it was before it allowed the Namespace that
CreateNamespace=true creates: a real Argo CD v3.6.1 refused its first sync with
``one or more synchronization tasks are not valid: resource :Namespace is not
permitted in project adk-agent`` (../shared/reference/argocd-real.md). ``check`` and
``plan`` must say so, in Argo CD's words; with the shipped project they must not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import REPO, copy_example

pytestmark = pytest.mark.e2e
REFUSED = (
    "one or more synchronization tasks are not valid: "
    "resource :Namespace is not permitted in project adk-agent"
)


@pytest.fixture()
def before_fix(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "repo")
    project = root / "argocd" / "project.yaml"
    doc = yaml.safe_load(project.read_text())
    doc["spec"]["clusterResourceWhitelist"] = []
    project.write_text(yaml.safe_dump(doc))
    return root


def test_check_reports_the_refused_namespace_on_each_application(
    cli: CliRunner, renderer: Renderer, before_fix: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(before_fix)
    result = cli.invoke(app, ["check", "-o", "json"])
    assert result.exit_code == 1, result.stdout
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "appproject-permits-sync"]
    assert [(f["overlay"], f["name"], f["file"], f["severity"]) for f in found] == [
        ("overlays/cloudsql", "adk-agent-cloudsql", "argocd/apps/cloudsql.yaml", "error"),
        ("overlays/postgres", "adk-agent-postgres", "argocd/apps/postgres.yaml", "error"),
    ]
    assert {f["message"] for f in found} == {"resource :Namespace is not permitted in project adk-agent"}


@pytest.mark.parametrize("overlay", ["postgres", "cloudsql"])
def test_plan_says_the_first_sync_is_refused(
    cli: CliRunner, renderer: Renderer, before_fix: Path, overlay: str
) -> None:
    target = str(before_fix / "overlays" / overlay)
    text = cli.invoke(app, ["plan", target, "--repo", str(before_fix)])
    assert text.exit_code == 1
    assert text.stdout.rstrip().endswith(f"First sync: REFUSED before anything is applied: {REFUSED}")
    doc = json.loads(cli.invoke(app, ["plan", target, "--repo", str(before_fix), "-o", "json"]).stdout)
    assert (doc["first_sync"], doc["refused"]) == ("refused", REFUSED)


def test_plan_reports_what_the_project_refuses_of_the_application(
    cli: CliRunner, renderer: Renderer, before_fix: Path
) -> None:
    project = before_fix / "argocd" / "project.yaml"
    doc = yaml.safe_load(project.read_text())
    doc["spec"]["destinations"] = [
        d for d in doc["spec"]["destinations"] if d["namespace"] != "adk-agent-postgres"
    ]
    project.write_text(yaml.safe_dump(doc))
    result = cli.invoke(
        app, ["plan", str(before_fix / "overlays/postgres"), "--repo", str(before_fix), "-o", "json"]
    )
    assert result.exit_code == 1
    plan = json.loads(result.stdout)
    # The Application's InvalidSpecError ends the operation first (controller/sync.go SyncAppState).
    assert plan["refused"] == (
        "InvalidSpecError: application destination server 'https://kubernetes.default.svc' and namespace "
        "'adk-agent-postgres' do not match any of the allowed destinations in project 'adk-agent'"
    )
    rules = sorted({f["rule"] for f in plan["findings"] if not f["suppressed"]})
    assert rules == ["appproject-permits-application", "appproject-permits-sync"]


def test_the_shipped_repository_is_allowed(cli: CliRunner, renderer: Renderer) -> None:
    for overlay in ("postgres", "cloudsql"):
        result = cli.invoke(app, ["plan", os.fspath(REPO / "overlays" / overlay), "-o", "json"])
        assert result.exit_code == 0, result.stdout
        assert json.loads(result.stdout)["first_sync"] == "ok"
