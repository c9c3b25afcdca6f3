"""A real Argo CD v3.6.1 for the end-to-end sync tests: its application-controller
and repo-server (upstream code, built by scripts/install-argocd.py) and a redis,
syncing from a local bare git repository (``file://``) into the cluster tests'
real kube-apiserver and kube-controller-manager.

The Argo CD processes run in a private network namespace (the controller's metrics
server binds 0.0.0.0, and v3.6.1 has no flag to change that); they reach the API
server through a byte relay over a unix socket (support/relay.py). Everything is
stopped by PID when the package's tests end, so the controller never touches the
Applications the cluster tests write by hand. Facts and recipe:
../shared/reference/argocd-real.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.conftest import TOKEN, ApiServer, _stop, _with_parent, installed
from tests.conftest import copy_example, require

SUPPORT = Path(__file__).resolve().parent / "support"
SHIPPED_REPO_URL = "https://github.com/example/adk-agent-gitops.git"
START_TIMEOUT_S = 90.0
# Ports inside the private network namespace: nothing else listens there.
API_PORT, REDIS_PORT, REPO_PORT, REPO_METRICS, CONTROLLER_METRICS = 6443, 6379, 8081, 8084, 8082


def _cached_argocd() -> Path | None:
    paths = installed("install-argocd.py")
    return paths[0] if len(paths) == 1 and (paths[0] / "bin" / "argocd").is_file() else None


def _git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "adk-gitops tests",
        "GIT_AUTHOR_EMAIL": "tests@adk-gitops.invalid",
        "GIT_COMMITTER_NAME": "adk-gitops tests",
        "GIT_COMMITTER_EMAIL": "tests@adk-gitops.invalid",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@dataclass
class ArgoCD:
    server: ApiServer
    root: Path
    holder: subprocess.Popen[bytes]
    work: Path  # the working copy: edit, then commit() to serve it
    repo_url: str  # file:// of the bare repository the repo-server reads
    _previous: dict[str, str | None] = field(default_factory=dict)  # the last operation's startedAt

    @property
    def nsenter(self) -> list[str]:
        return [str(shutil.which("nsenter")), "-t", str(self.holder.pid), "-n", "--"]

    def commit(self, message: str) -> str:
        """Commit the working copy and push it to the served repository; its SHA."""
        _git(self.work, "add", "-A")
        _git(self.work, "commit", "-q", "--allow-empty", "-m", message)
        _git(self.work, "push", "-q", "origin", "HEAD:main")
        return _git(self.work, "rev-parse", "HEAD")

    def kubectl(self, *args: str, stdin: str = "") -> str:
        done = self.server.kubectl(*args, stdin=stdin)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def apply_argocd_objects(self, *files: str) -> None:
        """The working copy's argocd/ objects, as the app of apps would apply them."""
        for file in files:
            self.kubectl("apply", "-n", "argocd", "-f", str(self.work / file))

    def application(self, name: str) -> dict[str, Any]:
        return dict(json.loads(self.kubectl("get", "application", "-n", "argocd", name, "-o", "json")))

    def sync(self, name: str, revision: str) -> None:
        """Start a sync as `argocd app sync` does: a merge patch of the Application's operation."""
        app = self.application(name)
        self._previous[name] = (app.get("status", {}).get("operationState") or {}).get("startedAt")
        patch = {
            "operation": {
                "sync": {
                    "source": app["spec"]["source"],
                    "revision": revision,
                    "syncOptions": app["spec"].get("syncPolicy", {}).get("syncOptions", []),
                },
                "initiatedBy": {"username": "adk-gitops-tests"},
            }
        }
        self.kubectl("patch", "application", "-n", "argocd", name, "--type=merge", "-p", json.dumps(patch))

    def wait_operation(self, name: str, timeout: float = 240.0) -> dict[str, Any]:
        """The state of the operation sync() started, once finished (Succeeded, Failed or
        Error): not the previous one's, which the Application shows until the controller
        takes the new operation (its `operation` field cleared, a new startedAt)."""
        deadline = time.monotonic() + timeout
        state: dict[str, Any] = {}
        previous = self._previous.get(name)
        while time.monotonic() < deadline:
            app = self.application(name)
            state = app.get("status", {}).get("operationState") or {}
            started = state.get("startedAt")
            if (
                "operation" not in app
                and started is not None
                and started != previous
                and state.get("phase") in ("Succeeded", "Failed", "Error")
            ):
                return state
            time.sleep(0.5)
        raise AssertionError(f"operation of {name} not finished in {timeout:.0f} s: {state}\n{self.logs()}")

    def logs(self) -> str:
        tails = []
        for name in ("application-controller", "repo-server"):
            text = (self.root / f"{name}.log").read_text(errors="replace")
            tails.append(f"--- {name} (last lines)\n" + "\n".join(text.splitlines()[-15:]))
        return "\n".join(tails)

    def delete_application(self, name: str) -> None:
        """Delete it and, through its resources finalizer, what it deployed; wait for both."""
        self.server.kubectl(
            "delete", "application", "-n", "argocd", name, "--ignore-not-found", "--wait=false"
        )
        deadline = time.monotonic() + 120
        while self.server.kubectl("get", "application", "-n", "argocd", name).returncode == 0:
            assert time.monotonic() < deadline, f"Application {name} not deleted in 120 s\n{self.logs()}"
            time.sleep(0.5)


