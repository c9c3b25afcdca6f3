"""`adk-gitops check` as CI runs it: the shipped repo passes, every broken
variant fails naming its rule, and no input produces a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import FIXTURES, REPO, copy_example

pytestmark = pytest.mark.e2e
BROKEN = FIXTURES / "broken-overlays"


def run(cli: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = cli.invoke(app, ["check", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def active(stdout: str) -> list[dict[str, object]]:
    return [f for f in json.loads(stdout)["findings"] if not f["suppressed"]]


def test_the_shipped_repo_passes(cli: CliRunner, renderer: Renderer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = run(cli, "-o", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert [t["overlay"] for t in doc["summary"]["targets"]] == [
        "overlays/cloudsql",
        "overlays/postgres",
        "argocd",
    ]
    assert [f for f in active(out) if f["severity"] != "info"] == []
    # The deliberate out-of-git DB Secret stays visible, marked suppressed.
    assert {(f["overlay"], f["rule"]) for f in doc["findings"] if f["suppressed"]} == {
        ("overlays/cloudsql", "hook-dependency-preexisting"),
        ("overlays/postgres", "hook-dependency-preexisting"),
    }
    code, out, _ = run(cli)
    assert code == 0 and "passed at --fail-on error" in out


IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.11.1"
CLOUDSQL = [
    "--db",
    "cloudsql",
    "--cloudsql-instance",
    "my-project:europe-west1:adk-sessions",
    "--gsa",
    "adk-agent@my-project.iam.gserviceaccount.com",
]


def test_both_strategies_check_clean_on_every_flavour(
    cli: CliRunner, renderer: Renderer, tmp_path: Path
) -> None:
    """postgres, cloudsql and cloudsql + IAM, each with prepare-tables and upgrade,
    as new-env writes them (overlay and Application): the whole repository checks clean."""
    root = tmp_path / "repo"
    for name in ("bases", "components", "argocd"):
        shutil.copytree(REPO / name, root / name)
    shutil.rmtree(root / "argocd/apps")  # this repository's own environments stay out
    shutil.copy(REPO / "adk-gitops.yaml", root)
    flavours = {
        "pg": [],
        "sql": CLOUDSQL,
        "iam": [*CLOUDSQL, "--iam-auth", "--app-gsa", "adk-agent-app@my-project.iam.gserviceaccount.com"],
    }
    for strategy in ("prepare-tables", "upgrade"):
        for name, flags in flavours.items():
            env = f"{name}-{strategy.split('-')[0]}"
            result = cli.invoke(
                app,
                ["new-env", env, *flags, "--migration", strategy, "--image", IMAGE, "--repo", str(root)],
            )
            assert result.exit_code == 0, result.stderr
    code, out, err = run(cli, "-o", "json", "--repo", str(root))
    assert (code, err) == (0, ""), out
    assert len(json.loads(out)["summary"]["targets"]) == 6 + 1
    assert [f for f in active(out) if f["severity"] != "info"] == []


def test_an_unknown_migration_command_and_a_sync_driver_fail(
    cli: CliRunner, renderer: Renderer, tmp_path: Path
) -> None:
    """The shipped overlay with the Job's command replaced, and its URL made synchronous."""
    root = tmp_path / "repo"
    for name in ("bases", "components", "overlays"):
        shutil.copytree(REPO / name, root / name)
    command = root / "components/migration-prepare-tables/migration-command.yaml"
    command.write_text(command.read_text().replace("prepare_tables()", "create_tables()"))
    env = root / "components/db-cloudsql/agent-env.yaml"
    env.write_text(env.read_text().replace("postgresql+asyncpg://", "postgresql+psycopg2://"))
    code, out, _ = run(cli, "-o", "json", str(root / "overlays/cloudsql"), "--repo", str(root))
    assert code == 1
    assert {(f["rule"], f["kind"]) for f in active(out) if f["severity"] == "error"} == {
        ("migration-strategy-known", "Job"),
        ("db-url-async-driver", "Deployment"),
    }


BROKEN_CASES = [(p.name, "error") for p in sorted(BROKEN.iterdir()) if p.name != "db-url-password-variable"]
BROKEN_CASES.append(("db-url-password-variable", "warning"))


