"""The commands as users run them: exit codes, stdout for data, one stderr line for errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adk_gitops import __version__
from adk_gitops.commands.app import app
from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import REPO

pytestmark = pytest.mark.e2e


def test_version_and_help_without_a_renderer(cli: CliRunner) -> None:
    assert cli.invoke(app, ["--version"]).stdout == f"adk-gitops {__version__}\n"
    result = cli.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("render", "plan", "run-hook"):
        assert command in result.stdout


def test_python_dash_m_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "adk_gitops", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout == f"adk-gitops {__version__}\n"


@pytest.mark.parametrize("overlay", ["overlays/postgres", "overlays/cloudsql"])
def test_render_prints_complete_manifests(
    cli: CliRunner, renderer: Renderer, overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    result = cli.invoke(app, ["render", overlay])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == renderer.build(Path(overlay))
    assert result.stderr == f"# rendered {overlay} with {renderer.description}\n"


def test_render_failure_is_kustomizes_cause_in_checks_words_and_exit_2(
    cli: CliRunner, renderer: Renderer, tmp_path: Path
) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [missing.yaml]\n")
    result = cli.invoke(app, ["render", str(tmp_path), "--repo", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == f"adk-gitops: error: {tmp_path}: resources entry 'missing.yaml': missing.yaml does not exist\n"
    )


def test_render_without_renderer_is_one_line_and_exit_2(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADK_GITOPS_KUSTOMIZE", "/nonexistent/kustomize")
    result = cli.invoke(app, ["render", str(REPO / "overlays/postgres")])
    assert (result.exit_code, result.stdout) == (2, "")
    assert (
        result.stderr
        == "adk-gitops: error: $ADK_GITOPS_KUSTOMIZE='/nonexistent/kustomize' is not an executable\n"
    )


def test_a_directory_source_is_read_as_argo_cd_reads_it(cli: CliRunner, tmp_path: Path) -> None:
    """.yaml, .yml and .json in the folder itself; subfolders only with directory.recurse."""
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "b.json").write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}')
    (tmp_path / "notes.txt").write_text("not a manifest")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    result = cli.invoke(app, ["render", str(tmp_path), "--repo", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert [d["metadata"]["name"] for d in yaml.safe_load_all(result.stdout)] == ["a", "b"]
    result = cli.invoke(app, ["plan", str(tmp_path), "--repo", str(tmp_path), "-o", "json"])
    assert [r["name"] for r in json.loads(result.stdout)["steps"][0]["resources"]] == ["a", "b"]
    result = cli.invoke(app, ["check", str(tmp_path), "--repo", str(tmp_path), "-o", "json"])
    assert json.loads(result.stdout)["summary"]["targets"][0]["resources"] == 2
    (tmp_path / "argocd").mkdir()
    (tmp_path / "argocd" / "app.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x, namespace: argocd}\n"
        "spec: {project: p, source: {repoURL: 'https://e.com/r.git', path: deploy,"
        " directory: {recurse: true}},\n"
        "  destination: {server: 'https://kubernetes.default.svc', namespace: x}}\n"
    )
    deploy = tmp_path / "deploy"
    shutil.copytree(tmp_path, deploy, ignore=shutil.ignore_patterns("argocd", "deploy"))
    result = cli.invoke(app, ["render", str(deploy), "--repo", str(tmp_path)])
    assert [d["metadata"]["name"] for d in yaml.safe_load_all(result.stdout)] == ["a", "b", "c"]


def test_a_helm_chart_directory_is_one_clear_line(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: agent\nversion: 0.1.0\n")
    for command in ("render", "plan"):
        result = cli.invoke(app, [command, str(tmp_path), "--repo", str(tmp_path)])
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert "a Helm chart: render it with `helm template NAME" in result.stderr


def test_render_of_a_file_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("a: 1\n")
    result = cli.invoke(app, ["render", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2 and "not a directory" in result.stderr


def test_plan_of_the_cloudsql_overlay(cli: CliRunner, renderer: Renderer) -> None:
    result = cli.invoke(
        app, ["plan", str(REPO / "overlays/cloudsql"), "--create-namespace", "adk-agent-cloudsql"]
    )
    assert result.exit_code == 0, result.stdout
    text = result.stdout
    assert (
        text.index("PreSync wave -10")
        < text.index("ServiceAccount/adk-agent-migration")
        < text.index("PreSync wave -5")
        < text.index("Job/adk-agent-db-migration")
        < text.index("Sync wave 0")
        < text.index("Deployment/adk-agent")
    )
    assert "First sync: can complete" in text


def test_plan_reads_create_namespace_from_the_overlays_application(
    cli: CliRunner, renderer: Renderer
) -> None:
    result = cli.invoke(app, ["plan", str(REPO / "overlays/postgres"), "-o", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["create_namespace"] == "adk-agent-postgres"
    assert "from Application adk-agent-postgres (argocd/apps/postgres.yaml)" in result.stderr
    doc = json.loads(result.stdout)
    assert not [f for f in doc["findings"] if f["rule"] == "hook-namespace-exists"]
    # The out-of-git DB Secret: the same finding, id and suppression as check reports.
    assert [(f["rule"], f["severity"], f["suppressed"]) for f in doc["findings"]] == [
        ("hook-dependency-preexisting", "warning", True)
    ]
    job_step = next(s for s in doc["steps"] if s["resources"][0]["kind"] == "Job")
    assert job_step["waits_for"] == [
        {
            "for": "hook completion",
            "kind": "Job",
            "name": "adk-agent-db-migration",
            "namespace": "adk-agent-postgres",
            "health_check": "gitops-engine pkg/health/health_job.go",
        }
    ]


def test_plan_json_and_deadlock_exit_1(cli: CliRunner, tmp_path: Path) -> None:
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text("""
apiVersion: v1
kind: ServiceAccount
metadata: {name: migrator, namespace: app}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: app
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers: [{name: m, image: "i:1"}]
""")
    result = cli.invoke(
        app, ["plan", str(rendered), "-o", "json", "--create-namespace", "app", "--repo", str(tmp_path)]
    )
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 3 and doc["first_sync"] == "deadlock"
    assert [(s["phase"], s["wave"], [r["name"] for r in s["resources"]]) for s in doc["steps"]] == [
        ("PreSync", 0, ["migrate"]),
        ("Sync", 0, ["migrator"]),
    ]
    (finding,) = doc["findings"]
    assert (finding["rule"], finding["name"], finding["severity"]) == (
        "hook-dependency-order",
        "migrate",
        "error",
    )
    assert "ServiceAccount 'migrator'" in finding["message"]


def test_plan_reads_stdin(cli: CliRunner) -> None:
    result = cli.invoke(
        app, ["plan", "-", "-o", "json"], input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["steps"][0]["resources"][0]["name"] == "c"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("a: [", "invalid YAML"), ("- just\n- a list\n", "document 1 is not a Kubernetes object")],
)
def test_plan_of_bad_yaml_is_one_line(cli: CliRunner, stdin: str, message: str) -> None:
    result = cli.invoke(app, ["plan", "-"], input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_run_hook_missing_key_is_exit_2(cli: CliRunner, renderer: Renderer, tmp_path: Path) -> None:
    secret = tmp_path / "s.yaml"
    secret.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: adk-agent-db}\nstringData: {username: u}\n"
    )
    result = cli.invoke(app, ["run-hook", str(REPO / "overlays/cloudsql"), "--secret-file", str(secret)])
    assert result.exit_code == 2
    assert result.stderr == (
        "adk-gitops: error: CreateContainerConfigError: couldn't find key password in "
        "Secret adk-agent-cloudsql/adk-agent-db\n"
    )


def test_the_same_flag_means_the_same_thing_in_every_command() -> None:
    """-o/--format is a format, --output a file, --repo the repository root."""
    import typer.main

    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    seen = 0
    for name, command in commands.items():
        for param in command.params:
            if "-o" in param.opts:
                assert "--format" in param.opts, f"{name}: -o is {param.opts}"
                seen += 1
            if "--output" in param.opts:
                assert "-o" not in param.opts and "Path" in _annotation(command, param), name
            if "--repo" in param.opts:
                assert "Path" in _annotation(command, param), name
    assert seen >= 3


def _annotation(command: object, param: object) -> str:
    """The Python type a Typer option was declared with: the command function's hint."""
    import typing

    hints = typing.get_type_hints(command.callback)  # type: ignore[attr-defined]
    return str(hints[param.name]).replace("pathlib.", "")  # type: ignore[attr-defined]


