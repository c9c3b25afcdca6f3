"""The shipped overlays, rendered by the real renderer, are what Argo CD needs:
the seed's Job fields, the hook annotations, no first-sync deadlock, one image,
native sidecars, and no password spliced into a URL."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

import pytest

from adk_gitops.adk.migration import Strategy, is_lock_wrapper, strategy_of
from adk_gitops.argocd.syncplan import build_plan
from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource
from tests.conftest import REPO, RenderFn

pytestmark = pytest.mark.e2e
OVERLAYS = ("overlays/postgres", "overlays/cloudsql")
# The same flavours with the seed's `adk migrate upgrade` strategy (no migration component).
UPGRADE = {
    "overlays/postgres": "tests/fixtures/overlays/upgrade-postgres",
    "overlays/cloudsql": "tests/fixtures/overlays/upgrade-cloudsql",
    "tests/fixtures/overlays/cloudsql-iam": "tests/fixtures/overlays/upgrade-cloudsql-iam",
}


def one(resources: tuple[Resource, ...], kind: str, name: str | None = None) -> Resource:
    found = [r for r in resources if r.kind == kind and (name is None or r.name == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, got {[r.name for r in found]}"
    return found[0]


def main_container(res: Resource) -> Mapping[str, Any]:
    pod = podspec.pod_spec(res)
    assert pod is not None
    return next(c for c in podspec.containers(pod) if not c.init).body


def pod(res: Resource) -> Mapping[str, Any]:
    spec = podspec.pod_spec(res)
    assert spec is not None
    return spec.spec


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest, render: RenderFn) -> tuple[str, tuple[Resource, ...]]:
    return request.param, render(request.param)


def test_migration_job_keeps_every_seed_field(overlay: tuple[str, tuple[Resource, ...]]) -> None:
    _, resources = overlay
    job = one(resources, "Job")
    spec = job.body["spec"]
    assert job.name == "adk-agent-db-migration"
    assert (spec["ttlSecondsAfterFinished"], spec["backoffLimit"], spec["activeDeadlineSeconds"]) == (
        86400,
        3,
        300,
    )
    assert (spec["parallelism"], spec["completions"]) == (1, 1)
    assert pod(job)["restartPolicy"] == "Never"
    assert pod(job)["automountServiceAccountToken"] is False
    container = main_container(job)
    # The migration lock runs released google-adk's prepare_tables(), with the URL read
    # from the environment.
    assert is_lock_wrapper(container["command"][2]) and container["command"][:2] == ["python", "-c"]
    assert strategy_of([*container["command"], *container["args"]]) is Strategy.PREPARE_TABLES
    assert container["args"][:2] == ["python", "-c"] and len(container["args"]) == 3
    for script in (container["command"][2], container["args"][2]):
        assert "$(" not in script  # nothing for the kubelet to splice in
    sc = container["securityContext"]
    assert sc["runAsNonRoot"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert set(container["resources"]) == {"requests", "limits"}


def test_migration_job_is_a_presync_hook_without_helm_annotations(
    overlay: tuple[str, tuple[Resource, ...]],
) -> None:
    _, resources = overlay
    job = one(resources, "Job")
    assert {k: v for k, v in job.annotations.items() if k.startswith("argocd.argoproj.io/")} == {
        "argocd.argoproj.io/hook": "PreSync",
        "argocd.argoproj.io/sync-wave": "-5",
        "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
    }
    assert not [k for r in resources for k in r.annotations if k.startswith("helm.sh/")]


def test_every_container_runs_as_a_numeric_non_root_user(overlay: tuple[str, tuple[Resource, ...]]) -> None:
    """runAsNonRoot alone refuses `adk deploy gke` images (USER myuser is not numeric)."""
    _, resources = overlay
    for res in resources:
        spec = podspec.pod_spec(res)
        if spec is None:
            continue
        pod_sc = spec.spec.get("securityContext", {})
        assert pod_sc.get("seccompProfile") == {"type": "RuntimeDefault"}, res.id
        for c in podspec.containers(spec):
            sc = {**pod_sc, **c.body.get("securityContext", {})}
            assert sc["runAsNonRoot"] is True, (res.id, c.name)
            assert isinstance(sc["runAsUser"], int) and sc["runAsUser"] > 0, (res.id, c.name)
            assert isinstance(sc["runAsGroup"], int), (res.id, c.name)
            assert sc["allowPrivilegeEscalation"] is False, (res.id, c.name)
            assert sc["capabilities"]["drop"] == ["ALL"], (res.id, c.name)
            assert "memory" in c.body["resources"]["limits"], (res.id, c.name)
            assert {"cpu", "memory"} <= set(c.body["resources"]["requests"]), (res.id, c.name)


def test_first_sync_cannot_deadlock(overlay: tuple[str, tuple[Resource, ...]]) -> None:
    """The Job's ServiceAccount is an earlier PreSync hook, so it exists before the
    Job on the very first sync; the Job precedes every app workload."""
    _, resources = overlay
    job = one(resources, "Job")
    job_sa = pod(job)["serviceAccountName"]
    app_sa = pod(one(resources, "Deployment"))["serviceAccountName"]
    assert job_sa != app_sa, "recreating the hook SA must never touch the app's SA"
    sa = one(resources, "ServiceAccount", job_sa)
    assert sa.annotations["argocd.argoproj.io/hook"] == "PreSync"
    assert sa.annotations["argocd.argoproj.io/sync-wave"] == "-10"
    plan = build_plan(resources, create_namespace=job.namespace)  # the Application's CreateNamespace=true
    assert plan.first_sync_ok, plan.problems
    order = [(t.resource.kind, t.resource.name) for s in plan.steps for t in s.tasks]
    assert (
        order.index(("ServiceAccount", job_sa))
        < order.index(("Job", job.name))
        < order.index(("Deployment", "adk-agent"))
    )
    # The only thing the Job needs that git does not hold: the DB Secret, created before the first sync.
    assert {(p.rule, p.message.split("'")[1]) for p in plan.problems} == {
        ("hook-dependency-preexisting", "adk-agent-db")
    }


def test_job_and_app_share_one_image(overlay: tuple[str, tuple[Resource, ...]]) -> None:
    _, resources = overlay
    job_image = main_container(one(resources, "Job"))["image"]
    app_image = main_container(one(resources, "Deployment"))["image"]
    assert job_image == app_image == "us-docker.pkg.dev/my-project/adk/adk-agent:2026.11.1"


def test_app_never_migrates_and_is_probed_on_health(overlay: tuple[str, tuple[Resource, ...]]) -> None:
    _, resources = overlay
    app = main_container(one(resources, "Deployment"))
    env = {e["name"]: e for e in app["env"]}
    assert env["ADK_AUTO_MIGRATE_DB"] == {"name": "ADK_AUTO_MIGRATE_DB", "value": "false"}
    assert app["ports"] == [{"name": "http", "containerPort": 8000}]
    for probe in ("readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"] == {"path": "/health", "port": "http"}
    assert "--session_service_uri=$(DATABASE_URL)" in app["command"]


def _url_strings(res: Resource) -> list[tuple[Mapping[str, Any], str]]:
    spec = podspec.pod_spec(res)
    out: list[tuple[Mapping[str, Any], str]] = []
    if spec is None:
        return out
    for c in podspec.containers(spec):
        texts = [*c.body.get("command", []), *c.body.get("args", [])]
        texts += [e.get("value", "") for e in c.body.get("env", [])]
        out += [(c.body, t) for t in texts if "://" in t]
    return out


def test_no_password_variable_inside_any_url(overlay: tuple[str, tuple[Resource, ...]]) -> None:
    _, resources = overlay
    for res in resources:
        for container, url in _url_strings(res):
            password_vars = {
                e["name"]
                for e in container.get("env", [])
                if "password" in e.get("valueFrom", {}).get("secretKeyRef", {}).get("key", "")
            }
            assert not any(f"$({v})" in url for v in password_vars), url
            assert "@" not in url, f"credentials in a URL: {url}"


def test_postgres_reads_the_url_from_the_secret(render: RenderFn) -> None:
    """Two roles: the Job as the schema's owner, the app with its own DML-only Secret."""
    resources = render("overlays/postgres")
    for kind, secret in (("Job", "adk-agent-db"), ("Deployment", "adk-agent-db-app")):
        env = {e["name"]: e for e in main_container(one(resources, kind))["env"]}
        assert env["DATABASE_URL"]["valueFrom"] == {"secretKeyRef": {"name": secret, "key": "url"}}