@pytest.mark.parametrize(("rule", "fail_on"), BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_each_broken_variant_fails_naming_its_rule(
    cli: CliRunner, renderer: Renderer, rule: str, fail_on: str
) -> None:
    code, out, err = run(cli, str(BROKEN / rule), "-o", "json", "--fail-on", fail_on)
    assert code == 1, err
    failing = {f["rule"] for f in active(out) if f["severity"] in ("error", fail_on)}
    assert rule in failing


def test_native_sidecars_fail_for_kubernetes_1_28(cli: CliRunner, renderer: Renderer) -> None:
    code, out, _ = run(cli, str(REPO / "overlays/cloudsql"), "-k", "1.28", "-k", "1.33", "-o", "json")
    assert code == 1
    rules = {f["rule"] for f in active(out)}
    assert "native-sidecar-kubernetes-version" in rules
    assert json.loads(out)["summary"]["kubernetes_versions"] == ["1.28", "1.33"]


def test_one_broken_overlay_does_not_stop_the_others(cli: CliRunner, renderer: Renderer) -> None:
    code, out, _ = run(cli, str(BROKEN / "render-failed"), str(REPO / "overlays/postgres"), "-o", "json")
    assert code == 1
    doc = json.loads(out)
    assert [t["resources"] > 0 for t in doc["summary"]["targets"]] == [False, True]
    assert {
        (f["rule"], str(f["overlay"]).split("/")[-1]) for f in active(out) if f["severity"] == "error"
    } == {("render-failed", "render-failed")}


def test_rendered_yaml_from_stdin_and_output_file(cli: CliRunner, renderer: Renderer, tmp_path: Path) -> None:
    rendered = renderer.build(REPO / "overlays/postgres")
    report = tmp_path / "report.sarif"
    code, out, _ = run(cli, "-", "-o", "sarif", "--output", str(report), stdin=rendered)
    assert (code, out) == (0, "")
    assert json.loads(report.read_text())["version"] == "2.1.0"


def test_fail_on_info_counts_the_sidecar_note(cli: CliRunner, renderer: Renderer) -> None:
    assert run(cli, str(REPO / "overlays/cloudsql"), "--fail-on", "info")[0] == 1
    assert run(cli, str(REPO / "overlays/cloudsql"), "--fail-on", "warning")[0] == 0


def test_argocd_applications_are_checked_against_the_repo(
    cli: CliRunner, renderer: Renderer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "rules" / "application-namespace-matches" / "fail-repo", repo)
    monkeypatch.chdir(repo)
    code, out, _ = run(cli, "-o", "json")
    assert code == 1
    assert {(f["overlay"], f["rule"]) for f in active(out) if f["severity"] == "error"} == {
        ("argocd", "application-namespace-matches")
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope/"], "nope/: no such file or directory"),
        (["-k", "1.99"], "Kubernetes version '1.99' is not supported"),
        ([str(REPO / "components/db-postgres")], "a Kustomize Component cannot be built alone"),
    ],
)
def test_usage_errors_are_one_line_exit_2(cli: CliRunner, args: list[str], message: str) -> None:
    code, out, err = run(cli, *args)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_files_are_findings_not_crashes(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("kind: [")
    (tmp_path / "binary.yaml").write_bytes(b"\x00\xff\xfe")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    code, out, err = run(
        cli,
        *(str(tmp_path / n) for n in ("bad.yaml", "binary.yaml", "list.yaml")),
        "-o",
        "json",
        "--repo",
        str(tmp_path),
    )
    assert code == 1 and "Traceback" not in err
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["render-failed"] * 3


def test_nothing_to_check(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(cli)
    assert code == 2 and "nothing to check" in err


def test_rules_list_and_explain(cli: CliRunner) -> None:
    listing = cli.invoke(app, ["rules"]).stdout
    assert "hook-dependency-order" in listing and "Cloud SQL proxy:" in listing
    explained = cli.invoke(app, ["rules", "explain", "hook-dependency-order"])
    assert explained.exit_code == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in explained.stdout
    missing = cli.invoke(app, ["rules", "explain", "nope"])
    assert (
        missing.exit_code == 2
        and missing.stderr == "adk-gitops: error: no such rule: 'nope' (see `adk-gitops rules`)\n"
    )


def test_the_readmes_external_secret_example_checks_clean_and_plans_its_health_wait(
    cli: CliRunner, renderer: Renderer, tmp_path: Path
) -> None:
    """The README's ExternalSecret, added to the postgres example as a PreSync hook:
    its Secret satisfies the migration Job, and plan waits for its health."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("With [External Secrets]") :]
    block = section[section.index("```yaml\n") + 8 : section.index("\n```", section.index("```yaml\n"))]
    root = copy_example(tmp_path / "repo")
    overlay = root / "overlays/postgres"
    (overlay / "external-secret.yaml").write_text(block + "\n")
    kustomization = overlay / "kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text().replace("  - values.yaml\n", "  - values.yaml\n  - external-secret.yaml\n")
    )
    code, out, err = run(cli, str(overlay), "--repo", str(root), "-o", "json")
    assert (code, err) == (0, ""), out
    findings = json.loads(out)["findings"]
    assert [f for f in findings if f["severity"] != "info" and not f["suppressed"]] == []
    assert not [f for f in findings if f["rule"] == "hook-dependency-preexisting"]
    result = cli.invoke(app, ["plan", str(overlay), "--repo", str(root)])
    assert result.exit_code == 0, result.stdout
    assert (
        "ExternalSecret/adk-agent-db to complete "
        "(Argo CD resource_customizations/external-secrets.io/ExternalSecret/health.lua)" in result.stdout
    )
