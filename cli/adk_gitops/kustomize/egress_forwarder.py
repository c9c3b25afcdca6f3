"""Runs inside kustomize's sandbox, with the standard library only (``python -I -S``):
the sandbox's one way out under ``--allow-remote``.

    python -I -S egress_forwarder.py SOCKET -- COMMAND [ARG...]

The sandbox has its own network namespace holding nothing but a loopback device.
This listens on that loopback, points COMMAND's ``HTTPS_PROXY`` (and every other
proxy variable) at itself, and carries each connection, byte for byte, to SOCKET:
a Unix socket bound in from the host, where ``adk_gitops.kustomize.egress`` decides what may
pass. It decides nothing itself. It exits with COMMAND's status (128 + N when a
signal N stopped it, as a shell reports it).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable

_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
_CHUNK = 65536


def pipe(source: socket.socket, sink: socket.socket, take: Callable[[int], bool] | None = None) -> None:
    """Copy ``source`` to ``sink`` until either end closes, then shut both down.
    ``take(n)``: asked before ``n`` more bytes are passed on; False stops the copy
    (the host-side filter's budget, egress.py)."""
    try:
        while data := source.recv(_CHUNK):
            if take is not None and not take(len(data)):
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (sink, source):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


def relay(client: socket.socket, upstream: socket.socket, take: Callable[[int], bool] | None = None) -> None:
    """Carry bytes both ways between two connected sockets until both directions end,
    then close them (``take``: as for ``pipe``, asked in both directions)."""
    back = threading.Thread(target=pipe, args=(upstream, client, take), daemon=True)
    back.start()
    pipe(client, upstream, take)
    back.join()
    client.close()
    upstream.close()


def _carry(client: socket.socket, path: str) -> None:
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(path)
    except OSError:
        client.close()
        upstream.close()
        return
    relay(client, upstream)


def _serve(listener: socket.socket, path: str) -> None:
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_carry, args=(client, path), daemon=True).start()


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: egress_forwarder.py SOCKET -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    path, command = argv[0], argv[2:]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    proxy = f"http://127.0.0.1:{listener.getsockname()[1]}"
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
    env.update(dict.fromkeys(_PROXY_VARIABLES, proxy))
    threading.Thread(target=_serve, args=(listener, path), daemon=True).start()
    try:
        child = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    except OSError as exc:
        print(f"cannot run {command[0]}: {exc.strerror}", file=sys.stderr)
        return 127
    code = child.wait()
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
