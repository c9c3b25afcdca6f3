"""``adk-gitops preflight`` against the real kube-apiserver (tests/cluster/conftest.py).

Every answer here is the real server's: its /version, discovery, Namespaces and
Secrets, its strict server-side dry-run and the Pod Security admission plugin.
Each test works in a namespace of its own, labelled for Pod Security."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from adk_gitops.kube.manifests import load_stream
from adk_gitops.live import api
from adk_gitops.live.preflight import Verdict, version_check
from tests.cluster.conftest import ApiServer
from tests.conftest import REPO, copy_example

_numbers = itertools.count()
SECRET_VALUE = "postgresql+asyncpg://agent:s3cr3t-never-printed@db:5432/agent"


@pytest.fixture()
def namespace(argocd_crds: ApiServer) -> Iterator[str]:
    """A fresh namespace with Pod Security labels (warn and audit restricted, as a
    hardened cluster sets them), and the argocd namespace Applications live in."""
    name = f"preflight-{next(_numbers)}"
    argocd_crds.kubectl("create", "namespace", "argocd")  # AlreadyExists after the first test: fine
    done = argocd_crds.kubectl("create", "namespace", name)
    assert done.returncode == 0, done.stderr
    for mode in ("warn", "audit"):
        argocd_crds.kubectl("label", "namespace", name, f"pod-security.kubernetes.io/{mode}=restricted")
    yield name
    argocd_crds.kubectl("delete", "namespace", name, "--wait=false")


def _example(tmp_path: Path, namespace: str) -> Path:
    """The shipped example, its postgres environment pointed at ``namespace``."""
    root = copy_example(tmp_path / "repo")
    (root / ".git").mkdir()
    kustomization = root / "overlays/postgres/kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text().replace("namespace: adk-agent-postgres", f"namespace: {namespace}")
    )
    app_file = root / "argocd/apps/postgres.yaml"
    app_file.write_text(
        app_file.read_text().replace("namespace: adk-agent-postgres", f"namespace: {namespace}")
    )
    return root


def _preflight(server: ApiServer, root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["preflight", "postgres", "--repo", str(root), "--kubeconfig", str(server.kubeconfig), *args]
    )
    return result.exit_code, result.stdout, result.stderr


def _secret(server: ApiServer, namespace: str, **data: str) -> None:
    """Both roles' Secrets (the migration's and the app's), with the same keys."""
    literals = [f"--from-literal={k}={v}" for k, v in data.items()]
    for name in ("adk-agent-db", "adk-agent-db-app"):
        done = server.kubectl("-n", namespace, "create", "secret", "generic", name, *literals)
        assert done.returncode == 0, done.stderr


def test_secret_missing_is_not_ready_with_the_command_that_fixes_it(
    argocd_crds: ApiServer, namespace: str, tmp_path: Path
) -> None:
    code, out, _ = _preflight(argocd_crds, _example(tmp_path, namespace))
    assert code == 1
    # The migration's Secret and the app's (its schema gate included), as the README shows them.
    readers = {
        "adk-agent-db": "batch/Job {ns}/adk-agent-db-migration",
        "adk-agent-db-app": "apps/Deployment {ns}/adk-agent",
    }
    failed = [line for line in out.splitlines() if line.startswith("FAIL reference")]
    assert failed == [
        f"FAIL reference    Secret {namespace}/{name}: not found; read by {reader.format(ns=namespace)}"
        for name, reader in readers.items()
    ], out
    for name in readers:
        assert f"fix: kubectl -n {namespace} create secret generic {name} --from-literal=url=..." in out
    assert out.rstrip().endswith("not ready: 2 to fix")


def test_secret_key_missing_names_keys_never_values(
    argocd_crds: ApiServer, namespace: str, tmp_path: Path
) -> None:
    _secret(argocd_crds, namespace, password=SECRET_VALUE, username="agent")
    code, out, err = _preflight(argocd_crds, _example(tmp_path, namespace))
    assert code == 1
    assert f"Secret {namespace}/adk-agent-db: has no key url (keys: password, username)" in out
    assert f"Secret {namespace}/adk-agent-db-app: has no key url (keys: password, username)" in out
    assert SECRET_VALUE not in out + err and "agent@" not in out + err


