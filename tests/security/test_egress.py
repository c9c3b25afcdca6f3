"""``--allow-remote`` keeps the sandbox's empty network namespace: its one way out is
the host-side filter (adk_gitops.kustomize.egress) behind the in-sandbox forwarder, which admits
an https CONNECT to a host a remote reference names, at a public address, and nothing
else. Each attack below ran against the previous main, where ``--allow-remote`` shared
the host's network (a listener on the host's loopback was reached); here nothing
reaches it, and the render's error says what the filter refused.

No test here reaches the internet (this machine has none). Where a tunnel must open,
the test plays the remote end and its name resolution with a loopback echo server
(``connect=``) and says so; the sandbox, the forwarder, the Unix socket and the filter
are the real ones."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from adk_gitops.errors import RenderError
from adk_gitops.git import hardened_env
from adk_gitops.kustomize import egress
from adk_gitops.kustomize.renderer import Renderer
from adk_gitops.kustomize.sandbox import find_sandbox, sandbox_argv, sandbox_env
from tests.security.conftest import run_cli, user_env
from tests.security.test_sandbox import sandbox_available  # noqa: F401 (autouse: fail in CI without it)

pytestmark = pytest.mark.e2e


@contextmanager
def loopback_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server on the host's loopback, each connection given to ``handle``; its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                handle(conn)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


@pytest.fixture()
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """Records the first bytes of each connection (an attacker's target on the host's
    loopback: a local admin port, a metadata proxy)."""
    seen: list[bytes] = []

    def record(conn: socket.socket) -> None:
        conn.settimeout(2)
        try:
            seen.append(conn.recv(4096))
        except OSError:
            seen.append(b"")

    with loopback_server(record) as port:
        yield port, seen


@pytest.fixture()
def echo() -> Iterator[int]:
    """Plays a remote host: echoes what the tunnel carries."""

    def echo_back(conn: socket.socket) -> None:
        while data := conn.recv(4096):
            conn.sendall(data)

    with loopback_server(echo_back) as port:
        yield port


def confined(command: list[str], root: Path, gate: egress.Filter | None) -> subprocess.CompletedProcess[str]:
    sandbox = find_sandbox()
    argv = sandbox_argv(
        command,
        root,
        cpu_seconds=60,
        bwrap=sandbox.bwrap,
        prlimit=sandbox.prlimit,
        egress=gate.socket_path if gate else None,
    )
    env = sandbox_env(hardened_env({"PATH": "/usr/bin:/bin"}, allow_remote=True))
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)


def overlay(tmp_path: Path, text: str) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "kustomization.yaml").write_text(text)
    return tmp_path


def remote_renderer(renderer: Renderer) -> Renderer:
    return Renderer(renderer.executable, renderer.flavour, True, find_sandbox())


def test_a_loopback_port_named_by_a_reference_is_not_reached(
    tmp_path: Path, renderer: Renderer, listener: tuple[int, list[bytes]]
) -> None:
    """Go never sends a loopback address through a proxy (net/http/httpproxy); in the
    sandbox that loopback is its own network namespace's, where nothing listens."""
    port, seen = listener
    folder = overlay(tmp_path, f"resources:\n  - https://127.0.0.1:{port}/cm.yaml\n")
    with pytest.raises(RenderError) as failed:
        remote_renderer(renderer).build(folder, root=folder)
    assert seen == []
    assert f"dial tcp 127.0.0.1:{port}: connect: connection refused" in str(failed.value)


def _ask(host: str) -> str:
    """A client for the sandbox: CONNECT ``host``:443 through its proxy, then a ping;
    prints the proxy's status line and what came back."""
    return (
        "import os, socket\n"
        "host, port = os.environ['HTTPS_PROXY'].rsplit(':', 1)\n"
        "s = socket.create_connection((host.split('//')[1], int(port)))\n"
        f"s.sendall(b'CONNECT {host}:443 HTTP/1.1\\r\\nHost: {host}:443\\r\\n\\r\\n')\n"
        "answer = s.makefile('rb')\n"
        "status = answer.readline().decode().strip()\n"
        "print(status)\n"
        "if status.endswith(' 200 Connection established'):\n"
        "    answer.readline()\n"
        "    s.sendall(b'ping through the tunnel')\n"
        "    print(s.recv(100).decode())\n"
        "else:\n"
        "    print(answer.read().decode().strip().splitlines()[-1])\n"
    )


