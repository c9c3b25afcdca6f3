"""A hostile API server on loopback: one that drips its answer, floods it, or nests
it without end. `preflight` and `status` talk to whatever server a kubeconfig names;
none of these may hold the run, exhaust its memory or crash it. Each ends in one line
and exit 2 (or, in-process, one ClusterUnreachable) within the request's deadline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adk_gitops.errors import ClusterUnreachable
from adk_gitops.live import api, responses
from tests.conftest import copy_example
from tests.security.conftest import run_cli

Behaviour = Callable[[socket.socket], None]


def _drip(conn: socket.socket) -> None:
    """Headers at once, then one byte of a body that never ends every 0.2 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
    while True:
        conn.sendall(b" ")
        time.sleep(0.2)


def _flood(conn: socket.socket) -> None:
    """A chunked body with no end and no declared length."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b" " * 1_048_576
    while True:
        conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def _nest(conn: socket.socket) -> None:
    """Valid JSON, 100,000 arrays deep."""
    body = b"[" * 100_000 + b"]" * 100_000
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    conn.sendall(body)


@pytest.fixture()
def hostile() -> Iterator[Callable[[Behaviour], str]]:
    """Starts a server on 127.0.0.1 that answers every request with a behaviour; its URL."""
    servers: list[socket.socket] = []

    def start(behaviour: Behaviour) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        servers.append(server)

        def serve() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                threading.Thread(target=_answer, args=(conn, behaviour), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{server.getsockname()[1]}"

    yield start
    for server in servers:
        server.close()


def _answer(conn: socket.socket, behaviour: Behaviour) -> None:
    try:
        conn.recv(65536)  # the request: not read further
        behaviour(conn)
    except OSError:  # the client hung up: what it should do
        pass
    finally:
        conn.close()


def _kubeconfig(path: Path, server: str) -> Path:
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        f"clusters: [{{name: c, cluster: {{server: '{server}'}}}}]\n"
        "users: [{name: u, user: {token: not-a-secret}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
    )
    return path


def test_a_server_that_drips_is_cut_off_at_the_deadline(
    hostile: Callable[[Behaviour], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each byte comes well within urllib3's per-read timeout: only a deadline for the
    # whole answer ends this. 2 s stands in for the shipped 30 s.
    monkeypatch.setattr(responses, "REQUEST_TIMEOUT_S", 2.0)
    cluster = api.connect(_kubeconfig(tmp_path / "kubeconfig", hostile(_drip)), None)
    started = time.monotonic()
    with pytest.raises(ClusterUnreachable, match=r"^http://127\.0\.0\.1:\d+: no complete answer in 2 s$"):
        cluster.version()
    assert time.monotonic() - started < 4


def test_a_server_that_floods_is_refused_at_the_size_ceiling(
    hostile: Callable[[Behaviour], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(responses, "MAX_RESPONSE_BYTES", 8 * 1_048_576)
    cluster = api.connect(_kubeconfig(tmp_path / "kubeconfig", hostile(_flood)), None)
    with pytest.raises(ClusterUnreachable, match=r": answered more than 8388608 bytes$"):
        cluster.version()


@pytest.mark.parametrize(("behaviour", "said"), [(_nest, "answered JSON nested over 128 levels deep")])
def test_status_and_preflight_end_in_one_line(
    hostile: Callable[[Behaviour], str], tmp_path: Path, behaviour: Behaviour, said: str
) -> None:
    """As a user runs them: one line on stderr, exit 2, no traceback, the token never shown."""
    root = copy_example(tmp_path / "repo")
    kubeconfig = _kubeconfig(tmp_path / "kubeconfig", hostile(behaviour))
    for command in ("status", "preflight"):
        done = run_cli(root, {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}, command, "postgres",
                       "--kubeconfig", str(kubeconfig), timeout=60)  # fmt: skip
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and said in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and "not-a-secret" not in done.stdout + done.stderr