def test_cloudsql_proxy_is_a_hardened_native_sidecar_in_both_workloads(render: RenderFn) -> None:
    resources = render("overlays/cloudsql")
    for kind, secret in (("Job", "adk-agent-db"), ("Deployment", "adk-agent-db-app")):
        res = one(resources, kind)
        spec = pod(res)
        assert [c["name"] for c in spec["containers"]] == ["migration" if kind == "Job" else "agent"]
        proxy = spec["initContainers"][0]  # first: the Deployment's schema gate connects through it
        assert proxy["name"] == "cloud-sql-proxy"
        assert proxy["restartPolicy"] == "Always"
        assert re.fullmatch(r"gcr\.io/cloud-sql-connectors/cloud-sql-proxy:2\.\d+\.\d+", proxy["image"])
        assert proxy["args"][-1] == "my-project:europe-west1:adk-sessions"
        assert {"--structured-logs", "--port=5432", "--health-check", "--http-address=0.0.0.0"} <= set(
            proxy["args"]
        )
        assert proxy["startupProbe"]["httpGet"]["path"] == "/startup"
        sc = proxy["securityContext"]
        assert (sc["runAsUser"], sc["readOnlyRootFilesystem"]) == (65532, True)
        env = {e["name"]: e for e in main_container(res)["env"]}
        assert env["DATABASE_URL"]["value"] == "postgresql+asyncpg://127.0.0.1:5432"
        keys = {n: env[n]["valueFrom"]["secretKeyRef"] for n in ("PGUSER", "PGPASSWORD", "PGDATABASE")}
        assert keys == {
            "PGUSER": {"name": secret, "key": "username"},
            "PGPASSWORD": {"name": secret, "key": "password"},
            "PGDATABASE": {"name": secret, "key": "database"},
        }
    # Each identity its own Google service account: the migration's, and the app's.
    accounts = {
        sa.name: sa.annotations["iam.gke.io/gcp-service-account"]
        for sa in resources
        if sa.kind == "ServiceAccount"
    }
    assert accounts == {
        "adk-agent-migration": "adk-agent@my-project.iam.gserviceaccount.com",
        "adk-agent": "adk-agent-app@my-project.iam.gserviceaccount.com",
    }