def test_a_name_resolving_to_loopback_is_not_reached(tmp_path: Path) -> None:
    """A host named by a reference whose name resolves to loopback (the same holds for
    a private network or 169.254.169.254): the filter resolves it, on the host, with the
    real resolver, and connects to no such address."""
    (tmp_path / ".git").mkdir()
    with egress.Filter({"localhost"}) as gate:
        done = confined([sys.executable, "-I", "-S", "-c", _ask("localhost")], tmp_path, gate)
    assert done.stdout.splitlines() == [
        "HTTP/1.1 403 Forbidden",
        "adk-gitops: refused: localhost resolves to 127.0.0.1, not a public address",
    ]
    with pytest.raises(egress.Refused, match=r"resolves to 127\.0\.0\.1, not a public address"):
        egress.public_address("localhost", 443)


def test_a_host_the_guard_did_not_see_is_refused_by_the_filter(
    tmp_path: Path, renderer: Renderer, listener: tuple[int, list[bytes]]
) -> None:
    """Were the guard ever to miss a reference, kustomize (run here without the guard)
    still reaches only what the filter admits: its list comes from what the guard saw."""
    _, seen = listener
    folder = overlay(tmp_path, "resources:\n  - https://elsewhere.example/cm.yaml\n")
    command = [*renderer.argv_prefix, str(folder)]
    with egress.Filter({"allowed.example"}) as gate:
        done = confined(command, folder, gate)
        refused = gate.describe_refusals()
    assert done.returncode != 0 and seen == []
    assert "network filter refused: elsewhere.example (no remote reference names it)" in refused


def test_plain_http_is_refused(tmp_path: Path, renderer: Renderer) -> None:
    folder = overlay(tmp_path, "resources:\n  - http://allowed.example/cm.yaml\n")
    with egress.Filter({"allowed.example"}) as gate:
        done = confined([*renderer.argv_prefix, str(folder)], folder, gate)
        refused = gate.describe_refusals()
    assert done.returncode != 0
    assert "refused: GET http://allowed.example/cm.yaml (plain http)" in refused


def test_without_the_filter_the_sandbox_has_no_network(
    tmp_path: Path, renderer: Renderer, listener: tuple[int, list[bytes]]
) -> None:
    port, seen = listener
    folder = overlay(tmp_path, f"resources:\n  - https://127.0.0.1:{port}/cm.yaml\n")
    done = confined([*renderer.argv_prefix, str(folder)], folder, None)
    assert done.returncode != 0 and seen == []


def test_an_admitted_host_gets_its_tunnel(tmp_path: Path, echo: int) -> None:
    """The way through, end to end: a client in the sandbox (Python, as git or Go
    would) asks its proxy for ``allowed.example:443``; the forwarder carries it to the
    filter, which admits it and opens the tunnel. The remote end and its address are
    played by a loopback echo server (``connect=``): there is no internet here."""
    client = _ask("allowed.example")
    played = [("allowed.example", 443)]

    def connect(host: str, port: int) -> socket.socket:
        assert (host, port) == played[0]
        return socket.create_connection(("127.0.0.1", echo))

    (tmp_path / ".git").mkdir()
    with egress.Filter({"allowed.example"}, connect=connect) as gate:
        done = confined([sys.executable, "-I", "-S", "-c", client], tmp_path, gate)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["HTTP/1.1 200 Connection established", "ping through the tunnel"]
    assert gate.refused == []


def test_the_cli_says_what_the_filter_refused(tmp_path: Path, renderer: Renderer) -> None:
    folder = overlay(tmp_path, "resources:\n  - https://unresolvable.invalid/cm.yaml\n")
    result = run_cli(folder, user_env(renderer), "render", ".", "--allow-remote")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "kustomize could not fetch: the sandbox's network filter refused: " in result.stderr
    assert "refused: unresolvable.invalid does not resolve (--allow-remote" in result.stderr
    assert (
        "(--allow-remote admits https to the hosts of the remote references only: unresolvable.invalid)"
        in (result.stderr)
    )


@pytest.mark.parametrize(
    ("entry", "host"),
    [
        ("https://github.com/org/repo//deploy?ref=v1.2.0", "github.com"),
        ("git::https://GitLab.com/org/repo.git//x?ref=v1", "gitlab.com"),
        ("github.com/org/repo/deploy?ref=v1", "github.com"),
        ("https://user:pass@example.com./x.yaml", "example.com"),
        ("https://[::1]:8443/x", "::1"),
    ],
)
def test_remote_host(entry: str, host: str) -> None:
    assert egress.remote_host(entry) == host
