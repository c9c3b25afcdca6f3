"""Kubeconfigs and their credentials, read as kubectl reads them (live/kubeconfig.py):
an exec plugin that hangs is stopped at its deadline, one that fails is one line
with its reason, a short-lived credential is asked for again, a token file is
trimmed, a kubeconfig that is no file is refused, and no secret reaches a message."""

from __future__ import annotations

import http.server
import json
import os
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adk_gitops.errors import ClusterUnreachable
from adk_gitops.live import api, kubeconfig
from tests.conftest import copy_example
from tests.security.conftest import run_cli


@pytest.fixture()
def server() -> Iterator[tuple[str, list[str]]]:
    """An API server on loopback that answers /version and records each Authorization header."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            body = json.dumps({"major": "1", "minor": "34", "gitVersion": "v1.34.4"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def _plugin(tmp_path: Path, body: str) -> Path:
    """An exec credential plugin: a Python script with ``body``."""
    script = tmp_path / "plugin"
    script.write_text(f"#!{sys.executable}\nimport json, os, sys, time\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def _kubeconfig(tmp_path: Path, server: str, user: str) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        f"clusters: [{{name: c, cluster: {{server: '{server}'}}}}]\n"
        f"users: [{{name: u, user: {user}}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
    )
    return path


def _exec(plugin: Path) -> str:
    spec = f"apiVersion: client.authentication.k8s.io/v1, command: '{plugin}', interactiveMode: Never"
    return f"{{exec: {{{spec}}}}}"


def test_a_hanging_plugin_is_stopped_at_its_deadline(
    tmp_path: Path, server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: the Kubernetes client waits for the plugin for ever. 1 s stands in for 60 s.
    monkeypatch.setattr(kubeconfig, "EXEC_TIMEOUT_S", 1.0)
    pid_file = tmp_path / "pid"
    plugin = _plugin(tmp_path, f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(3600)")
    started = time.monotonic()
    with pytest.raises(ClusterUnreachable, match=r"gave none in 1 s \(stopped\)$"):
        api.connect(_kubeconfig(tmp_path, server[0], _exec(plugin)), None)
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):  # killed, not left behind
        os.kill(int(pid_file.read_text()), 0)
    assert server[1] == []


def test_a_failing_plugin_is_one_line_with_its_reason(tmp_path: Path, server: tuple[str, list[str]]) -> None:
    plugin = _plugin(
        tmp_path, "sys.stderr.write('refreshing\\n\\x1b[2Jtoken expired: run login\\n'); sys.exit(1)"
    )
    config = _kubeconfig(tmp_path, server[0], _exec(plugin))
    done = run_cli(copy_example(tmp_path / "repo"), {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
                   "status", "postgres", "--kubeconfig", str(config), timeout=60)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"adk-gitops: error: {config}: getting credentials: exec: executable {plugin} failed with exit "
        "code 1: \\x1b[2Jtoken expired: run login\n"  # the escape shown, not obeyed
    )


def test_a_short_lived_credential_is_asked_for_again(tmp_path: Path, server: tuple[str, list[str]]) -> None:
    calls = tmp_path / "calls"
    # An expired credential on each call: every request asks the plugin again, as client-go does.
    plugin = _plugin(
        tmp_path,
        f"with open({str(calls)!r}, 'a') as f: f.write('x')\n"
        f"n = len(open({str(calls)!r}).read())\n"
        "status = {'token': f'token-{n}', 'expirationTimestamp': '2000-01-01T00:00:00Z'}\n"
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', 'kind': 'ExecCredential',"
        " 'status': status}))",
    )
    cluster = api.connect(_kubeconfig(tmp_path, server[0], _exec(plugin)), None)
    cluster.version()
    cluster.version()
    assert server[1] == ["Bearer token-2", "Bearer token-3"]


def test_a_token_file_is_trimmed_as_client_go_does(tmp_path: Path, server: tuple[str, list[str]]) -> None:
    # Before: the client sent "Bearer the-token\n", and urllib3 refused the header.
    (tmp_path / "token").write_text("the-token\n")
    cluster = api.connect(_kubeconfig(tmp_path, server[0], "{tokenFile: token, token: older}"), None)
    cluster.version()
    assert server[1] == ["Bearer the-token"]  # relative to the kubeconfig, and it wins over `token`


@pytest.mark.parametrize("what", ["/dev/zero", "fifo"])
def test_a_kubeconfig_that_is_no_file_is_refused(tmp_path: Path, what: str) -> None:
    path = Path(what) if what.startswith("/") else tmp_path / what
    if what == "fifo":
        os.mkfifo(path)
    with pytest.raises(
        ClusterUnreachable, match=r"cannot read the kubeconfig: .*not a regular file: refused$"
    ):
        api.connect(path, None)


def test_credentials_in_a_server_url_are_never_shown(tmp_path: Path) -> None:
    config = _kubeconfig(tmp_path, "https://admin:s3cret-pw@127.0.0.1:1", "{token: t0ken-value}")
    done = run_cli(copy_example(tmp_path / "repo"), {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
                   "preflight", "postgres", "--kubeconfig", str(config), timeout=60)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("adk-gitops: error: cannot reach https://***@127.0.0.1:1"), done.stderr
    assert "s3cret-pw" not in done.stdout + done.stderr and "t0ken-value" not in done.stdout + done.stderr