def test_overlays_are_data_only() -> None:
    """Flavour logic lives once in components; an overlay holds values, never manifests or patches."""
    for name in ("postgres", "cloudsql"):
        files = sorted(p.name for p in (REPO / "overlays" / name).iterdir())
        assert files == ["kustomization.yaml", "values.yaml"]
        text = (REPO / "overlays" / name / "kustomization.yaml").read_text()
        assert "patches" not in text and "replacements" not in text


def test_iam_auth_component_removes_every_password(render: RenderFn) -> None:
    resources = render("tests/fixtures/overlays/cloudsql-iam")
    for kind in ("Job", "Deployment"):
        res = one(resources, kind)
        (proxy,) = pod(res)["initContainers"]
        assert proxy["args"].count("--auto-iam-authn") == 1
        assert [e["name"] for e in main_container(res)["env"] if e["name"].startswith("PG")] == [
            "PGUSER",
            "PGDATABASE",
        ]


@pytest.mark.parametrize(("shipped", "upgrade"), UPGRADE.items())
def test_the_strategies_differ_only_in_the_migration_command(
    shipped: str, upgrade: str, render: RenderFn
) -> None:
    """Name, hook, wave, delete policy, bounds, securityContext, the Secret contract and
    the command (the migration lock) are the base's whichever strategy an environment
    selects: only the args the lock runs differ."""

    def without_args(path: str) -> tuple[list[str], dict[str, Any]]:
        resources = render(path)
        job = one(resources, "Job")
        body = copy.deepcopy(dict(job.body))
        del body["metadata"]["namespace"]
        (main,) = [c for c in body["spec"]["template"]["spec"]["containers"] if c["name"] == "migration"]
        return main.pop("args"), body

    prepare_args, prepare_job = without_args(shipped)
    upgrade_args, upgrade_job = without_args(upgrade)
    assert prepare_job == upgrade_job
    (command,) = [c["command"] for c in prepare_job["spec"]["template"]["spec"]["containers"]]
    assert command[:2] == ["python", "-c"] and is_lock_wrapper(command[2])
    assert strategy_of([*command, *prepare_args]) is Strategy.PREPARE_TABLES
    assert upgrade_args == ["adk", "migrate", "upgrade", "--db_url", "$(DATABASE_URL)"]  # the seed's
    assert strategy_of([*command, *upgrade_args]) is Strategy.UPGRADE


