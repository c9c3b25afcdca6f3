"""A byte relay across network namespaces, through a unix socket on the shared
file system: the real Argo CD runs in a private network namespace (its
controller's metrics server binds 0.0.0.0 and has no address flag in v3.6.1), the
test cluster's kube-apiserver on the host's loopback. Bytes pass unchanged (TLS
end to end).

    relay.py unix-to-tcp SOCKET PORT   # host side: SOCKET -> 127.0.0.1:PORT
    relay.py tcp-to-unix PORT SOCKET   # namespace side: 127.0.0.1:PORT -> SOCKET

Listens only on loopback or a file; runs until killed.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Callable


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def _serve(listener: socket.socket, connect: Callable[[], socket.socket]) -> None:
    listener.listen(64)
    while True:
        client, _ = listener.accept()
        try:
            upstream = connect()
        except OSError:
            client.close()
            continue
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pipe, args=(a, b), daemon=True).start()


def main(argv: list[str]) -> int:
    mode, a, b = argv
    if mode == "unix-to-tcp":
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(a)

        def dial() -> socket.socket:
            s = socket.create_connection(("127.0.0.1", int(b)), timeout=10)
            s.settimeout(None)  # watches stay quiet for minutes
            return s

        _serve(listener, dial)
    elif mode == "tcp-to-unix":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", int(a)))

        def connect() -> socket.socket:
            s = socket.socket(socket.AF_UNIX)
            s.connect(b)
            return s

        _serve(listener, connect)
    else:
        print(f"relay: unknown mode {mode!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