def _kustomize_wrapper(bin_dir: Path) -> None:
    """What the Argo CD image ships as `kustomize`: here the pinned kubectl's kustomize
    (the renderer the project pins), answering `kustomize version` as kustomize does."""
    kubectl = Path(sys.executable).parent / "kubectl"
    wrapper = bin_dir / "kustomize"
    wrapper.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = version ]; then echo v5.6.0; exit 0; fi\n'
        f'if [ "$1" = build ]; then shift; exec {kubectl} kustomize "$@"; fi\n'
        'echo "kustomize (test wrapper): only version and build" >&2; exit 2\n'
    )
    wrapper.chmod(0o755)


def _served_repository(root: Path) -> tuple[Path, str]:
    """The shipped example, its repository URL the only change, as a working copy
    whose `origin` is a bare repository served over file://."""
    bare = root / "served.git"
    url = f"file://{bare}"
    _git(root, "init", "-q", "--bare", "-b", "main", str(bare))
    work = copy_example(root / "work")
    for file in [*sorted((work / "argocd").rglob("*.yaml")), work / "adk-gitops.yaml"]:
        file.write_text(file.read_text().replace(SHIPPED_REPO_URL, url))
    _git(work, "init", "-q", "-b", "main")
    _git(work, "remote", "add", "origin", url)
    return work, url


def _listening(nsenter: list[str], port: int) -> bool:
    probe = f"import socket; socket.create_connection(('127.0.0.1', {port}), 1).close()"
    return (
        subprocess.run([*nsenter, sys.executable, "-c", probe], capture_output=True, timeout=10).returncode
        == 0
    )


