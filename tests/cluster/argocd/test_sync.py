"""The shipped repository synced by a real Argo CD v3.6.1 (tests/cluster/argocd/conftest.py),
with the shipped argocd/ objects (only the repository URL changed) into the tests'
real kube-apiserver and kube-controller-manager, the migration Job's command run by
the test kubelet (support/kubelet.py) against a real PostgreSQL with released
google-adk. What the API server sees is recorded by watches (support/watch.py)."""

from __future__ import annotations

import base64
import itertools
import json
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from adk_gitops.adk import podenv
from adk_gitops.commands.app import app
from tests.cluster.argocd.conftest import ArgoCD
from tests.cluster.argocd.support.kubelet import TestKubelet
from tests.cluster.argocd.support.watch import Event, Recorder
from tests.cluster.conftest import TOKEN
from tests.conftest import AdkCli
from tests.e2e.support.postgres import PostgresServer
from tests.e2e.test_migration_postgres import assert_adk_schema

pytestmark = pytest.mark.e2e
JOB = "adk-agent-db-migration"
_DATABASES = itertools.count()
PASSWORD = "p@ss:w/rd#%?$( ) x"  # what breaks a spliced URL: it must not break ours


@dataclass
class Environment:
    """One environment of the shipped repository, on the real Argo CD."""

    name: str  # postgres or cloudsql
    argocd: ArgoCD
    pg: PostgresServer
    python: AdkCli
    database: str
    user: str

    @property
    def namespace(self) -> str:
        return f"adk-agent-{self.name}"

    @property
    def application(self) -> str:
        return f"adk-agent-{self.name}"

    def secret_data(self, password: str) -> dict[str, str]:
        if self.name == "postgres":
            quoted = urllib.parse.quote(password, safe="")
            url = f"postgresql+asyncpg://{self.user}:{quoted}@127.0.0.1:5432/{self.database}"
            return {"url": url}
        return {"username": self.user, "password": password, "database": self.database}

    def create_secret(self, password: str = PASSWORD) -> None:
        """The database Secrets, created out of git as the README says. The app's has
        the migrator's login here: the app's pods never run in these tests (no
        kubelet), and tests/e2e/test_migration_postgres.py proves the two roles."""
        data = {k: base64.b64encode(v.encode()).decode() for k, v in self.secret_data(password).items()}
        for name in ("adk-agent-db", "adk-agent-db-app"):
            manifest = {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": name, "namespace": self.namespace},
                "data": data,
            }
            self.argocd.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))

    def wait_for_namespace(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.argocd.server.kubectl("get", "namespace", self.namespace).returncode != 0:
            assert time.monotonic() < deadline, (
                f"no namespace {self.namespace} in {timeout:.0f} s\n{self.argocd.logs()}"
            )
            time.sleep(0.2)

    def run_migration(self, process: podenv.PreparedProcess) -> int:
        # 127.0.0.1:5432 is where the Cloud SQL proxy would serve: the PostgreSQL's
        # namespace stands in for the pod's (the proxy sidecar itself is not run).
        done = podenv.run(process, search_path=str(self.python.bin_dir), wrapper=self.pg.nsenter, timeout=120)
        return done.returncode


@pytest.fixture()
def environment(
    request: pytest.FixtureRequest, argocd: ArgoCD, pg: PostgresServer, image_python: AdkCli
) -> Iterator[Environment]:
    name = request.param
    n = next(_DATABASES)  # a database of its own per test: the schema assertions are exact
    env = Environment(name, argocd, pg, image_python, f"argocd_{name}_{n}", f"argocd-{name}")
    pg.create_login(env.user, PASSWORD, env.database)
    argocd.apply_argocd_objects("argocd/project.yaml", f"argocd/apps/{name}.yaml")
    yield env
    argocd.delete_application(env.application)
    done = argocd.server.kubectl("delete", "namespace", env.namespace, "--ignore-not-found", "--timeout=120s")
    assert done.returncode == 0, done.stderr


def _cli(argocd: ArgoCD, *args: str) -> list[str]:
    return [sys.executable, "-m", "adk_gitops", *args, "--repo", str(argocd.work), "--kubeconfig",
            str(argocd.server.kubeconfig)]  # fmt: skip


@pytest.mark.parametrize("environment", ["postgres", "cloudsql"], indirect=True)
def test_first_sync_migrates_then_deploys(environment: Environment) -> None:
    env, argocd = environment, environment.argocd
    revision = argocd.commit(f"the shipped repository, {env.name}")
    # preflight before the first sync, on the real cluster: the namespace comes from
    # CreateNamespace=true; the database Secret cannot exist yet (nor its namespace).
    before = subprocess.run(_cli(argocd, "preflight", env.name), capture_output=True, text=True, timeout=120)
    assert before.returncode == 1, before.stdout + before.stderr
    assert f"FAIL reference    Secret {env.namespace}/adk-agent-db" in before.stdout
    recorder = Recorder(argocd.server.url, TOKEN, env.namespace)
    kubelet = TestKubelet(argocd.server, env.namespace, env.run_migration)
    watch: subprocess.Popen[str] | None = None
    try:
        argocd.sync(env.application, revision)
        # The Secret is created once the namespace exists (as an operator, or an External
        # Secrets controller, would); until then the kubelet reports CreateContainerConfigError.
        env.wait_for_namespace()
        # As a user does once the sync runs: follow it.
        watch = subprocess.Popen(
            _cli(argocd, "status", env.name, "--watch", "-o", "json"), stdout=subprocess.PIPE, text=True
        )
        env.create_secret()
        state = argocd.wait_operation(env.application)
        watched = _watched_until_synced(watch)
    finally:
        if watch is not None:
            watch.kill()
            watch.communicate(timeout=30)  # reaps it and closes its pipe
        kubelet.stop()
        recorder.stop()
    assert kubelet.errors == []
    # `status --watch` followed the real sync: the hook running, then the operation done.
    hooks = [h for doc in watched if doc["application"] for h in doc["application"]["hooks"]]
    assert any(h["kind"] == "Job" and h["phase"] == "Running" for h in hooks), watched
    # The real controller's messages while running: (the CreateNamespace Namespace's
    # health, when the watch starts early enough, then) the hook.
    running = [o["message"] for d in watched if d["application"] and (o := d["application"]["operation"])
               and o["phase"] == "Running"]  # fmt: skip
    assert f"waiting for completion of hook batch/Job/{JOB}" in running, running
    assert watched[-1]["application"]["operation"]["phase"] == "Succeeded"
    start = recorder.events()[0].at if recorder.events() else 0.0
    for e in recorder.events():  # the timeline, shown when the test fails
        print(f"{e.at - start:7.2f}s {e.type:8} {e.kind}/{e.name}")
    assert (state["phase"], state["message"]) == ("Succeeded", "successfully synced (all tasks run)"), (
        argocd.logs()
    )
    # Without what Kubernetes' own controllers create: the Job's pods, the namespace's default account.
    created = [c for c in recorder.created() if c[0] != "Pod" and c != ("ServiceAccount", "default")]
    assert created == [
        ("Namespace", env.namespace),
        ("ServiceAccount", "adk-agent-migration"),
        ("Job", JOB),
        ("ServiceAccount", "adk-agent"),
        ("Service", "adk-agent"),
        ("Deployment", "adk-agent"),
    ]
    complete = next(e for e in recorder.events() if e.kind == "Job" and e.condition("Complete"))
    assert complete.at < recorder.first("ADDED", "ServiceAccount", "adk-agent").at
    assert [code for _, code in kubelet.runs] == [0]
    assert_adk_schema(env.pg, env.database, env.user)
    # The app's schema gate is part of the Sync-phase Deployment the real controller applied
    # (its last init container, after the Cloud SQL proxy); its run is proven in tests/e2e.
    deployment = recorder.first("ADDED", "Deployment", "adk-agent").body["spec"]["template"]["spec"]
    assert [c["name"] for c in deployment["initContainers"]][-1] == "schema-gate"


@pytest.mark.parametrize("environment", ["postgres"], indirect=True)
def test_the_project_before_the_fix_is_refused_as_plan_says(environment: Environment) -> None:
    """The AppProject as shipped before it allowed the environment's Namespace: the real
    controller refuses the sync before applying anything, with the message `plan` gives."""
    env, argocd = environment, environment.argocd
    project = argocd.work / "argocd" / "project.yaml"
    shipped = project.read_text()
    doc = yaml.safe_load(shipped)
    doc["spec"]["clusterResourceWhitelist"] = []
    project.write_text(yaml.safe_dump(doc))
    try:
        argocd.apply_argocd_objects("argocd/project.yaml")
        revision = argocd.commit("the AppProject before the fix")
        argocd.sync(env.application, revision)
        state = argocd.wait_operation(env.application)
        planned = CliRunner().invoke(
            app, ["plan", str(argocd.work / "overlays" / env.name), "--repo", str(argocd.work), "-o", "json"]
        )
    finally:
        project.write_text(shipped)
        argocd.apply_argocd_objects("argocd/project.yaml")
        argocd.commit("the shipped AppProject")
    assert state["phase"] == "Failed", state
    assert state["message"] == json.loads(planned.stdout)["refused"]
    assert state["message"] == (
        "one or more synchronization tasks are not valid: "
        "resource :Namespace is not permitted in project adk-agent"
    )
    assert argocd.server.kubectl("get", "namespace", env.namespace).returncode != 0  # nothing was applied


NEW_IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.12.1"


def _first_sync(env: Environment, password: str = PASSWORD) -> tuple[dict[str, Any], TestKubelet]:
    """Commit the working copy, sync it, create the Secret once the namespace exists."""
    revision = env.argocd.commit(f"sync {env.name}")
    kubelet = TestKubelet(env.argocd.server, env.namespace, env.run_migration)
    try:
        env.argocd.sync(env.application, revision)
        env.wait_for_namespace()
        env.create_secret(password)
        return env.argocd.wait_operation(env.application), kubelet
    finally:
        kubelet.stop()


def _images(event: Event) -> list[str]:
    template = event.body["spec"]["template"]["spec"]
    return [c["image"] for c in template["containers"]]


@pytest.mark.parametrize("environment", ["postgres"], indirect=True)
def test_upgrade_recreates_the_job_with_the_new_image_before_the_rollout(environment: Environment) -> None:
    env, argocd = environment, environment.argocd
    state, _ = _first_sync(env)
    assert state["phase"] == "Succeeded", argocd.logs()
    edit = CliRunner().invoke(app, ["set-image", env.name, NEW_IMAGE, "--repo", str(argocd.work)])
    assert edit.exit_code == 0, edit.stderr
    revision = argocd.commit("set-image")
    recorder = Recorder(argocd.server.url, TOKEN, env.namespace)
    kubelet = TestKubelet(argocd.server, env.namespace, env.run_migration)
    try:
        argocd.sync(env.application, revision)
        state = argocd.wait_operation(env.application)
    finally:
        kubelet.stop()
        recorder.stop()
    assert kubelet.errors == []
    assert (state["phase"], state["message"]) == ("Succeeded", "successfully synced (all tasks run)"), (
        argocd.logs()
    )
    # BeforeHookCreation: the old Job goes, then the new one (with the new image) runs,
    # and only after it completed does the Deployment change.
    deleted = recorder.first("DELETED", "Job", JOB)
    added = recorder.first("ADDED", "Job", JOB)
    assert deleted.at < added.at and deleted.uid != added.uid
    assert _images(added) == [NEW_IMAGE]
    complete = next(e for e in recorder.events() if e.uid == added.uid and e.condition("Complete"))
    rollout = next(e for e in recorder.events() if e.kind == "Deployment" and _images(e) == [NEW_IMAGE])
    assert complete.at < rollout.at
    assert [code for _, code in kubelet.runs] == [0]
    assert_adk_schema(env.pg, env.database, env.user)


@pytest.mark.parametrize("environment", ["postgres"], indirect=True)
def test_a_failing_migration_fails_the_sync_and_never_deploys(environment: Environment) -> None:
    env, argocd = environment, environment.argocd
    # Before any sync, the real controller reports the Application OutOfSync: `status` says how to sync.
    code, out = _status_when(env, lambda a: a.get("status", {}).get("sync", {}).get("status") == "OutOfSync")
    assert code == 1, out
    assert f"problem      Application argocd/{env.application}: OutOfSync" in out
    assert f"  fix        `argocd app sync {env.application}`, or enable `syncPolicy.automated`" in out
    recorder = Recorder(argocd.server.url, TOKEN, env.namespace)
    try:
        state, kubelet = _first_sync(env, password="not-the-password")
    finally:
        recorder.stop()
    # The real Job controller retried after 10, 20 and 40 s (backoffLimit 3), then gave up.
    assert [code for _, code in kubelet.runs] == [1, 1, 1, 1]
    assert state["phase"] == "Failed", state
    assert state["message"] == "one or more synchronization tasks completed unsuccessfully"
    hook = next(r for r in state["syncResult"]["resources"] if r["kind"] == "Job")
    assert (hook["hookPhase"], hook["message"]) == ("Failed", "Job has reached the specified backoff limit")
    assert not [e for e in recorder.events() if e.kind == "Deployment"]  # never created
    assert argocd.application(env.application)["status"]["health"]["status"] == "Missing"
    # `status` against this real Application: the failed hook, why, and exit 1.
    result = CliRunner().invoke(
        app, ["status", env.name, "--repo", str(argocd.work), "--kubeconfig", str(argocd.server.kubeconfig)]
    )
    assert result.exit_code == 1, result.stdout
    assert "operation Failed: one or more synchronization tasks completed unsuccessfully" in result.stdout
    assert (
        f"problem      Application argocd/{env.application}: Failed: one or more synchronization tasks "
        "completed unsuccessfully"
    ) in result.stdout
    assert f"  hook       PreSync Job {JOB}: Failed" in result.stdout
    assert "BackoffLimitExceeded" in result.stdout


@pytest.mark.parametrize("environment", ["postgres"], indirect=True)
def test_a_failing_migration_on_an_upgrade_leaves_the_deployment_unchanged(environment: Environment) -> None:
    """A new image whose migration fails (the Secret's password now wrong): the hook fails, the
    operation fails, and the running Deployment keeps its image. To stay within the tests'
    time budget the overlay gives the Job `backoffLimit: 0` here; the Job controller's retries
    are exercised by the first-sync failure above."""
    env, argocd = environment, environment.argocd
    state, _ = _first_sync(env)
    assert state["phase"] == "Succeeded", argocd.logs()
    running = _deployment_images(env)
    kustomization = argocd.work / "overlays" / env.name / "kustomization.yaml"
    shipped = kustomization.read_text()
    image = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.12.2"
    try:
        edit = CliRunner().invoke(app, ["set-image", env.name, image, "--repo", str(argocd.work)])
        assert edit.exit_code == 0, edit.stderr
        kustomization.write_text(
            kustomization.read_text()
            + "patches:\n  - target: {kind: Job}\n"
            + "    patch: |-\n      - {op: replace, path: /spec/backoffLimit, value: 0}\n"
        )
        env.create_secret("not-the-password")
        recorder = Recorder(argocd.server.url, TOKEN, env.namespace)
        kubelet = TestKubelet(argocd.server, env.namespace, env.run_migration)
        try:
            argocd.sync(env.application, argocd.commit("an upgrade whose migration fails"))
            state = argocd.wait_operation(env.application)
        finally:
            kubelet.stop()
            recorder.stop()
    finally:
        kustomization.write_text(shipped)
        argocd.commit("the shipped overlay")
    assert [code for _, code in kubelet.runs] == [1], (state, kubelet.errors)
    assert (state["phase"], state["message"]) == (
        "Failed",
        "one or more synchronization tasks completed unsuccessfully",
    ), argocd.logs()
    added = recorder.first("ADDED", "Job", JOB)
    assert [c["image"] for c in added.body["spec"]["template"]["spec"]["containers"]] == [image]
    assert not [e for e in recorder.events() if e.kind == "Deployment" and _images(e) == [image]]
    assert _deployment_images(env) == running  # the agent still runs the version before
    result = CliRunner().invoke(
        app, ["status", env.name, "--repo", str(argocd.work), "--kubeconfig", str(argocd.server.kubeconfig)]
    )
    assert result.exit_code == 1, result.stdout
    assert "BackoffLimitExceeded" in result.stdout


def _deployment_images(env: Environment) -> list[str]:
    body = json.loads(env.argocd.kubectl("-n", env.namespace, "get", "deployment", "adk-agent", "-o", "json"))
    return [c["image"] for c in body["spec"]["template"]["spec"]["containers"]]


def _status_when(
    env: Environment, ready: Callable[[dict[str, Any]], bool], timeout: float = 60.0
) -> tuple[int, str]:
    """`status`'s exit code and text once the real Application satisfies ``ready``."""
    deadline = time.monotonic() + timeout
    while not ready(env.argocd.application(env.application)):
        assert time.monotonic() < deadline, env.argocd.application(env.application).get("status")
        time.sleep(0.5)
    result = CliRunner().invoke(
        app,
        [
            "status",
            env.name,
            "--repo",
            str(env.argocd.work),
            "--kubeconfig",
            str(env.argocd.server.kubeconfig),
        ],
    )
    return result.exit_code, result.stdout


def _watched_until_synced(watch: subprocess.Popen[str], timeout: float = 60.0) -> list[dict[str, Any]]:
    """The JSON lines `status --watch` printed, up to the one with the operation finished
    (with no node to run the app's pods, health stays Progressing: the watch goes on)."""
    assert watch.stdout is not None
    docs: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = watch.stdout.readline()
        if not line:
            break
        docs.append(json.loads(line))
        operation = (docs[-1]["application"] or {}).get("operation") or {}
        if operation.get("phase") in ("Succeeded", "Failed", "Error"):
            return docs
    raise AssertionError(f"status --watch never showed the finished operation: {docs[-3:]}")
