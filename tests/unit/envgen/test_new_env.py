"""new-env, set-image and promote on a real repository tree, rendered and checked
with the real renderer. Every refusal leaves the tree byte-identical."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from adk_gitops.envgen import scaffold
from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import REPO

pytestmark = pytest.mark.e2e
GOLDEN = REPO / "tests" / "golden" / "envgen"
IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.11.1"
APP_GSA = "adk-agent-app@my-project.iam.gserviceaccount.com"
CLOUDSQL = [
    "--db",
    "cloudsql",
    "--cloudsql-instance",
    "my-project:europe-west1:adk-sessions",
    "--gsa",
    "adk-agent@my-project.iam.gserviceaccount.com",
]


@pytest.fixture()
def repo(tmp_path: Path, renderer: Renderer) -> Path:
    """A fresh GitOps repository: this repo's bases, components, config and AppProject, no envs."""
    root = tmp_path / "gitops"
    for name in ("bases", "components"):
        shutil.copytree(REPO / name, root / name)
    (root / "argocd").mkdir()
    # The AppProject as `init` writes it, before any environment.
    options = scaffold.ScaffoldOptions(repo_url="https://github.com/example/adk-agent-gitops.git")
    (root / "argocd" / "project.yaml").write_text(scaffold.project(options))
    shutil.copy(REPO / "adk-gitops.yaml", root / "adk-gitops.yaml")
    return root


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def run(cli: CliRunner, repo: Path, *args: str) -> tuple[int, str, str]:
    result = cli.invoke(app, [*args, "--repo", str(repo)])
    return result.exit_code, result.stdout, result.stderr


def files_of(root: Path, env: str) -> dict[str, str]:
    paths = [*sorted((root / "overlays" / env).iterdir()), root / "argocd" / "apps" / f"{env}.yaml"]
    return {str(p.relative_to(root)): p.read_text() for p in paths}