@pytest.mark.parametrize("overlay", ["overlays/postgres", "overlays/cloudsql"])
def test_the_schema_gate_runs_last_with_the_apps_image_and_credentials(
    overlay: str, render: RenderFn
) -> None:
    """After the Cloud SQL proxy it connects through, with exactly the agent's env
    (the app's own role), read-only; never in the migration Job."""
    resources = render(overlay)
    spec = pod(one(resources, "Deployment"))
    names = [c["name"] for c in spec.get("initContainers", [])]
    assert names == (["cloud-sql-proxy", "schema-gate"] if "cloudsql" in overlay else ["schema-gate"])
    gate, agent = spec["initContainers"][-1], main_container(one(resources, "Deployment"))
    assert gate["env"] == agent["env"] and gate["image"] == agent["image"]
    assert "restartPolicy" not in gate  # a plain init container: the app starts only after it exits 0
    assert gate["securityContext"]["readOnlyRootFilesystem"] is True
    assert "schema-gate" not in [c["name"] for c in pod(one(resources, "Job")).get("initContainers", [])]


def test_the_agent_carries_what_adk_deploy_gke_writes(render: RenderFn) -> None:
    """The label keys and Google Cloud settings released ADK's `adk deploy gke` writes
    (google/adk/cli/cli_deploy.py of the installed google-adk, read here, not retyped)."""
    import inspect

    from google.adk.cli import cli_deploy

    source = inspect.getsource(cli_deploy)
    written = set(re.findall(r"(app\.kubernetes\.io/[a-z-]+): ", source))
    assert written == {
        "app.kubernetes.io/name",
        "app.kubernetes.io/instance",
        "app.kubernetes.io/version",
        "app.kubernetes.io/managed-by",
    }
    deployer_env = set(re.findall(r"- name: (GOOGLE_[A-Z_]+)", source))
    assert {"GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION"} <= deployer_env
    for overlay in ("overlays/postgres", "overlays/cloudsql"):
        deployment = one(render(overlay), "Deployment")
        for labels in (
            deployment.metadata["labels"],
            deployment.body["spec"]["template"]["metadata"]["labels"],
        ):
            assert written <= set(labels), overlay
            assert labels["app.kubernetes.io/instance"] == f"adk-agent-{overlay.split('/')[1]}"
            assert labels["app.kubernetes.io/version"] == "2026.11.1"  # the image's tag
    env = {
        e["name"]: e.get("value")
        for e in main_container(one(render("overlays/cloudsql"), "Deployment"))["env"]
    }
    assert {k: env[k] for k in deployer_env} == {
        "GOOGLE_CLOUD_PROJECT": "my-project",
        "GOOGLE_CLOUD_LOCATION": "europe-west1",
        **{k: "true" for k in deployer_env if k.startswith("GOOGLE_GENAI_USE_")},
    }
    assert env["GOOGLE_GENAI_USE_VERTEXAI"] == env["GOOGLE_GENAI_USE_ENTERPRISE"] == "true"