def test_secret_present_everything_accepted_is_ready(
    argocd_crds: ApiServer, namespace: str, tmp_path: Path
) -> None:
    _secret(argocd_crds, namespace, url=SECRET_VALUE)
    code, out, err = _preflight(argocd_crds, _example(tmp_path, namespace), "-o", "json")
    assert code == 0, out
    doc = json.loads(out)
    jsonschema.validate(
        doc, json.loads((REPO / "cli/adk_gitops/reporters/schemas/output-preflight.json").read_text())
    )
    assert doc["schema_version"] == 1 and doc["ready"] is True
    assert doc["server_version"] == "v1.34.4"
    verdicts = {(c["topic"], c["subject"]): c["verdict"] for c in doc["checks"]}
    assert verdicts[("reference", f"Secret {namespace}/adk-agent-db")] == "ok"
    assert verdicts[("reference", f"Secret {namespace}/adk-agent-db-app")] == "ok"
    assert verdicts[("dry-run", f"Job {namespace}/adk-agent-db-migration")] == "ok"
    assert verdicts[("dry-run", f"Deployment {namespace}/adk-agent")] == "ok"  # restricted-clean
    assert verdicts[("argocd", "Argo CD")] == "ok"
    assert SECRET_VALUE not in out + err


def test_a_hook_left_by_the_last_sync_is_dry_run_as_a_new_one(
    argocd_crds: ApiServer, namespace: str, tmp_path: Path
) -> None:
    """Argo CD deletes and recreates hooks (BeforeHookCreation): an existing Job
    must not turn the dry-run into an update of its immutable template."""
    root = _example(tmp_path, namespace)
    _secret(argocd_crds, namespace, url=SECRET_VALUE)
    rendered = CliRunner().invoke(app, ["render", str(root / "overlays/postgres"), "--repo", str(root)])
    assert rendered.exit_code == 0, rendered.stderr
    job = next(r for r in load_stream(rendered.stdout) if r.kind == "Job")
    old_body = json.loads(json.dumps(job.body))
    old_body["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.example/agent:old"
    old = json.dumps(old_body)  # an update of this Job's template would be refused as immutable
    done = argocd_crds.kubectl("apply", "-f", "-", stdin=old)
    assert done.returncode == 0, done.stderr
    code, out, _ = _preflight(argocd_crds, root)
    assert code == 0, out
    assert f"ok   dry-run      Job {namespace}/adk-agent-db-migration: accepted" in out


def _repo_with(tmp_path: Path, manifests: str) -> Path:
    root = tmp_path / "plain"
    (root / "overlays/postgres").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "overlays/postgres/app.yaml").write_text(manifests)
    return root


WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: nginx}}]
"""


def test_a_manifest_the_server_rejects_is_one_line_in_its_own_words(
    argocd_crds: ApiServer, namespace: str, tmp_path: Path
) -> None:
    service = (
        f"apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: {namespace}}}\n"
        "spec:\n  ports: [{port: 80, protocol: TCPX}]\n"
    )
    code, out, _ = _preflight(argocd_crds, _repo_with(tmp_path, service))
    assert code == 1
    assert (
        f'FAIL dry-run      Service {namespace}/web: rejected by the API server: Service "web" is invalid: '
        'spec.ports[0].protocol: Unsupported value: "TCPX": supported values: "SCTP", "TCP", "UDP"'
    ) in out


def test_pod_security_restricted_warns_and_fails_only_where_enforced(
    argocd_crds: ApiServer, namespace: str, tmp_path: Path
) -> None:
    root = _repo_with(tmp_path, WEB.format(ns=namespace))
    code, out, _ = _preflight(argocd_crds, root)
    assert code == 0, out  # warn=restricted: the sync works, the warning is shown
    assert (
        f'warn pod-security Deployment {namespace}/web: would violate PodSecurity "restricted:latest": '
        in out
    )
    assert 'container "web" must set securityContext.allowPrivilegeEscalation=false' in out
    argocd_crds.kubectl("label", "namespace", namespace, "pod-security.kubernetes.io/enforce=restricted")
    code, out, _ = _preflight(argocd_crds, root)
    assert code == 1
    assert (
        f"FAIL pod-security Deployment {namespace}/web: the namespace enforces Pod Security 'restricted'"
        in out
    )


def test_a_missing_namespace_names_what_creates_it(argocd_crds: ApiServer, tmp_path: Path) -> None:
    root = _example(tmp_path, "preflight-never-created")
    code, out, _ = _preflight(argocd_crds, root)
    assert code == 1
    assert (
        "ok   namespace    Namespace preflight-never-created: does not exist yet; "
        "Application adk-agent-postgres creates it (CreateNamespace=true)"
    ) in out
    assert "not found (namespace preflight-never-created does not exist yet)" in out
    assert "skip dry-run      Namespace preflight-never-created: 5 namespaced objects not dry-run" in out


@pytest.fixture()
def without_argocd(argocd_crds: ApiServer) -> Iterator[ApiServer]:
    """The Application CRD deleted for one test, then installed again."""
    crd = argocd_crds.kubectl("get", "crd", "applications.argoproj.io", "-o", "json").stdout
    done = argocd_crds.kubectl("delete", "crd", "applications.argoproj.io", "--wait=true")
    assert done.returncode == 0, done.stderr
    try:
        yield argocd_crds
    finally:
        body = json.loads(crd)
        body["metadata"] = {"name": body["metadata"]["name"]}
        body.pop("status", None)
        done = argocd_crds.kubectl("create", "-f", "-", stdin=json.dumps(body))
        assert done.returncode == 0, done.stderr
        argocd_crds.kubectl(
            "wait", "--for=condition=Established", "crd/applications.argoproj.io", "--timeout=60s"
        )


def test_argocd_crds_absent(without_argocd: ApiServer, namespace: str, tmp_path: Path) -> None:
    _secret(without_argocd, namespace, url=SECRET_VALUE)
    code, out, _ = _preflight(without_argocd, _example(tmp_path, namespace))
    assert code == 1
    assert (
        "FAIL argocd       Argo CD: Argo CD is not installed: the cluster serves no "
        "argoproj.io/v1alpha1 Application (CRD missing)"
    ) in out


def test_version_too_old_for_a_native_sidecar_from_the_real_version(
    apiserver: ApiServer, tmp_path: Path
) -> None:
    """The version check is fed the real server's /version answer; an older
    server is that same answer with its minor set to 28 (no 1.28 server can be
    built here: emulation reaches back three minors)."""
    from adk_gitops.kustomize.renderer import find_renderer

    real = dict(api.connect(apiserver.kubeconfig, None).version())
    cloudsql = load_stream(find_renderer().build(copy_example(tmp_path) / "overlays/cloudsql"))
    assert version_check(real, cloudsql).verdict is Verdict.OK
    old = {**real, "minor": "28", "gitVersion": "v1.28.15"}
    check = version_check(old, cloudsql)
    assert check.verdict is Verdict.FAIL
    assert check.message.startswith(
        "Kubernetes v1.28.15 is older than 1.29: the native sidecar of apps/Deployment"
    )
    assert check.fix == "upgrade the control plane and every node pool to 1.29 or later"
    gke = {**real, "minor": "28+", "gitVersion": "v1.28.15-gke.1"}
    assert version_check(gke, cloudsql).verdict is Verdict.FAIL


def test_cannot_connect_is_exit_2_in_one_line(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    (root / ".git").mkdir()
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\n"
        "clusters: [{name: t, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "users: [{name: a, user: {token: x}}]\n"
        "contexts: [{name: t, context: {cluster: t, user: a}}]\ncurrent-context: t\n"
    )
    result = CliRunner().invoke(
        app, ["preflight", "postgres", "--repo", str(root), "--kubeconfig", str(kubeconfig)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("adk-gitops: error: cannot reach https://127.0.0.1:1: ")
    assert len(result.stderr.splitlines()) == 1
    missing = CliRunner().invoke(
        app,
        ["preflight", "postgres", "--repo", str(root), "--kubeconfig", str(kubeconfig), "--context", "zz"],
    )
    assert missing.exit_code == 2
    assert missing.stderr.endswith(': context "zz" does not exist\n'), missing.stderr


def test_without_permissions_nothing_is_guessed(
    argocd_crds: ApiServer, namespace: str, tmp_path: Path
) -> None:
    """As a user with no role, the real server answers 403 to every read: preflight
    says what it could not check instead of reporting things missing, and does
    not call that ready."""
    _secret(argocd_crds, namespace, url=SECRET_VALUE)
    root = _example(tmp_path, namespace)
    result = CliRunner().invoke(
        app,
        ["preflight", "postgres", "--repo", str(root), "--kubeconfig", str(argocd_crds.viewer_kubeconfig)],
    )
    out = result.stdout
    assert f"deny namespace    Namespace {namespace}: cannot read it (403: " in out
    assert f"deny reference    Secret {namespace}/adk-agent-db: cannot read it (403: " in out
    denied_job = (
        f"deny dry-run      Job {namespace}/adk-agent-db-migration: not dry-run: your credentials may not"
    )
    assert denied_job in out
    assert "FAIL" not in out
    assert result.exit_code == 1, out  # not verified is not ready
    assert out.rstrip().endswith("not ready: 0 to fix, 9 not verified (permission denied)")
