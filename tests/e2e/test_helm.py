"""Helm inflation as Argo CD does it with `kustomize.buildOptions: --enable-helm`: the
real helm (the release Argo CD v3.6.1 ships, scripts/install-helm.py) run by the real
kustomize inside the sandbox, on a chart vendored into the repository. A chart that
kustomize would pull, or a chart folder or values file outside the repository, is
refused before anything runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adk_gitops.kustomize.renderer import Renderer
from tests.cluster.conftest import installed
from tests.conftest import require
from tests.security.conftest import run_cli, user_env

pytestmark = pytest.mark.e2e
ENABLED = "check:\n  kustomize:\n    buildOptions: --enable-helm\n"


@pytest.fixture(scope="module")
def helm() -> str:
    paths = installed("install-helm.py")
    if len(paths) != 1 or not paths[0].is_file():
        require("helm", "scripts/install-helm.py could not build it (Go needed)")
    return str(paths[0])


def repository(tmp_path: Path, chart: str, config: str = ENABLED) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "adk-gitops.yaml").write_text(config)
    home = root / "app" / "charts" / "hello"
    (home / "templates").mkdir(parents=True)
    (home / "Chart.yaml").write_text("apiVersion: v2\nname: hello\nversion: 0.1.0\n")
    (home / "values.yaml").write_text("greeting: hello\n")
    (home / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-greeting\n"
        "data:\n  greeting: {{ .Values.greeting | quote }}\n"
    )
    (root / "app" / "values-prod.yaml").write_text("greeting: bonjour\n")
    (root / "app" / "kustomization.yaml").write_text(f"helmCharts:\n  - {chart}\n")
    return root


def render(root: Path, renderer: Renderer, helm: str) -> tuple[int, str, str]:
    env = {**user_env(renderer), "ADK_GITOPS_HELM": helm}
    done = run_cli(root, env, "render", "app")
    return done.returncode, done.stdout, done.stderr


def test_a_vendored_chart_is_inflated_in_the_sandbox(tmp_path: Path, renderer: Renderer, helm: str) -> None:
    root = repository(tmp_path, "{name: hello, releaseName: web, valuesFile: values-prod.yaml}")
    code, out, err = render(root, renderer, helm)
    assert (
        code == 0 and err.startswith("# rendered app with ") and f"--enable-helm --helm-command {helm}" in err
    )
    assert "name: web-greeting" in out and "greeting: bonjour" in out
    assert not (root / "app" / "charts" / "hello" / "charts").exists()  # nothing written into the repository


def test_without_the_build_option_the_render_says_how_to_enable_it(
    tmp_path: Path, renderer: Renderer, helm: str
) -> None:
    root = repository(tmp_path, "{name: hello, releaseName: web}", config="")
    code, _, err = render(root, renderer, helm)
    assert code == 2 and err.count("\n") == 1
    assert "say so in adk-gitops.yaml (check.kustomize.buildOptions: --enable-helm)" in err


def test_a_chart_kustomize_would_pull_is_refused(tmp_path: Path, renderer: Renderer, helm: str) -> None:
    root = repository(tmp_path, "{name: redis, repo: https://charts.example.com, version: 1.2.3}")
    env = {**user_env(renderer), "ADK_GITOPS_HELM": helm}
    done = run_cli(root, env, "check", "app", "-o", "json", "--allow-remote")
    found = [(f["rule"], f["message"]) for f in json.loads(done.stdout)["findings"]]
    assert done.returncode == 1
    assert found[0][0] == "remote-reference"
    assert "a Helm chart repository, and charts/redis is not in the repository" in found[0][1]
    assert (
        "helm pull --repo https://charts.example.com NAME --version V --untar --untardir charts"
        in found[0][1]
    )


def test_a_chart_home_outside_the_repository_is_refused(
    tmp_path: Path, renderer: Renderer, helm: str
) -> None:
    root = repository(tmp_path, "{name: hello, chartHome: elsewhere}")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "app" / "elsewhere").symlink_to(outside)
    code, _, err = render(root, renderer, helm)
    assert code == 2 and err.count("\n") == 1
    assert "'elsewhere/hello': resolves outside the repository" in err


def test_helm_missing_is_one_line(tmp_path: Path, renderer: Renderer) -> None:
    root = repository(tmp_path, "{name: hello}")
    code, _, err = render(root, renderer, str(tmp_path / "no-helm"))
    assert code == 2
    assert err == (
        f"adk-gitops: error: check.kustomize.buildOptions has --enable-helm, and '{tmp_path / 'no-helm'}' "
        "is no executable (install helm, or set $ADK_GITOPS_HELM to one)\n"
    )
