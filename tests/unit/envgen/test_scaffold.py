"""init scaffolds a working GitOps repository, refuses to clobber, and ships the
same bases and components this repository tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from adk_gitops.envgen import scaffold
from adk_gitops.envgen.scaffold import shipped_manifests
from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import REPO

IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent"


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_shipped_manifests_are_this_repositorys_own() -> None:
    shipped = shipped_manifests()
    own = {
        str(p.relative_to(REPO)): p.read_text()
        for d in ("bases", "components")
        for p in sorted((REPO / d).rglob("*.yaml"))
    }
    assert shipped == own


@pytest.mark.e2e
def test_init_then_new_env_then_check(
    cli: CliRunner, renderer: Renderer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    result = cli.invoke(app, ["init", str(repo)])
    assert result.exit_code == 0, result.stderr
    assert "set argocd.repoURL in adk-gitops.yaml" in result.stderr  # no git origin: placeholder named
    for path in (
        "adk-gitops.yaml",
        "argocd/project.yaml",
        "argocd/root.yaml",
        ".github/workflows/adk-gitops.yaml",
        ".pre-commit-config.yaml",
        "README.md",
        "bases/adk-agent/migration-job.yaml",
        "components/db-cloudsql/proxy-sidecar.yaml",
    ):
        assert (repo / path).is_file(), path
    monkeypatch.chdir(repo)
    result = cli.invoke(app, ["new-env", "dev", "--db", "postgres", "--image", f"{IMAGE}:2026.11.1"])
    assert result.exit_code == 0, result.stderr
    check = cli.invoke(app, ["check", "-o", "json"])
    assert check.exit_code == 0, check.stdout
    workflow = yaml.safe_load((repo / ".github/workflows/adk-gitops.yaml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    (annotations,) = [r for r in runs if "check -o github" in r]
    # A pull request checks what it changes; a push to main, everything.
    assert 'adk-gitops check -o github --changed-from "origin/$GITHUB_BASE_REF"' in annotations
    assert "\n  adk-gitops check -o github\n" in annotations
    assert any("kustomize_v5.6.0_linux_amd64.tar.gz" in r for r in runs)  # installs a pinned renderer
    assert any("check -o sarif" in r for r in runs)
    assert any(
        step.get("uses", "").startswith("github/codeql-action/upload-sarif")
        for step in workflow["jobs"]["check"]["steps"]
    )
    # Pull requests also get diff's Markdown, as one sticky comment and the job summary.
    diff_runs = [step.get("run", "") for step in workflow["jobs"]["diff"]["steps"]]
    assert any('adk-gitops diff --from "origin/$GITHUB_BASE_REF" -o markdown' in r for r in diff_runs)
    assert workflow["jobs"]["diff"]["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_init_refuses_a_non_empty_folder_and_clobbers_nothing(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("my notes\n")
    before = tree_hash(tmp_path)
    result = cli.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "is not empty" in result.stderr
    assert tree_hash(tmp_path) == before


def test_force_adds_missing_files_and_keeps_existing_ones(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("my notes\n")
    result = cli.invoke(app, ["init", str(tmp_path), "--force"])
    assert result.exit_code == 0
    assert (tmp_path / "README.md").read_text() == "my notes\n"
    assert "kept      README.md (exists and differs from the scaffold: not overwritten)" in result.stderr
    assert (tmp_path / "adk-gitops.yaml").is_file()
    again = cli.invoke(app, ["init", str(tmp_path), "--force"])
    assert again.exit_code == 0 and "create" not in again.stderr


def test_dry_run_writes_nothing(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["init", str(tmp_path / "new"), "--dry-run"])
    assert result.exit_code == 0 and "create    adk-gitops.yaml" in result.stderr
    assert not (tmp_path / "new").exists()


def test_options_are_validated_before_writing(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["init", str(tmp_path / "new"), "--app", "Bad_App"])
    assert result.exit_code == 2 and "app: 'Bad_App' does not match" in result.stderr
    assert not (tmp_path / "new").exists()


def test_repo_url_defaults_to_the_git_origin(cli: CliRunner, tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=30)
    subprocess.run(
        ["git", "-C", str(tmp_path), "remote", "add", "origin", "https://example.com/team/agents.git"],
        check=True,
        timeout=30,
    )
    assert cli.invoke(app, ["init", str(tmp_path)]).exit_code == 0  # only .git: counts as empty
    config = yaml.safe_load((tmp_path / "adk-gitops.yaml").read_text())
    assert config["argocd"]["repoURL"] == "https://example.com/team/agents.git"


def test_the_workflow_is_safe_on_untrusted_pull_requests() -> None:
    """No token persisted in .git/config for a pull request to read, and no remote fetch."""
    workflow = yaml.safe_load(scaffold.workflow())
    steps = workflow["jobs"]["check"]["steps"]
    (checkout,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkout["with"]["persist-credentials"] is False
    assert workflow["permissions"]["contents"] == "read"
    runs = " ".join(str(s.get("run", "")) for s in steps) + scaffold.precommit()
    assert "adk-gitops check" in runs and "--allow-remote" not in runs