GOLDEN_CASES = {
    "postgres-dev": ["new-env", "dev", "--image", IMAGE],
    "cloudsql-prod": [
        "new-env",
        "prod",
        *CLOUDSQL,
        "--image",
        IMAGE,
        "--iam-auth",
        "--app-gsa",
        APP_GSA,
        "--replicas",
        "3",
        "--cpu-request",
        "500m",
        "--memory-request",
        "1Gi",
        "--memory-limit",
        "2Gi",
        "--sync-policy",
        "automated",
        "--self-heal",
        "--auto-prune",
    ],
}


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_trees_render_and_pass_check(
    cli: CliRunner, repo: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = GOLDEN_CASES[case]
    code, _, err = run(cli, repo, *args)
    assert code == 0, err
    env = args[1]
    got = files_of(repo, env)
    golden = GOLDEN / case
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        for rel, text in got.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_text(text)
    want = {str(p.relative_to(golden)): p.read_text() for p in sorted(golden.rglob("*")) if p.is_file()}
    assert got == want
    monkeypatch.chdir(repo)
    check = cli.invoke(app, ["check", "-o", "json"])
    assert check.exit_code == 0, check.stdout
    project = yaml.safe_load((repo / "argocd" / "project.yaml").read_text())["spec"]
    assert {"server": "https://kubernetes.default.svc", "namespace": f"adk-agent-{env}"} in project[
        "destinations"
    ]
    # CreateNamespace=true creates it: the project must allow that one Namespace.
    assert project["clusterResourceWhitelist"] == [
        {"group": "", "kind": "Namespace", "name": f"adk-agent-{env}"}
    ]
    assert "Next steps" in err and "kubectl -n adk-agent-" in err


def test_cloudsql_next_steps_name_the_iam_bindings(cli: CliRunner, repo: Path) -> None:
    _, _, err = run(
        cli, repo, "new-env", "prod", *CLOUDSQL, "--image", IMAGE, "--iam-auth", "--app-gsa", APP_GSA
    )
    for role in ("roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/iam.workloadIdentityUser"):
        assert role in err
    # Each Kubernetes ServiceAccount impersonates its own Google service account.
    assert (
        "add-iam-policy-binding adk-agent@my-project.iam.gserviceaccount.com "
        "--role=roles/iam.workloadIdentityUser "
        "--member='serviceAccount:my-project.svc.id.goog[adk-agent-prod/adk-agent-migration]'"
    ) in err
    assert (
        f"add-iam-policy-binding {APP_GSA} --role=roles/iam.workloadIdentityUser "
        "--member='serviceAccount:my-project.svc.id.goog[adk-agent-prod/adk-agent]'"
    ) in err
    assert f"--member=serviceAccount:{APP_GSA} --role=roles/cloudsql.instanceUser" in err
    assert "--from-literal=password" not in err  # IAM auth: no password at all
    assert 'create secret generic adk-agent-db-app --from-literal=username="${APP_IAM_USER}"' in err


def test_rerun_is_a_no_op(cli: CliRunner, repo: Path) -> None:
    assert run(cli, repo, "new-env", "dev", "--image", IMAGE)[0] == 0
    before = tree_hash(repo)
    code, _, err = run(cli, repo, "new-env", "dev", "--image", IMAGE)
    assert (code, tree_hash(repo)) == (0, before)
    assert "already up to date" in err


def test_differences_are_refused_with_the_diff_unless_forced(cli: CliRunner, repo: Path) -> None:
    run(cli, repo, "new-env", "dev", "--image", IMAGE)
    before = tree_hash(repo)
    code, out, err = run(cli, repo, "new-env", "dev", "--image", IMAGE.replace("2026.11.1", "2026.12.0"))
    assert (code, tree_hash(repo)) == (1, before)
    assert '+    newTag: "2026.12.0"' in out and "--force overwrites" in err
    code, _, _ = run(
        cli, repo, "new-env", "dev", "--image", IMAGE.replace("2026.11.1", "2026.12.0"), "--force"
    )
    assert code == 0 and '"2026.12.0"' in (repo / "overlays/dev/kustomization.yaml").read_text()


def test_new_env_never_touches_another_env(cli: CliRunner, repo: Path) -> None:
    run(cli, repo, "new-env", "dev", "--image", IMAGE)
    dev = files_of(repo, "dev")
    run(cli, repo, "new-env", "qa", "--from", "dev")
    assert files_of(repo, "dev") == dev


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new-env", "Bad_Name", "--image", IMAGE], "is not a DNS-1123 label"),
        (["new-env", "dev", "--image", IMAGE, "--db", "mysql"], "Invalid value for '--db'"),
        (["new-env", "dev", *CLOUDSQL[:2], "--image", IMAGE], "needs --cloudsql-instance"),
        (["new-env", "dev", *CLOUDSQL[:4], "--gsa", "x@y", "--image", IMAGE], "is not NAME@PROJECT"),
        (["new-env", "dev", "--image", "nope"], "is not an image repository"),
        (["new-env", "dev", "--from", "missing"], "unknown environment 'missing'"),
        (
            ["new-env", "dev", "--image", IMAGE, "--cpu-request", "2", "--cpu-limit", "1"],
            "is above --cpu-limit",
        ),
        (
            ["new-env", "dev", "--image", IMAGE, "--repo-url", "https://e.com/r.git\nevil: 1"],
            "is not a git URL",
        ),
        (["new-env", "dev", "--image", IMAGE, "--revision", "main\nevil"], "is not a git branch"),
        (["new-env", "dev", "--image", IMAGE, "--revision", "--upload-pack=x"], "is not a git branch"),
        (
            ["new-env", "dev", "--image", IMAGE, "--dest-server", "kubernetes.default.svc"],
            "not a cluster URL",
        ),
        (["new-env", "dev", "--image", IMAGE, "--project", "nope"], "no AppProject of that name in argocd/"),
        (["set-image", "missing", IMAGE], "unknown environment 'missing'"),
        (["promote", "missing", "dev"], "unknown environment"),
    ],
)
def test_bad_input_leaves_the_tree_identical(
    cli: CliRunner, repo: Path, args: list[str], message: str
) -> None:
    run(cli, repo, "new-env", "qa", "--image", IMAGE)
    before = tree_hash(repo)
    code, out, err = run(cli, repo, *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert tree_hash(repo) == before


def test_values_file_is_validated_naming_the_field(cli: CliRunner, repo: Path, tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("image: r.example/a/b:1\nargocd:\n  syncPolicy: sometimes\n")
    before = tree_hash(repo)
    code, _, err = run(cli, repo, "new-env", "dev", "--values-file", str(values))
    assert (code, tree_hash(repo)) == (2, before)
    assert "argocd.syncPolicy: 'sometimes' is not one of ['manual', 'automated']" in err
    values.write_text(
        f"image: {IMAGE}\ndb: cloudsql\ncloudsqlInstance: p-roject:us-east1:i\n"
        "gsa: adk-agent@my-project.iam.gserviceaccount.com\nreplicas: 2\n"
    )
    assert run(cli, repo, "new-env", "dev", "--values-file", str(values), "--replicas", "4")[0] == 0
    text = (repo / "overlays/dev/kustomization.yaml").read_text()
    assert "db-cloudsql" in text and "count: 4" in text


def test_config_errors_name_the_field(cli: CliRunner, repo: Path) -> None:
    (repo / "adk-gitops.yaml").write_text("app: adk-agent\nimage: r.example/a\nargocd: {repoURL: ftp://x}\n")
    code, _, err = run(cli, repo, "new-env", "dev", "--image", IMAGE)
    assert code == 2 and "adk-gitops.yaml: argocd.repoURL: 'ftp://x' does not match" in err
    (repo / "adk-gitops.yaml").unlink()
    assert "no adk-gitops.yaml" in run(cli, repo, "new-env", "dev", "--image", IMAGE)[2]


def test_dry_run_and_output_write_nothing(cli: CliRunner, repo: Path) -> None:
    before = tree_hash(repo)
    code, out, err = run(cli, repo, "new-env", "dev", "--image", IMAGE, "--dry-run")
    assert (code, tree_hash(repo)) == (0, before)
    assert "+++ b/overlays/dev/kustomization.yaml" in out and "create    argocd/apps/dev.yaml" in err
    code, out, _ = run(cli, repo, "new-env", "dev", "--image", IMAGE, "-o", "json")
    assert (code, tree_hash(repo)) == (0, before)
    kinds = [d["kind"] for d in json.loads(out)]
    assert kinds == ["Application", "AppProject", "Kustomization", "ConfigMap"]
    code, out, _ = run(cli, repo, "new-env", "dev", "--image", IMAGE, "-o", "yaml")
    assert [d["kind"] for d in yaml.safe_load_all(out)] == kinds


def test_a_result_that_fails_check_is_not_written(cli: CliRunner, repo: Path) -> None:
    (repo / "components/db-postgres/agent-env.yaml").unlink()  # the component no longer builds
    before = tree_hash(repo)
    code, _, err = run(cli, repo, "new-env", "dev", "--image", IMAGE)
    assert (code, tree_hash(repo)) == (1, before)
    assert "render-failed" in err and "nothing written" in err
    code, _, _ = run(cli, repo, "new-env", "dev", "--image", IMAGE, "--no-validate")
    assert code == 0 and (repo / "overlays/dev/kustomization.yaml").is_file()


def test_appset_registration(cli: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(cli, repo, "new-env", "dev", "--image", IMAGE, "--registration", "appset")[0] == 0
    appset = yaml.safe_load((repo / "argocd/appsets/adk-agent.yaml").read_text())
    assert appset["spec"]["generators"][0]["git"]["directories"] == [{"path": "overlays/*"}]
    assert appset["spec"]["syncPolicy"]["preserveResourcesOnDeletion"] is True
    assert not (repo / "argocd/apps").exists()
    assert run(cli, repo, "new-env", "qa", "--image", IMAGE, "--registration", "appset")[0] == 0
    monkeypatch.chdir(repo)
    assert cli.invoke(app, ["check"]).exit_code == 0


def test_set_image_keeps_comments_order_and_quotes(cli: CliRunner, repo: Path) -> None:
    run(cli, repo, "new-env", "dev", "--image", IMAGE)
    path = repo / "overlays/dev/kustomization.yaml"
    path.write_text(path.read_text().replace("images:\n", "images:  # bumped by CI\n"))
    code, _, err = run(cli, repo, "set-image", "dev", "us-docker.pkg.dev/my-project/adk/adk-agent:1.10")
    assert code == 0, err
    text = path.read_text()
    assert "images:  # bumped by CI\n" in text and 'newTag: "1.10"' in text
    assert text.startswith("# Environment dev, generated by `adk-gitops new-env`.")
    digest = "sha256:" + "d" * 64
    assert run(cli, repo, "set-image", "dev", f"us-docker.pkg.dev/my-project/adk/adk-agent@{digest}")[0] == 0
    entry = yaml.safe_load(path.read_text())["images"][0]
    assert entry == {
        "name": "adk-agent",
        "newName": "us-docker.pkg.dev/my-project/adk/adk-agent",
        "digest": digest,
    }


def test_promote_copies_the_image_and_is_idempotent(cli: CliRunner, repo: Path) -> None:
    run(cli, repo, "new-env", "staging", "--image", IMAGE.replace("2026.11.1", "2026.12.0"))
    run(cli, repo, "new-env", "prod", *CLOUDSQL, "--image", IMAGE)
    before = tree_hash(repo)
    code, out, _ = run(cli, repo, "promote", "staging", "prod", "--dry-run")
    assert (code, tree_hash(repo)) == (0, before) and '+    newTag: "2026.12.0"' in out
    assert run(cli, repo, "promote", "staging", "prod")[0] == 0
    assert '"2026.12.0"' in (repo / "overlays/prod/kustomization.yaml").read_text()
    code, _, err = run(cli, repo, "promote", "staging", "prod")
    assert code == 0 and "already up to date" in err


def test_the_shipped_examples_are_exactly_what_new_env_generates(cli: CliRunner, renderer: Renderer) -> None:
    for args in (
        ["new-env", "postgres", "--image", IMAGE],
        ["new-env", "cloudsql", *CLOUDSQL, "--app-gsa", APP_GSA, "--image", IMAGE],
    ):
        code, _, err = run(cli, REPO, *args, "--dry-run")
        assert code == 0 and "already up to date" in err, err


def components_of(repo: Path, env: str) -> list[str]:
    return list(yaml.safe_load((repo / f"overlays/{env}/kustomization.yaml").read_text())["components"])


def test_migration_strategy_defaults_to_the_config_and_is_chosen_per_env(cli: CliRunner, repo: Path) -> None:
    """The repo config says prepare-tables; --migration upgrade selects the base's command;
    --from copies the strategy; a values file may choose it."""
    assert run(cli, repo, "new-env", "dev", "--image", IMAGE)[0] == 0
    assert components_of(repo, "dev") == [
        "../../components/db-postgres",
        "../../components/db-postgres-app-role",
        "../../components/app-labels",
        "../../components/migration-prepare-tables",
        "../../components/schema-gate",
    ]
    code, _, err = run(cli, repo, "new-env", "next", *CLOUDSQL, "--migration", "upgrade", "--image", IMAGE)
    assert code == 0, err
    assert components_of(repo, "next") == [
        "../../components/db-cloudsql",
        "../../components/db-cloudsql-app-role",
        "../../components/google-cloud",
        "../../components/app-labels",
        "../../components/schema-gate",
    ]
    assert run(cli, repo, "new-env", "next2", "--from", "next", "--image", IMAGE)[0] == 0
    assert components_of(repo, "next2") == [
        "../../components/db-cloudsql",
        "../../components/db-cloudsql-app-role",
        "../../components/google-cloud",
        "../../components/app-labels",
        "../../components/schema-gate",
    ]
    (repo / "v.yaml").write_text("migration: upgrade\nappDbSecret: adk-agent-db\n")  # one role
    assert run(cli, repo, "new-env", "qa", "--values-file", str(repo / "v.yaml"), "--image", IMAGE)[0] == 0
    assert components_of(repo, "qa") == [
        "../../components/db-postgres",
        "../../components/app-labels",
        "../../components/schema-gate",
    ]


def test_migration_in_the_config_is_validated(cli: CliRunner, repo: Path) -> None:
    config = repo / "adk-gitops.yaml"
    config.write_text(config.read_text().replace("migration: prepare-tables", "migration: alembic"))
    before = tree_hash(repo)
    code, _, err = run(cli, repo, "new-env", "dev", "--image", IMAGE)
    assert code == 2 and "adk-gitops.yaml: migration: 'alembic' is not one of" in err
    assert tree_hash(repo) == before


def test_set_migration_switches_one_component_line_and_back(cli: CliRunner, repo: Path) -> None:
    run(cli, repo, "new-env", "prod", *CLOUDSQL, "--iam-auth", "--app-gsa", APP_GSA, "--image", IMAGE)
    path = repo / "overlays/prod/kustomization.yaml"
    path.write_text(path.read_text().replace("components:\n", "components:  # reviewed by the DBA\n"))
    original = path.read_text()
    code, out, _ = run(cli, repo, "set-migration", "prod", "upgrade", "--dry-run")
    assert code == 0 and path.read_text() == original
    assert out.count("\n-") == 1 and "-  - ../../components/migration-prepare-tables" in out
    assert run(cli, repo, "set-migration", "prod", "upgrade")[0] == 0
    assert components_of(repo, "prod") == [
        "../../components/db-cloudsql",
        "../../components/db-cloudsql-app-role",
        "../../components/cloudsql-iam-auth",
        "../../components/google-cloud",
        "../../components/app-labels",
        "../../components/schema-gate",  # stays last
    ]
    assert "components:  # reviewed by the DBA\n" in path.read_text()
    assert run(cli, repo, "set-migration", "prod", "prepare-tables")[0] == 0
    assert path.read_text() == original
    code, _, err = run(cli, repo, "set-migration", "prod", "prepare-tables")
    assert code == 0 and "already up to date" in err
    code, _, err = run(cli, repo, "set-migration", "prod", "alembic")
    assert code == 2 and "Invalid value" in err and "'alembic'" in err


def test_set_image_and_promote_keep_the_migration_strategy(cli: CliRunner, repo: Path) -> None:
    run(cli, repo, "new-env", "staging", "--migration", "upgrade", "--image", IMAGE)
    run(cli, repo, "new-env", "prod", "--image", IMAGE)
    assert run(cli, repo, "set-image", "staging", IMAGE.replace("2026.11.1", "2026.12.0"))[0] == 0
    assert run(cli, repo, "promote", "staging", "prod")[0] == 0
    assert components_of(repo, "staging") == [
        "../../components/db-postgres",
        "../../components/db-postgres-app-role",
        "../../components/app-labels",
        "../../components/schema-gate",
    ]
    assert components_of(repo, "prod")[-2:] == [
        "../../components/migration-prepare-tables",
        "../../components/schema-gate",
    ]


@pytest.mark.parametrize(
    ("namespace", "message"),
    [
        ("adk-agent-qa", "overlays/qa deploys there already"),
        ("kube-system", "'kube-system' is a Kubernetes system namespace"),
        ("kube-anything", "is a Kubernetes system namespace"),
        ("default", "'default' is a Kubernetes system namespace"),
        ("argocd", "'argocd' is Argo CD's own namespace"),
    ],
)
def test_new_env_refuses_a_taken_or_system_namespace(
    cli: CliRunner, repo: Path, namespace: str, message: str
) -> None:
    run(cli, repo, "new-env", "qa", "--image", IMAGE)
    before = tree_hash(repo)
    code, out, err = run(cli, repo, "new-env", "x", "--namespace", namespace, "--image", IMAGE)
    assert (code, out) == (2, "") and message in err and err.count("\n") == 1
    assert tree_hash(repo) == before


def test_new_env_refuses_a_namespace_an_application_deploys_into(cli: CliRunner, repo: Path) -> None:
    """An Application of another team, with no overlay here, still owns its namespace."""
    app = repo / "argocd" / "apps" / "billing.yaml"
    app.parent.mkdir(parents=True)
    app.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: billing, namespace: argocd}\n"
        "spec: {project: p, source: {repoURL: 'https://e.com/r.git', path: deploy},"
        " destination: {server: 'https://kubernetes.default.svc', namespace: payments}}\n"
    )
    code, _, err = run(cli, repo, "new-env", "x", "--namespace", "payments", "--image", IMAGE)
    assert code == 2 and "Application billing (argocd/apps/billing.yaml) deploys there already" in err


def test_a_valid_exponent_quantity_is_accepted(cli: CliRunner, repo: Path, tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("cpuRequest: 1e3\ncpuLimit: 2E3\n")  # Kubernetes reads 1e3 as 1000
    code, _, err = run(cli, repo, "new-env", "dev", "--values-file", str(values), "--image", IMAGE)
    assert code == 0, err


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("newTag: 1.10", "newTag 1.1 is a YAML float, not a string: quote it"),
        ("newTag: {a: b}", "newTag {'a': 'b'} is a YAML dict"),
        ('digest: "sha256:abc"', "digest must be sha256: and 64 hex characters"),
        ('newTag: "bad tag!"', "is not a valid tag"),
    ],
)
def test_promote_refuses_an_invalid_source_image(
    cli: CliRunner, repo: Path, entry: str, message: str
) -> None:
    run(cli, repo, "new-env", "staging", "--image", IMAGE)
    run(cli, repo, "new-env", "prod", "--image", IMAGE)
    source = repo / "overlays/staging/kustomization.yaml"
    source.write_text(source.read_text().replace('newTag: "2026.11.1"', entry))
    before = tree_hash(repo)
    code, out, err = run(cli, repo, "promote", "staging", "prod")
    assert (code, out) == (2, "") and message in err and err.count("\n") == 1, err
    assert tree_hash(repo) == before


