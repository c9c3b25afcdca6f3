"""preflight and status refuse what they cannot act on, in one line, before
connecting to any cluster."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adk_gitops.commands.app import app


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "overlays/plain").mkdir(parents=True)
    (tmp_path / "overlays/plain/c.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    return tmp_path


@pytest.mark.parametrize("command", ["preflight", "status"])
def test_an_unknown_environment_is_one_line(repo: Path, command: str) -> None:
    result = CliRunner().invoke(
        app, [command, "staging", "--repo", str(repo), "--kubeconfig", "/nonexistent"]
    )
    assert result.exit_code == 2
    assert (
        result.stderr == "adk-gitops: error: staging: no environment overlays/staging and no such directory\n"
    )


def test_status_with_nothing_to_report_on_says_so(repo: Path) -> None:
    result = CliRunner().invoke(app, ["status", "plain", "--repo", str(repo), "--kubeconfig", "/nonexistent"])
    assert result.exit_code == 2
    assert result.stderr.startswith("adk-gitops: error: plain: nothing to report on: no Argo CD Application")
    assert result.stderr.endswith("and it renders no hook Job\n") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{{{ not yaml", ": line 1: invalid YAML: expected ',' or '}', but got '<stream end>'\n"),
        ("- a\n- b\n", ": not a kubeconfig: not a mapping\n"),
        ("apiVersion: v1\nkind: Config\nclusters: []\n", ": no current-context is set (use --context)\n"),
    ],
)
def test_a_broken_kubeconfig_is_one_line(repo: Path, tmp_path: Path, text: str, said: str) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(text)
    result = CliRunner().invoke(
        app, ["preflight", "plain", "--repo", str(repo), "--kubeconfig", str(kubeconfig)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"adk-gitops: error: {kubeconfig}{said}")
    assert result.stderr.count("\n") == 1