@pytest.fixture(scope="package")
def argocd(argocd_crds: ApiServer) -> Iterator[ArgoCD]:
    for tool in ("unshare", "nsenter", "ip", "redis-server", "git"):
        if shutil.which(tool) is None:
            require("Argo CD", f"{tool} not found (bash .ci/run installs it)")
    if os.geteuid() != 0:
        require("Argo CD", "must run as root (a private network namespace)")
    cache = _cached_argocd()
    if cache is None:
        require("Argo CD", "scripts/install-argocd.py could not build it (Go and the module proxy needed)")
    assert cache is not None
    # Not under pytest's tmp_path: a short path (unix socket names are limited to 107 bytes).
    root = Path(tempfile.mkdtemp(prefix="adk-gitops-argocd-"))
    for folder in ("bin", "home", "tmp", "tls", "ssh", "gnupg", "gpg"):
        (root / folder).mkdir()
    (root / "gnupg").chmod(0o700)
    _kustomize_wrapper(root / "bin")
    work, url = _served_repository(root)

    host_port = int(argocd_crds.url.rsplit(":", 1)[1])
    processes: list[subprocess.Popen[bytes]] = []
    logs = []

    def start(name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = (root / f"{name}.log").open("wb")
        logs.append(log)
        processes.append(
            subprocess.Popen(_with_parent(argv), stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
        )

    holder = subprocess.Popen(_with_parent(["unshare", "-n", "--", "sleep", "infinity"]))
    try:
        mine = Path("/proc/self/ns/net").readlink()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{holder.pid}/ns/net").readlink() == mine:
            assert time.monotonic() < deadline, "unshare -n did not create a network namespace"
            time.sleep(0.01)
        argo = ArgoCD(argocd_crds, root, holder, work, url)
        ns = argo.nsenter
        subprocess.run([*ns, "ip", "link", "set", "lo", "up"], check=True, timeout=30)
        relay = [sys.executable, str(SUPPORT / "relay.py")]
        start("relay-host", [*relay, "unix-to-tcp", str(root / "api.sock"), str(host_port)])
        start("relay-netns", [*ns, *relay, "tcp-to-unix", str(API_PORT), str(root / "api.sock")])
        kubeconfig = root / "kubeconfig"
        server = f"https://127.0.0.1:{API_PORT}"
        kubeconfig.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters: [{{name: t, cluster: {{server: '{server}', insecure-skip-tls-verify: true}}}}]\n"
            f"users: [{{name: a, user: {{token: {TOKEN}}}}}]\n"
            "contexts: [{name: t, context: {cluster: t, user: a, namespace: argocd}}]\n"
            "current-context: t\n"
        )
        argocd_crds.kubectl("create", "namespace", "argocd")  # AlreadyExists when another test made it
        for manifest in sorted((cache / "manifests").glob("argocd-*.yaml")):
            argo.kubectl("apply", "-n", "argocd", "-f", str(manifest))
        env = {
            "PATH": f"{root / 'bin'}:{cache / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(root / "home"),
            "TMPDIR": str(root / "tmp"),
            "KUBECONFIG": str(kubeconfig),
            "ARGOCD_FAKE_IN_CLUSTER": "true",  # https://kubernetes.default.svc -> the kubeconfig's cluster
            "ARGOCD_TLS_DATA_PATH": str(root / "tls"),
            "ARGOCD_SSH_DATA_PATH": str(root / "ssh"),
            "ARGOCD_GNUPGHOME": str(root / "gnupg"),
            "ARGOCD_GPG_DATA_PATH": str(root / "gpg"),
            "ARGOCD_GPG_ENABLED": "false",
            "HOSTNAME": "argocd-application-controller-0",
        }
        redis = f"127.0.0.1:{REDIS_PORT}"
        start(
            "redis",
            [
                *ns,
                "redis-server",
                "--save",
                "",
                "--appendonly",
                "no",
                "--bind",
                "127.0.0.1",
                "--port",
                str(REDIS_PORT),
            ],
        )
        start(
            "repo-server",
            [
                *ns, str(cache / "bin" / "argocd-repo-server"),
                "--address", "127.0.0.1", "--port", str(REPO_PORT),
                "--metrics-address", "127.0.0.1", "--metrics-port", str(REPO_METRICS),
                "--redis", redis,
            ],
            env,
        )  # fmt: skip
        start(
            "application-controller",
            [
                *ns, str(cache / "bin" / "argocd-application-controller"),
                "--namespace", "argocd", "--redis", redis, "--repo-server", f"127.0.0.1:{REPO_PORT}",
                "--metrics-port", str(CONTROLLER_METRICS), "--app-resync", "180",
                "--operation-processors", "2", "--status-processors", "2",
            ],
            env,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        for port, name in ((REPO_PORT, "repo-server"), (CONTROLLER_METRICS, "application-controller")):
            while not _listening(ns, port):
                dead = next((p for p in processes if p.poll() is not None), None)
                if dead is not None or time.monotonic() > deadline:
                    tail = (root / f"{name}.log").read_text(errors="replace").splitlines()[-3:]
                    require("Argo CD", f"{name} did not start: {' | '.join(tail) or 'no output'}")
                time.sleep(0.5)
        yield argo
    finally:
        for process in reversed(processes):
            _stop(process)
        holder.kill()
        holder.wait(timeout=10)
        for log in logs:
            log.close()
        shutil.rmtree(root, ignore_errors=True)
