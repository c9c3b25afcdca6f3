"""What the security tests share: the CLI run as a real process, and a real HTTP
server on loopback that counts what reaches it."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from adk_gitops.kustomize.renderer import Renderer


def run_cli(
    cwd: Path, env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`python -m adk_gitops ARGS` in ``cwd``, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "adk_gitops", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def user_env(renderer: Renderer) -> dict[str, str]:
    """The environment of a user whose renderer is the real one (sandboxed as usual)."""
    return {**os.environ, "ADK_GITOPS_KUSTOMIZE": renderer.executable, "NO_COLOR": "1"}


@pytest.fixture()
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on loopback that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fetched}\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