def test_a_render_failure_is_one_line_about_the_overlay(
    cli: CliRunner, renderer: Renderer, tmp_path: Path
) -> None:
    """Rendered in a batch with a healthy overlay, by the real kustomize: the message names
    the overlay's own entry, relative to the repository, not the batch folder."""
    root = tmp_path / "repo"
    for name, kustomization in (("a", "resources: [missing.yaml]\n"), ("b", "resources: [cm.yaml]\n")):
        (root / "overlays" / name).mkdir(parents=True)
        (root / "overlays" / name / "kustomization.yaml").write_text(kustomization)
    (root / "overlays/b/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (root / ".git").mkdir()
    result = cli.invoke(app, ["check", "--repo", str(root), "-o", "json"])
    failed = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "render-failed"]
    assert [(f["overlay"], f["message"]) for f in failed] == [
        ("overlays/a", "resources entry 'missing.yaml': overlays/a/missing.yaml does not exist")
    ]


def test_build_options_render_as_the_repository_argo_cd_does(
    cli: CliRunner, renderer: Renderer, tmp_path: Path
) -> None:
    """An overlay reading a file beside its folder fails with kustomize's default load
    restrictor, and renders with the repository's Argo CD build options."""
    root = tmp_path / "repo"
    (root / "overlays/dev").mkdir(parents=True)
    (root / "shared").mkdir()
    (root / ".git").mkdir()
    (root / "shared/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (root / "overlays/dev/kustomization.yaml").write_text("resources: [../../shared/cm.yaml]\n")
    before = cli.invoke(app, ["check", "--repo", str(root), "-o", "json"])
    assert [f["rule"] for f in json.loads(before.stdout)["findings"]] == ["render-failed"]
    (root / "adk-gitops.yaml").write_text(
        "check:\n  kustomize:\n    buildOptions: --load-restrictor LoadRestrictionsNone\n"
    )
    after = cli.invoke(app, ["render", str(root / "overlays/dev"), "--repo", str(root)])
    assert after.exit_code == 0, after.stderr
    assert "name: c" in after.stdout and "--load-restrictor LoadRestrictionsNone" in after.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "-o", "json", "{}"],
        ["plan", "{}"],
        ["render", "{}"],
    ],
)
def test_an_environment_is_named_by_its_name_or_its_folder_alike(
    cli: CliRunner, renderer: Renderer, argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One loader for every command's target: ``cloudsql`` is ``overlays/cloudsql``."""
    elsewhere = tmp_path / "elsewhere"  # where no folder named cloudsql exists
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    root = str(REPO)
    by_name = cli.invoke(app, [a.format("cloudsql") for a in argv] + ["--repo", root])
    by_folder = cli.invoke(app, [a.format(str(REPO / "overlays/cloudsql")) for a in argv] + ["--repo", root])
    assert by_name.exit_code == by_folder.exit_code, by_name.stderr
    assert by_name.exit_code in (0, 1), by_name.stderr
    if argv[0] == "check":  # the report names the target as its folder, so per-path settings apply alike
        targets = [t["overlay"] for t in json.loads(by_name.stdout)["summary"]["targets"]]
        assert targets == ["overlays/cloudsql"]
    else:
        assert by_name.stdout.replace(str(REPO) + "/", "") == by_folder.stdout.replace(str(REPO) + "/", "")


@pytest.mark.parametrize("command", ["check", "plan", "render"])
def test_an_unknown_environment_is_one_line(
    cli: CliRunner, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli.invoke(app, [command, "nope", "--repo", str(REPO)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("adk-gitops: error: nope: ")


def test_plan_reads_an_overlay_as_check_does(cli: CliRunner, renderer: Renderer, tmp_path: Path) -> None:
    """One loader: a broken overlay's cause is the same sentence from plan as from check."""
    (tmp_path / "overlays/broken").mkdir(parents=True)
    (tmp_path / "overlays/broken/kustomization.yaml").write_text("resources: [missing.yaml]\n")
    checked = cli.invoke(app, ["check", "-o", "json", "broken", "--repo", str(tmp_path)])
    (finding,) = json.loads(checked.stdout)["findings"]
    planned = cli.invoke(app, ["plan", "broken", "--repo", str(tmp_path)])
    assert (planned.exit_code, planned.stdout) == (2, "")
    assert planned.stderr == f"adk-gitops: error: {finding['message']}\n"