def test_duplicate_keys_in_values_and_config_are_refused(cli: CliRunner, repo: Path, tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("image: r.example/a/b:1\nimage: r.example/a/b:2\n")
    code, _, err = run(cli, repo, "new-env", "dev", "--values-file", str(values))
    assert code == 2 and "duplicate key 'image'" in err
    config = repo / "adk-gitops.yaml"
    config.write_text(config.read_text() + "db: cloudsql\n")
    code, _, err = run(cli, repo, "new-env", "dev", "--image", IMAGE)
    assert code == 2 and "adk-gitops.yaml" in err and "duplicate key 'db'" in err


def test_images_as_a_map_is_one_line(cli: CliRunner, repo: Path) -> None:
    run(cli, repo, "new-env", "dev", "--image", IMAGE)
    path = repo / "overlays/dev/kustomization.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("images:")] + "images: {name: adk-agent}\n")
    for args in (["set-image", "dev", IMAGE], ["promote", "dev", "dev2"]):
        code, _, err = run(cli, repo, *args)
        assert code == 2 and err.count("\n") == 1 and "internal error" not in err, err


def test_next_steps_name_both_secrets_and_nothing_is_masked(cli: CliRunner, repo: Path) -> None:
    """The Secret commands read shell variables: nothing in them looks like a credential
    (the output's masking would hide it) or lands in the shell's history."""
    _, _, err = run(cli, repo, "new-env", "dev", "--image", IMAGE)
    assert "***" not in err
    assert (
        "kubectl -n adk-agent-dev create secret generic adk-agent-db --from-literal=url="
        '"postgresql+asyncpg://${MIGRATOR_USER}:${MIGRATOR_PASSWORD_ENCODED}@HOST:5432/DB"'
    ) in err
    assert (
        "kubectl -n adk-agent-dev create secret generic adk-agent-db-app --from-literal=url="
        '"postgresql+asyncpg://${APP_USER}:${APP_PASSWORD_ENCODED}@HOST:5432/DB"'
    ) in err
    assert 'README.md, "Two database roles"' in err


def test_set_image_keeps_the_version_label_in_step(cli: CliRunner, repo: Path) -> None:
    run(cli, repo, "new-env", "dev", "--image", IMAGE)
    values = repo / "overlays/dev/values.yaml"
    assert 'version: "2026.11.1"  # the image\'s tag' in values.read_text()
    assert run(cli, repo, "set-image", "dev", IMAGE.replace("2026.11.1", "1.10"))[0] == 0
    assert re.search(r'version: "1\.10" +# the image\'s tag: set-image keeps it in step', values.read_text())
    digest = "sha256:" + "ab" * 32
    assert run(cli, repo, "set-image", "dev", IMAGE.split(":")[0] + "@" + digest)[0] == 0
    assert 'version: "abababababab"' in values.read_text()


def test_notify_subscribes_the_application(cli: CliRunner, repo: Path) -> None:
    code, _, err = run(
        cli,
        repo,
        "new-env",
        "dev",
        "--image",
        IMAGE,
        "--notify",
        "slack:#adk-alerts",
        "--notify",
        "slack:oncall",
    )
    assert code == 0, err
    app_doc = yaml.safe_load((repo / "argocd/apps/dev.yaml").read_text())
    assert app_doc["metadata"]["annotations"] == {
        "notifications.argoproj.io/subscribe.on-sync-failed.slack": "adk-alerts;oncall",
        "notifications.argoproj.io/subscribe.on-health-degraded.slack": "adk-alerts;oncall",
    }
    before = tree_hash(repo)
    code, _, err = run(cli, repo, "new-env", "qa", "--image", IMAGE, "--notify", "slack:a;b")
    assert (code, tree_hash(repo)) == (2, before) and "one recipient per --notify" in err


def test_set_app_secret_opts_an_existing_environment_in(cli: CliRunner, repo: Path) -> None:
    """An environment made with one role keeps working; one command gives the app its own."""
    run(cli, repo, "new-env", "old", "--app-db-secret", "adk-agent-db", "--image", IMAGE)
    assert components_of(repo, "old")[1] == "../../components/app-labels"
    values = repo / "overlays/old/values.yaml"
    assert "appDbSecret" not in values.read_text()
    code, _, err = run(cli, repo, "set-app-secret", "old", "adk-agent-db")
    assert code == 2 and "that is the migration's Secret" in err
    code, _, err = run(cli, repo, "set-app-secret", "old", "adk-agent-db-app")
    assert code == 0, err
    assert components_of(repo, "old")[:2] == [
        "../../components/db-postgres",
        "../../components/db-postgres-app-role",
    ]
    data = yaml.safe_load(values.read_text())["data"]
    assert (data["dbSecret"], data["appDbSecret"]) == ("adk-agent-db", "adk-agent-db-app")
    assert "already up to date" in run(cli, repo, "set-app-secret", "old", "adk-agent-db-app")[2]
    # Cloud SQL with IAM authentication: the app needs its own Google service account too.
    run(
        cli,
        repo,
        "new-env",
        "iam",
        *CLOUDSQL,
        "--iam-auth",
        "--app-db-secret",
        "adk-agent-db",
        "--image",
        IMAGE,
    )
    before = tree_hash(repo)
    code, _, err = run(cli, repo, "set-app-secret", "iam", "adk-agent-db-app")
    assert (code, tree_hash(repo)) == (2, before) and "--app-gsa" in err and err.count("\n") == 1
    code, _, err = run(cli, repo, "set-app-secret", "iam", "adk-agent-db-app", "--app-gsa", APP_GSA)
    assert code == 0, err
    assert components_of(repo, "iam")[:3] == [
        "../../components/db-cloudsql",
        "../../components/db-cloudsql-app-role",  # before cloudsql-iam-auth, which drops PGPASSWORD
        "../../components/cloudsql-iam-auth",
    ]
    assert f"appGcpServiceAccount: {APP_GSA}" in (repo / "overlays/iam/values.yaml").read_text()
