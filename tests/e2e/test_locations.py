"""Findings point at the file and line to fix: a field of a base file, a field set
by a component's patch, and an object made by a generator, in every output format.
Real kustomize renders the overlay with origin and transformer annotations."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import REPO, copy_example

pytestmark = pytest.mark.e2e
GOLDEN = REPO / "tests" / "golden" / "locations"
EXPECTED = {
    # (rule, kind): (file, line, column)
    ("job-backoff-limit", "Job"): ("bases/adk-agent/migration-job.yaml", 20, 17),
    ("cloudsql-proxy-image-pinned", "Job"): ("components/db-cloudsql/proxy-sidecar.yaml", 15, 18),
    ("cloudsql-proxy-image-pinned", "Deployment"): ("components/db-cloudsql/proxy-sidecar.yaml", 15, 18),
    ("secret-in-manifests", "Secret"): ("overlays/cloudsql/kustomization.yaml", 22, 11),
}


@pytest.fixture()
def repo(tmp_path: Path, renderer: Renderer) -> Path:
    root = copy_example(tmp_path / "repo")
    job = root / "bases/adk-agent/migration-job.yaml"
    job.write_text(job.read_text().replace("backoffLimit: 3", "backoffLimit: 8"))
    proxy = root / "components/db-cloudsql/proxy-sidecar.yaml"
    proxy.write_text(proxy.read_text().replace("cloud-sql-proxy:2.25.3", "cloud-sql-proxy:latest"))
    overlay = root / "overlays/cloudsql/kustomization.yaml"
    overlay.write_text(
        overlay.read_text() + "secretGenerator:\n  - name: leaked\n    literals: [password=hunter2]\n"
    )
    return root


def check(cli: CliRunner, root: Path, fmt: str) -> str:
    result = cli.invoke(app, ["check", str(root / "overlays/cloudsql"), "--repo", str(root), "-o", fmt])
    assert result.exit_code == 1, result.stderr
    return result.stdout


def test_the_lines_are_where_the_fields_are_written(repo: Path) -> None:
    for (_, _), (file, line, column) in EXPECTED.items():
        text = (repo / file).read_text().splitlines()[line - 1]
        assert text[column - 1 :].split(":")[0].strip() in {
            "8",
            "gcr.io/cloud-sql-connectors/cloud-sql-proxy",
            "leaked",
        }


def test_json_and_sarif_carry_file_line_and_column(cli: CliRunner, repo: Path) -> None:
    found = {
        (f["rule"], f["kind"]): (f["file"], f["line"], f["column"])
        for f in json.loads(check(cli, repo, "json"))["findings"]
    }
    assert {k: found[k] for k in EXPECTED} == EXPECTED
    sarif = json.loads(check(cli, repo, "sarif"))
    regions = {
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"].get("startColumn"),
        )
        for r in sarif["runs"][0]["results"]
    }
    assert {(rule, *where) for (rule, _), where in EXPECTED.items()} <= regions


def test_github_junit_and_text_carry_the_line(cli: CliRunner, repo: Path) -> None:
    github = check(cli, repo, "github")
    assert "file=bases/adk-agent/migration-job.yaml,line=20,col=17,title=job-backoff-limit" in github
    assert (
        "file=components/db-cloudsql/proxy-sidecar.yaml,line=15,col=18,title=cloudsql-proxy-image-pinned"
        in github
    )
    junit = ET.fromstring(check(cli, repo, "junit"))
    texts = [f.text or "" for f in junit.iter("failure")]
    assert any("file: components/db-cloudsql/proxy-sidecar.yaml:15" in t for t in texts)
    assert "at bases/adk-agent/migration-job.yaml:20" in check(cli, repo, "text")


def test_golden_text_report(cli: CliRunner, repo: Path) -> None:
    """The whole text report, reviewed once: UPDATE_GOLDEN=1 regenerates it."""
    text = check(cli, repo, "text").replace(str(repo), "REPO")
    golden = GOLDEN / "text.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_a_rendered_file_keeps_its_own_lines(cli: CliRunner, tmp_path: Path) -> None:
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
        "    argocd.argoproj.io/hook: PreSync\nspec:\n  backoffLimit: 9\n"
        "  template: {spec: {restartPolicy: Never, containers: [{name: c, image: 'r.example/i:1'}]}}\n"
    )
    result = cli.invoke(app, ["check", str(rendered), "--repo", str(tmp_path), "-o", "json"])
    (found,) = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "job-backoff-limit"]
    assert (found["file"], found["line"], found["column"]) == ("rendered.yaml", 12, 17)


def test_renamed_objects_point_at_the_file_that_defines_them(
    cli: CliRunner, renderer: Renderer, tmp_path: Path
) -> None:
    """namePrefix and nameSuffix rename every object; its finding still names the base's
    file and line (two objects in the file, one's name inside the other's)."""
    root = tmp_path / "repo"
    (root / "base").mkdir(parents=True)
    (root / "overlays/dev").mkdir(parents=True)
    (root / ".git").mkdir()
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n"
        "  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n"
        "    metadata: {{labels: {{app: {name}}}}}\n"
        "    spec:\n      containers:\n        - name: c\n          image: {image}\n"
    )
    (root / "base/deploy.yaml").write_text(
        deployment.format(name="web", image="r.example/web:1.0.0")
        + "---\n"
        + deployment.format(name="web-api", image="r.example/api:latest")
    )
    (root / "base/kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    (root / "overlays/dev/kustomization.yaml").write_text(
        "namePrefix: dev-\nnameSuffix: -v1\nresources: [../../base]\n"
    )
    result = cli.invoke(app, ["check", "--repo", str(root), "-o", "json"])
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "image-tag-pinned"]
    assert [(f["name"], f["file"], f["line"]) for f in found] == [("dev-web-api-v1", "base/deploy.yaml", 23)]
