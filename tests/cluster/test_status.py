"""``adk-gitops status`` against the real kube-apiserver and kube-controller-manager
(tests/cluster/conftest.py).

Real here: the API server, the Job controller (it creates the migration pod,
marks the Job Complete, DeadlineExceeded or BackoffLimitExceeded, and records
FailedCreate when the ServiceAccount admission plugin refuses the pod).

What `status` says of an Application (OutOfSync, a running hook, a failed operation)
is tested against the real Argo CD controller in tests/cluster/argocd/test_sync.py;
these tests are about the Job and its pods: they apply the rendered objects as a
sync would, and the Application as a user does (no controller gives it a status
here). Played here, and said at each place:
- **the kubelet**: no node runs pods, so where a test needs a container's state
  (waiting with CreateContainerConfigError, terminated with an exit code) it
  writes the pod's status as the kubelet would report it;
- **one Application**, Synced and Healthy: the real controller here reports the
  app's Deployment Progressing forever, since no kubelet runs its pods.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from adk_gitops.kube.manifests import load_stream
from tests.cluster.conftest import ApiServer
from tests.conftest import REPO, copy_example

_numbers = itertools.count()
SCHEMA = json.loads((REPO / "cli/adk_gitops/reporters/schemas/output-status.json").read_text())
JOB = "adk-agent-db-migration"


class Env:
    """One environment of the example in a namespace of its own."""

    def __init__(self, server: ApiServer, root: Path, namespace: str) -> None:
        self.server, self.root, self.namespace = server, root, namespace
        rendered = CliRunner().invoke(app, ["render", str(root / "overlays/postgres"), "--repo", str(root)])
        assert rendered.exit_code == 0, rendered.stderr
        self.objects = [dict(r.body) for r in load_stream(rendered.stdout)]

    def kubectl(self, *args: str, stdin: str = "") -> str:
        done = self.server.kubectl(*args, stdin=stdin)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def sync(
        self, *, skip: tuple[str, ...] = (), job: Callable[[dict[str, Any]], None] | None = None
    ) -> None:
        """Plays Argo CD's sync: apply the rendered objects (a Job edited by ``job``)
        and the Application as a user does."""
        self.application()
        for obj in self.objects:
            if obj["kind"] in skip:
                continue
            if obj["kind"] == "Job" and job is not None:
                obj = json.loads(json.dumps(obj))
                job(obj)
            self.kubectl("apply", "-f", "-", stdin=json.dumps(obj))

    def application(self, *, synced_and_healthy: bool = False) -> None:
        """The Application as `kubectl apply` creates it: no status until a controller
        reconciles it, and none runs in this module. ``synced_and_healthy`` plays the
        controller after a completed sync with the app Healthy (the one state the real
        controller cannot reach here; module docstring)."""
        revision = "0" * 40
        body: dict[str, Any] = {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": "adk-agent-postgres", "namespace": "argocd"},
            "spec": {
                "project": "default",
                "source": {"repoURL": "https://example.invalid/r.git", "path": "overlays/postgres"},
                "destination": {"server": "https://kubernetes.default.svc", "namespace": self.namespace},
            },
        }
        if synced_and_healthy:
            body["status"] = {
                "sync": {"status": "Synced", "revision": revision},
                "health": {"status": "Healthy"},
                "operationState": {
                    "phase": "Succeeded",
                    "message": "successfully synced (all tasks run)",
                    "operation": {"sync": {"revision": revision}},
                    "startedAt": "2026-11-25T12:00:00Z",
                    "syncResult": {
                        "revision": revision,
                        "resources": [
                            {"group": "batch", "version": "v1", "kind": "Job", "namespace": self.namespace,
                             "name": JOB, "hookType": "PreSync", "hookPhase": "Succeeded",
                             "message": "Reached expected number of succeeded pods", "syncPhase": "PreSync"}
                        ],
                    },
                },
            }  # fmt: skip
        self.server.kubectl(
            "delete", "application", "-n", "argocd", "adk-agent-postgres", "--ignore-not-found"
        )
        self.kubectl("create", "-f", "-", stdin=json.dumps(body))

    def pod(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            names = self.kubectl(
                "-n", self.namespace, "get", "pods", "-l", f"batch.kubernetes.io/job-name={JOB}", "-o", "name"
            ).split()
            if names:
                return names[0].removeprefix("pod/")
            time.sleep(0.3)
        raise AssertionError("the Job controller created no pod in 30 s")

    def kubelet(self, pod: str, phase: str, state: dict[str, Any]) -> None:
        """Plays the kubelet: writes the pod's phase and its migration container's
        state as the kubelet would report them."""
        container = {"name": "migration", "ready": False, "restartCount": 0, "image": "x", "imageID": ""}
        status = {"phase": phase, "containerStatuses": [{**container, "state": state}]}
        self.kubectl(
            "-n", self.namespace, "patch", "pod", pod, "--subresource=status", "--type=merge",
            "-p", json.dumps({"status": status}),
        )  # fmt: skip

    def wait_job(self, condition: str) -> None:
        self.kubectl(
            "-n", self.namespace, "wait", f"job/{JOB}", f"--for=condition={condition}", "--timeout=60s"
        )

    def status(self, *args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(
            app,
            [
                "status",
                "postgres",
                "--repo",
                str(self.root),
                "--kubeconfig",
                str(self.server.kubeconfig),
                *args,
            ],
        )
        return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def env(argocd_crds: ApiServer, tmp_path: Path) -> Iterator[Env]:
    namespace = f"status-{next(_numbers)}"
    root = copy_example(tmp_path / "repo")
    (root / ".git").mkdir()
    kustomization = root / "overlays/postgres/kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text().replace("namespace: adk-agent-postgres", f"namespace: {namespace}")
    )
    argocd_crds.kubectl("create", "namespace", "argocd")  # AlreadyExists after the first test: fine
    assert argocd_crds.kubectl("create", "namespace", namespace).returncode == 0
    argocd_crds.kubectl(
        "label", "namespace", namespace,
        "pod-security.kubernetes.io/enforce=restricted", "pod-security.kubernetes.io/warn=restricted",
    )  # fmt: skip
    argocd_crds.kubectl(
        "-n",
        namespace,
        "create",
        "secret",
        "generic",
        "adk-agent-db",
        "--from-literal=url=postgresql+asyncpg://x",
    )
    yield Env(argocd_crds, root, namespace)
    argocd_crds.kubectl("delete", "application", "-n", "argocd", "adk-agent-postgres", "--ignore-not-found")
    argocd_crds.kubectl("delete", "namespace", namespace, "--wait=false")


def test_job_running_is_in_progress(env: Env) -> None:
    env.sync()
    env.pod()
    # Argo CD's BeforeHookCreation: the last sync's Job is deleted, a new one created.
    env.kubectl("-n", env.namespace, "delete", "job", JOB, "--cascade=foreground")
    env.sync()
    pod = env.pod()
    code, out, _ = env.status()
    assert code == 3, out
    assert f"job          {env.namespace}/{JOB}: running (active 1, succeeded 0, failed 0, started " in out
    assert f"  pod        {pod}: Pending; migration not started" in out
    assert out.count("SuccessfulCreate") == 1  # the deleted Job's events are not this one's
    assert out.rstrip().endswith("status: in progress")


def test_job_succeeded_and_application_synced_healthy(env: Env) -> None:
    env.sync()
    pod = env.pod()
    finished = {"terminated": {"exitCode": 0, "reason": "Completed"}}
    env.kubelet(pod, "Succeeded", finished)
    env.wait_job("Complete")  # the real Job controller's verdict
    env.application(synced_and_healthy=True)
    code, out, _ = env.status()
    assert code == 0, out
    assert f"job          {env.namespace}/{JOB}: succeeded (active 0, succeeded 1, failed 0" in out
    assert "sync Synced, health Healthy, operation Succeeded" in out
    assert "problem" not in out
    assert out.rstrip().endswith("status: synced and healthy")


def test_job_failed_by_deadline(env: Env) -> None:
    def short(job: dict[str, Any]) -> None:
        job["spec"]["activeDeadlineSeconds"] = 1

    env.sync(job=short)
    env.wait_job("Failed")
    code, out, _ = env.status()
    assert code == 1, out
    assert f"job          {env.namespace}/{JOB}: failed" in out
    assert "  condition  Failed: DeadlineExceeded: Job was active longer than specified deadline" in out
    assert f"problem      Job {env.namespace}/{JOB}: Failed: DeadlineExceeded:" in out
    assert "  cause      the Job ran past `activeDeadlineSeconds` (300 s)" in out


def test_job_failed_by_backoff_shows_why_logs_are_missing(env: Env) -> None:
    def no_retry(job: dict[str, Any]) -> None:
        job["spec"]["backoffLimit"] = 0

    env.sync(job=no_retry)
    pod = env.pod()
    crashed = {"terminated": {"exitCode": 1, "reason": "Error"}}
    env.kubelet(pod, "Failed", crashed)
    env.wait_job("Failed")
    code, out, _ = env.status("--logs", "5")
    assert code == 1, out
    assert "  condition  Failed: BackoffLimitExceeded: Job has reached the specified backoff limit" in out
    assert f"  pod        {pod}: Failed; migration terminated Error (exit 1)" in out
    # The real API server answers a log request for a pod no node ran with 200 and
    # no body (pkg/registry/core/pod/rest/log.go: no node, no location): said so.
    assert f"  logs       {pod}/migration: none served" in out, out
    assert "problem      Job" in out and "BackoffLimitExceeded" in out


def test_job_without_pods_because_its_service_account_is_missing(env: Env) -> None:
    env.sync(skip=("ServiceAccount",))
    deadline = time.monotonic() + 30
    while True:  # the Job controller retries and records FailedCreate (real, from the controller-manager)
        code, out, _ = env.status()
        if "FailedCreate" in out or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert code == 1, out
    assert "  pods       none" in out
    assert "Warning FailedCreate" in out and 'serviceaccount "adk-agent-migration" not found' in out
    assert f"problem      Job {JOB}: FailedCreate: Error creating: pods " in out
    assert "  cause      the migration's ServiceAccount does not exist" in out


def test_pod_in_create_container_config_error(env: Env) -> None:
    env.sync()
    pod = env.pod()
    waiting = {
        "waiting": {"reason": "CreateContainerConfigError", "message": 'secret "adk-agent-db" not found'}
    }
    env.kubelet(pod, "Pending", waiting)
    code, out, _ = env.status()
    assert code == 1, out  # stuck: the hook cannot finish until the Secret exists
    problem = f"problem      pod {pod} container migration: CreateContainerConfigError: "
    assert problem + 'secret "adk-agent-db" not found' in out
    assert (
        "  fix        create it with the documented keys; `adk-gitops preflight postgres` names them" in out
    )


def test_json_follows_its_schema_and_watch_follows_to_the_end(env: Env) -> None:
    def short(job: dict[str, Any]) -> None:
        job["spec"]["activeDeadlineSeconds"] = 2

    env.sync(job=short)
    code, out, _ = env.status("-o", "json")
    assert code == 3
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["phase"] == "progressing" and doc["jobs"][0]["state"] == "running"
    # --watch: JSON Lines until the Job settles (the real controller fails it at its deadline).
    code, out, _ = env.status("-o", "json", "--watch")
    docs = [json.loads(line) for line in out.splitlines()]
    for each in docs:
        jsonschema.validate(each, SCHEMA)
    assert docs[-1]["jobs"][0]["state"] == "failed" and code == 1
    assert [d["id"] for d in docs[-1]["problems"]] == ["deadline"]


def test_watch_on_a_terminal_redraws_in_place_until_the_job_settles(env: Env) -> None:
    """--watch in a real pseudo-terminal: each change is drawn from the top of a
    cleared screen, and the command exits once the real Job controller fails the
    Job at its deadline."""
    import os
    import pty
    import subprocess
    import sys

    def short(job: dict[str, Any]) -> None:
        job["spec"]["activeDeadlineSeconds"] = 2

    env.sync(job=short)
    leader, follower = pty.openpty()
    argv = [sys.executable, "-m", "adk_gitops", "status", "postgres", "--watch", "--repo", str(env.root)]
    process = subprocess.Popen(
        [*argv, "--kubeconfig", str(env.server.kubeconfig)], stdout=follower, stderr=subprocess.DEVNULL
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end closed: the command exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    code = process.wait(timeout=120)
    screen = b"".join(chunks).decode()
    frames = screen.split("\x1b[H\x1b[2J")
    assert frames[0] == "" and len(frames) >= 3, screen[:500]  # the first frame, and at least one redraw
    assert "status: in progress" in frames[1]
    assert frames[-1].rstrip().endswith("status: failed: see the problems above")
    assert code == 1
